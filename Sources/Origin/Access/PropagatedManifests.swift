import Access
import Crypto
import NIOCore
import Synchronization

/// Manifests with a viewer's token written into every URI, by the manifest's ETag and the token's query:
/// a player reloading a playlist with the same signed URL (or `?token=`) gets the rewritten bytes from
/// here instead of a text rewrite and a SHA-256 per request. The ETag names the exact text, so a new
/// asset version or decision class never meets an old rewrite. Bounded; emptied whole when full.
final class PropagatedManifests: Sendable {
    struct Entry: Sendable {
        let body: ByteBuffer
        /// Strong, over the rewritten bytes.
        let etag: String
    }

    /// The parts as they are (no string made per lookup): the source's ETag, the token query, the format.
    private struct Key: Hashable {
        let etag: String
        let query: String
        let dash: Bool
    }

    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int = 4096) { self.capacity = capacity }

    func cached(etag: String, query: String, dash: Bool) -> Entry? {
        entries.withLock { $0[Key(etag: etag, query: query, dash: dash)] }
    }

    /// Rewrites `text` and keeps the result when the source's ETag is known.
    func rewrite(_ text: String, etag: String?, query: String, dash: Bool) -> Entry {
        let rewritten = dash ? TokenPropagation.dash(text, query: query) : TokenPropagation.hls(text, query: query)
        let digest = SHA256.hash(data: Array(rewritten.utf8))
        let hex = digest.prefix(12).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let entry = Entry(body: ByteBuffer(string: rewritten), etag: "\"" + hex + "\"")
        if let etag {
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[Key(etag: etag, query: query, dash: dash)] = entry
            }
        }
        return entry
    }
}
