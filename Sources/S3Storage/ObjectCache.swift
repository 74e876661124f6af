import Foundation
import NIOConcurrencyHelpers
import S3
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// A bounded local cache of immutable objects (published versions' files, live segments, whose names are
/// never reused), so a CDN's misses do not all reach the object store. Least recently used files go first
/// once `maxBytes` is passed; a file handed out stays readable after eviction (its descriptor is open).
/// The origin sends cached files with sendfile(2), so no object is ever held whole in memory, and byte
/// ranges are cut from the local file. Like the local store's open-file cache (`OpenAssetCache`), up to
/// `openFileLimit` cached files stay open between requests: a warm hit is a dictionary lookup, not an
/// open(2), fstat(2) and close(2) (cached objects never change: a name is filled once and only removed).
/// The cache starts empty (files left by an earlier run are removed).
public final class ObjectCache: Sendable {
    public let directory: URL
    public let maxBytes: Int
    /// Descriptors kept open for hits; when full, the kept ones are closed and collecting starts again.
    public let openFileLimit: Int
    private let state = NIOLockedValueBox(State())

    struct State {
        var entries: [String: Entry] = [:]
        var totalBytes = 0
        var clock = 0
        var hits = 0
        var misses = 0
        var openFiles = 0
    }

    struct Entry {
        var size: Int
        var lastUse: Int
        /// The file kept open for the next hit (released, not closed, by eviction: a response in flight
        /// keeps its own reference).
        var file: LocalFile?
        /// The store's ETag and Last-Modified for the object, carried by every opening of the file.
        var validator: StoreValidator?
    }

    public init(directory: URL, maxBytes: Int, openFileLimit: Int = 512) throws {
        self.directory = directory
        self.maxBytes = max(0, maxBytes)
        self.openFileLimit = max(0, openFileLimit)
        try? FileManager.default.removeItem(at: directory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StorageError.notWritable(path: directory.path, reason: "\(error)")
        }
    }

    /// Hits and misses so far (for /metrics and the benchmark).
    public var counts: (hits: Int, misses: Int, bytes: Int) {
        state.withLockedValue { ($0.hits, $0.misses, $0.totalBytes) }
    }

    /// Cached files kept open now.
    public var openFiles: Int { state.withLockedValue { $0.openFiles } }

    func path(for key: String) -> String {
        directory.appendingPathComponent(SigV4Signer.hexSHA256(Data(key.utf8))).path
    }

    /// The cached file for `key`, or nil on a miss.
    func open(_ key: String) -> LocalFile? {
        let found = state.withLockedValue { state -> (known: Bool, file: LocalFile?, validator: StoreValidator?) in
            guard let entry = state.entries[key] else { state.misses += 1; return (false, nil, nil) }
            state.clock += 1
            state.entries[key]?.lastUse = state.clock
            state.hits += 1
            return (true, entry.file, entry.validator)
        }
        guard found.known else { return nil }
        if let file = found.file { return file }
        guard let file = LocalFile(path: path(for: key), storeValidator: found.validator) else { return nil }
        return keep(file, key: key)
    }

    /// Keeps `file` open in `key`'s entry for later hits while there is room; returns the file to send
    /// (the one another request kept first, if it raced this one).
    private func keep(_ file: LocalFile, key: String) -> LocalFile {
        state.withLockedValue { state in
            guard let entry = state.entries[key] else { return file }
            if let raced = entry.file { return raced }
            guard openFileLimit > 0 else { return file }
            if state.openFiles >= openFileLimit {
                for name in state.entries.keys where state.entries[name]?.file != nil { state.entries[name]?.file = nil }
                state.openFiles = 0
            }
            state.entries[key]?.file = file
            state.openFiles += 1
            return file
        }
    }

    /// Fills the cache from `fetch` (which writes the object to the temporary path it is given and says
    /// what the store said of it, nil when it does not exist) and opens the result; nil when the object
    /// does not exist.
    func fill(_ key: String, fetch: (String) throws -> S3ObjectInfo?) throws -> LocalFile? {
        let final = path(for: key)
        let temporary = final + ".part-\(UUID().uuidString)"
        defer { unlink(temporary) }
        guard let fetched = try fetch(temporary) else { return nil }
        let validator = StoreValidator(etag: fetched.etag, lastModified: fetched.lastModified)
        var info = stat()
        guard stat(temporary, &info) == 0 else { return nil }
        guard rename(temporary, final) == 0 else {
            throw StorageError.io(operation: "rename into cache", path: final, reason: String(cString: strerror(errno)))
        }
        // Opened before any eviction can unlink it.
        let file = LocalFile(path: final, storeValidator: validator)
        let evicted = state.withLockedValue { state -> [String] in
            state.clock += 1
            if let old = state.entries[key] {
                state.totalBytes -= old.size
                if old.file != nil { state.openFiles -= 1 }
            }
            state.entries[key] = Entry(size: Int(info.st_size), lastUse: state.clock, validator: validator)
            state.totalBytes += Int(info.st_size)
            var evicted: [String] = []
            if state.totalBytes > maxBytes {
                for (name, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
                    guard state.totalBytes > maxBytes, name != key else { continue }
                    state.entries[name] = nil
                    state.totalBytes -= entry.size
                    if entry.file != nil { state.openFiles -= 1 }
                    evicted.append(name)
                }
            }
            return evicted
        }
        for name in evicted { unlink(path(for: name)) }
        return file.map { keep($0, key: key) }
    }

    /// Forgets a key (its object was deleted in the store).
    func remove(_ key: String) {
        let known = state.withLockedValue { state -> Bool in
            guard let entry = state.entries.removeValue(forKey: key) else { return false }
            state.totalBytes -= entry.size
            if entry.file != nil { state.openFiles -= 1 }
            return true
        }
        if known { unlink(path(for: key)) }
    }
}
