import NIOCore
import Protection
import Synchronization

/// Everything an encrypted segment's or init's bytes are a function of. Two requests with equal keys get
/// byte-identical responses (encryption is deterministic), and anything that would change a byte changes
/// the key: a replaced or re-published clear file (its identity), another scheme, another content key
/// (the id and a fingerprint of the key itself and of the key server's PSSH data, so a key that changed
/// under the same id is another entry), another key period, another IV rule.
struct EncryptedObjectKey: Hashable, Sendable {
    var tree: String
    var owner: String
    var rendition: String
    var fileName: String
    /// The clear object's validator: file size, modification time and inode, or the remote store's ETag.
    var clearIdentity: String
    /// The init segment a media segment is cut with (live streams number theirs); nil for an init.
    var initName: String?
    var scheme: EncryptionScheme
    var kid: KeyID
    var keyFingerprint: [UInt8]
    var period: Int
    var ivRule: String
}

/// A bounded, least-recently-used cache of encrypted segments and inits in memory (`drm.cache_max_bytes`),
/// so a repeated request for an encrypted object is a memory read rather than a new encryption. Concurrent
/// misses on one key share one encryption (the first starts it in a task of its own, so a client that
/// goes away does not cancel it for the others); failures are not cached.
final class EncryptedObjectCache: Sendable {
    let maxBytes: Int

    struct Statistics: Sendable, Equatable {
        var hits = 0
        var misses = 0
        var evictions = 0
        var entries = 0
        var bytes = 0
    }

    private struct Entry {
        var bytes: ByteBuffer
        var lastUse: UInt64
    }

    private struct State {
        var entries: [EncryptedObjectKey: Entry] = [:]
        /// Encryptions running, with a ticket so a task only stores what it was started for (not after
        /// `removeAll` dropped its item, nor over a newer task for the same key).
        var inflight: [EncryptedObjectKey: (ticket: UInt64, task: Task<ByteBuffer, any Error>)] = [:]
        var clock: UInt64 = 0
        var total = 0
        var statistics = Statistics()
    }

    private let state = Mutex(State())

    /// `maxBytes` 0 turns caching off (every request encrypts).
    init(maxBytes: Int) {
        self.maxBytes = max(0, maxBytes)
    }

    var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.entries = state.entries.count
            statistics.bytes = state.total
            return statistics
        }
    }

    /// The cached bytes for `key`, or the result of `make` (then kept if it fits the bound).
    func bytes(for key: EncryptedObjectKey, make: @escaping @Sendable () async throws -> ByteBuffer) async throws -> ByteBuffer {
        guard maxBytes > 0 else { return try await make() }
        enum Lookup { case hit(ByteBuffer), wait(Task<ByteBuffer, any Error>) }
        let lookup = state.withLock { state -> Lookup in
            state.clock += 1
            if var entry = state.entries[key] {
                entry.lastUse = state.clock
                state.entries[key] = entry
                state.statistics.hits += 1
                return .hit(entry.bytes)
            }
            if let running = state.inflight[key] {
                state.statistics.hits += 1
                return .wait(running.task)
            }
            state.statistics.misses += 1
            let ticket = state.clock
            let task = Task<ByteBuffer, any Error> {
                let result: Result<ByteBuffer, any Error>
                do { result = .success(try await make()) } catch { result = .failure(error) }
                self.finish(key, ticket: ticket, result)
                return try result.get()
            }
            state.inflight[key] = (ticket, task)
            return .wait(task)
        }
        switch lookup {
        case .hit(let bytes): return bytes
        case .wait(let task): return try await task.value
        }
    }

    /// Drops every entry of one item (deleted, or its encryption switched off or its keys forgotten).
    func removeAll(tree: String, owner: String) {
        state.withLock { state in
            for (key, entry) in state.entries where key.tree == tree && key.owner == owner {
                state.entries[key] = nil
                state.total -= entry.bytes.readableBytes
            }
            for key in state.inflight.keys where key.tree == tree && key.owner == owner { state.inflight[key] = nil }
        }
    }

    private func finish(_ key: EncryptedObjectKey, ticket: UInt64, _ result: Result<ByteBuffer, any Error>) {
        state.withLock { state in
            guard state.inflight[key]?.ticket == ticket else { return }
            state.inflight[key] = nil
            guard case .success(let bytes) = result, bytes.readableBytes <= maxBytes else { return }
            if let replaced = state.entries.updateValue(Entry(bytes: bytes, lastUse: state.clock), forKey: key) {
                state.total -= replaced.bytes.readableBytes
            }
            state.total += bytes.readableBytes
            while state.total > maxBytes, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries[oldest.key] = nil
                state.total -= oldest.value.bytes.readableBytes
                state.statistics.evictions += 1
            }
        }
    }
}
