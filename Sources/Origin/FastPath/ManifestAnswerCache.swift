import Access
import MediaCore
import NIOCore
import Synchronization

/// Whole answers to VOD manifest requests as `FastPathFront` sends them: the encoded status line and
/// headers (all but X-Request-Id, Date and Server, which are per request and spliced in) and the body,
/// keyed by the raw request target (path and query: a signed or `?token=` target is its own entry) and the
/// request header values the answer depends on (gzip accepted or not, a CORS `Origin` sent or not, and
/// for the 304 form an `If-None-Match` that names the entry's ETag).
///
/// An entry is only a copy of what `MediaFastPath` answered, so it says under what that answer holds and
/// a hit checks it again: the asset's listing version (the index's current listing, one lstat of the
/// stamp, so a publish, replace or delete is seen at once, and the listing's own revalidation sends the
/// request the ordinary way as before), the item still known clear, and for an item under access control
/// the grant the decision gives now, on this request (`AccessGate.knownDecision`: expiry, IP binding,
/// scope, height, country), equal to the grant the entry was made under. The decision is never cached,
/// only the answer that a given grant leads to.
///
/// Bounded in entries and bytes with CLOCK replacement: a hit sets the entry's reference bit, and an
/// insertion beyond the bounds sweeps the hand past referenced entries (clearing their bit) to evict the
/// first unreferenced one. A flood of distinct targets therefore evicts mostly its own one-time entries
/// and cannot grow memory; targets whose query names parameters the origin does not read are not cached
/// at all (`FastManifestRequest.isCacheable`).
final class ManifestAnswerCache: Sendable {
    struct Key: Hashable, Sendable {
        /// The request target as sent.
        var target: String
        var gzip: Bool
        var cors: Bool
        /// The 304 form (the request's If-None-Match named the entry's ETag).
        var notModified: Bool
    }

    /// One answer and what it holds under.
    final class Entry: Sendable {
        /// Status line and every header but the per-request ones, without the blank line.
        let head: ByteBuffer
        /// Empty for 304.
        let body: ByteBuffer
        /// The answer's ETag (for matching If-None-Match).
        let etag: String
        /// Whether If-None-Match decides this answer (false for a manifest with a token written in, which
        /// is always sent whole).
        let conditional: Bool
        let status: Int
        /// Content-Length as sent (also what a HEAD reports and the access log counts for a GET).
        let contentLength: Int
        let owner: SafeName
        let listingVersion: String
        let assetVersion: Int
        /// The media path, parsed once (the access decision reads it).
        let mediaPath: MediaPath?
        /// The access parameters of the target's query, read once: the key's target is the request's, so
        /// they are the request's (a signed URL's canonical query included, which the decision looks up).
        let parameters: AccessParameters
        /// The grant the answer was made under; nil without access control.
        let grant: AccessGrant?
        /// For the access log.
        let path: String
        let kind: RouteKind

        init(head: ByteBuffer, body: ByteBuffer, etag: String, conditional: Bool, status: Int, contentLength: Int, owner: SafeName,
             listingVersion: String, assetVersion: Int, mediaPath: MediaPath?, parameters: AccessParameters, grant: AccessGrant?,
             path: String, kind: RouteKind) {
            self.head = head
            self.body = body
            self.etag = etag
            self.conditional = conditional
            self.status = status
            self.contentLength = contentLength
            self.owner = owner
            self.listingVersion = listingVersion
            self.assetVersion = assetVersion
            self.mediaPath = mediaPath
            self.parameters = parameters
            self.grant = grant
            self.path = path
            self.kind = kind
        }

        var bytes: Int { head.readableBytes + body.readableBytes + path.utf8.count * 2 + 256 }
    }

    private struct Slot {
        var key: Key
        var entry: Entry
        var referenced: Bool
    }

    private struct State {
        var slots: [Slot?] = []
        var index: [Key: Int] = [:]
        var free: [Int] = []
        var hand = 0
        var bytes = 0
    }

    let maxEntries: Int
    let maxBytes: Int
    private let state = Mutex(State())

    /// `maxEntries` 0 turns the cache off.
    init(maxEntries: Int = 4096, maxBytes: Int = 32 << 20) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = max(0, maxBytes)
    }

    var isEnabled: Bool { maxEntries > 0 && maxBytes > 0 }

    func entry(_ key: Key) -> Entry? {
        state.withLock { state in
            guard let slot = state.index[key] else { return nil }
            state.slots[slot]!.referenced = true
            return state.slots[slot]!.entry
        }
    }

    /// Drops `key`'s entry if it is still `entry` (a hit found it out of date).
    func remove(_ key: Key, ifStill entry: Entry) {
        state.withLock { state in
            guard let slot = state.index[key], state.slots[slot]!.entry === entry else { return }
            Self.evict(slot, from: &state)
        }
    }

    func insert(_ entry: Entry, for key: Key) {
        let size = entry.bytes
        guard isEnabled, size <= maxBytes / 4 else { return }
        state.withLock { state in
            if let slot = state.index[key] { Self.evict(slot, from: &state) }
            while !state.index.isEmpty, state.index.count >= maxEntries || state.bytes + size > maxBytes {
                Self.evictOne(from: &state)
            }
            let slot: Int
            if let reused = state.free.popLast() {
                slot = reused
                state.slots[slot] = Slot(key: key, entry: entry, referenced: false)
            } else {
                slot = state.slots.count
                state.slots.append(Slot(key: key, entry: entry, referenced: false))
            }
            state.index[key] = slot
            state.bytes += size
        }
    }

    /// Entries and bytes held (tests, metrics).
    var usage: (entries: Int, bytes: Int) { state.withLock { ($0.index.count, $0.bytes) } }

    private static func evictOne(from state: inout State) {
        // At most two sweeps: the first may only clear reference bits.
        for _ in 0..<(2 * state.slots.count + 1) {
            if state.hand >= state.slots.count { state.hand = 0 }
            let slot = state.hand
            state.hand += 1
            guard let held = state.slots[slot] else { continue }
            if held.referenced {
                state.slots[slot]!.referenced = false
            } else {
                evict(slot, from: &state)
                return
            }
        }
    }

    private static func evict(_ slot: Int, from state: inout State) {
        guard let held = state.slots[slot] else { return }
        state.index.removeValue(forKey: held.key)
        state.bytes -= held.entry.bytes
        state.slots[slot] = nil
        state.free.append(slot)
    }
}
