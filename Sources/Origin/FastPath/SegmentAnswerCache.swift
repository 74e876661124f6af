import Access
import MediaCore
import NIOCore
import Storage
import Synchronization

/// The encoded head of a VOD segment's whole answer (`200`, every header but X-Request-Id, Date and
/// Server), as `FastPathFront` sends it before the file, keyed by the request path and whether a CORS
/// `Origin` came: what `MediaFastPath` built per request from the file's validators, the rendition's
/// content type, the CORS and grant headers (`HTTPFields`, a date format, the ETag string, the
/// encoder) was a fifth of a 600 KB segment request's CPU (perf, docs/perf-notes.md session 8).
///
/// An entry holds no descriptor: it names the file by what its head was made from (size, modification
/// time, inode, a store's validator), and a hit takes the file the open-file cache gives now, under the
/// version the URL names, and uses the head only when that file is the one described. So a replace, a
/// delete or a restamp is seen exactly as by a miss. The query is not in the key: a segment's answer
/// depends on it only through the access decision, which a hit makes for its own request and whose grant
/// must equal the one the head was made under (the grant's headers are in it).
///
/// Bounded: when `maxEntries` is reached the entries are dropped and collected again (segment paths of
/// the hot assets, two per path at most).
final class SegmentAnswerCache: Sendable {
    struct Key: Hashable, Sendable {
        var path: Substring
        var cors: Bool
    }

    final class Entry: Sendable {
        /// Status line and every header but the per-request ones, without the blank line.
        let head: ByteBuffer
        let owner: SafeName
        /// The version the URL names (1 for an unversioned URL), which the folder's stamp must equal.
        let version: Int
        let rendition: SafeName
        let fileName: String
        let size: Int
        let modifiedNanoseconds: Int64
        let inode: UInt64
        let storeValidator: StoreValidator?
        /// Parsed once (the access decision reads it); nil without access control.
        let mediaPath: MediaPath?
        /// The grant the head was made under; nil without access control.
        let grant: AccessGrant?
        /// For the access log.
        let path: String
        let kind: RouteKind

        init(head: ByteBuffer, owner: SafeName, version: Int, rendition: SafeName, fileName: String, file: LocalFile,
             mediaPath: MediaPath?, grant: AccessGrant?, path: String, kind: RouteKind) {
            self.head = head
            self.owner = owner
            self.version = version
            self.rendition = rendition
            self.fileName = fileName
            size = file.size
            modifiedNanoseconds = file.modifiedNanoseconds
            inode = file.inode
            storeValidator = file.storeValidator
            self.mediaPath = mediaPath
            self.grant = grant
            self.path = path
            self.kind = kind
        }

        /// Whether `file` is the one the head describes (its Content-Length, ETag and Last-Modified hold).
        func describes(_ file: LocalFile) -> Bool {
            file.inode == inode && file.size == size && file.modifiedNanoseconds == modifiedNanoseconds
                && file.storeValidator == storeValidator
        }
    }

    let maxEntries: Int
    private let entries = Mutex<[Key: Entry]>([:])

    /// `maxEntries` 0 turns the cache off.
    init(maxEntries: Int = 8192) {
        self.maxEntries = max(0, maxEntries)
    }

    var isEnabled: Bool { maxEntries > 0 }

    func entry(_ key: Key) -> Entry? {
        entries.withLock { $0[key] }
    }

    func insert(_ entry: Entry, for key: Key) {
        guard isEnabled else { return }
        entries.withLock { entries in
            if entries.count >= maxEntries, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }

    /// Drops `key`'s entry if it is still `entry` (a hit found its file changed).
    func remove(_ key: Key, ifStill entry: Entry) {
        entries.withLock { entries in
            if entries[key] === entry { entries.removeValue(forKey: key) }
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
