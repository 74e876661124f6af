import CompressNIO
import Crypto
import Hummingbird
import MediaCore
import Synchronization

/// A manifest's bytes as sent: plain and gzipped (made on first use), and a strong ETag over the text.
final class RenderedManifest: Sendable {
    let plain: ByteBuffer
    let tag: String
    /// The quoted ETags of the plain and the gzip bytes, made once rather than per response.
    let etag: String
    let gzipETag: String
    private let gzipped = Mutex<ByteBuffer?>(nil)

    init(text: String) {
        plain = ByteBuffer(string: text)
        let digest = SHA256.hash(data: Array(text.utf8))
        tag = digest.prefix(12).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        etag = "\"\(tag)\""
        gzipETag = "\"\(tag)-gz\""
    }

    func gzip() throws -> ByteBuffer {
        if let done = gzipped.withLock({ $0 }) { return done }
        var input = plain
        let compressed = try input.compress(with: .gzip())
        gzipped.withLock { $0 = compressed }
        return compressed
    }
}

/// Rendered VOD manifests by asset version, name and query: a published asset's manifests only change
/// when the catalog's version of it does, so the packager runs once per variant, not once per request.
/// Bounded; emptied whole when full (cheap to rebuild).
final class ManifestCache: Sendable {
    private let entries = Mutex<[String: RenderedManifest]>([:])
    let capacity: Int

    init(capacity: Int = 1024) { self.capacity = capacity }

    /// The manifest rendered under `key` earlier, if it is still kept.
    func cached(key: String) -> RenderedManifest? { entries.withLock { $0[key] } }

    /// The cache key of a VOD manifest: asset, listing version, encryption scheme, path and the query in
    /// canonical (sorted) order.
    static func key(owner: SafeName, version: String, scheme: String, path: String, query: [String: String]) -> String {
        let canonicalQuery = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(owner)|\(version)|\(scheme)|\(path)|\(canonicalQuery)"
    }

    func rendered(key: String, render: () throws -> String) throws -> RenderedManifest {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let made = RenderedManifest(text: try render())
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = made
        }
        return made
    }
}

/// Builds the response for a manifest: content type, Cache-Control, the strong ETag of the exact bytes
/// sent (`-gz` for the gzip variant), 304 handling, and gzip when the client accepts it, with
/// `Vary: Accept-Encoding` either way so a CDN keeps the two encodings apart.
enum ManifestResponse {
    /// Status, headers and body of a manifest response, before the layers around the route add theirs;
    /// the Hummingbird route and the fast path both send exactly this.
    struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        /// Nil for 304.
        var body: ByteBuffer?
    }

    static func answer(_ manifest: RenderedManifest, contentType: String, cache: CachePolicy,
                       acceptEncoding: String?, ifNoneMatch: String?) throws -> Answer {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: cache.headerValue, .vary: "Accept-Encoding"]
        let gzip = acceptsGzip(acceptEncoding)
        let validators = Validators(etag: gzip ? manifest.gzipETag : manifest.etag, lastModified: nil)
        headers[.eTag] = validators.etag
        if validators.notModified(ifNoneMatch: ifNoneMatch, ifModifiedSince: nil) {
            headers[.contentType] = nil
            return Answer(status: .notModified, headers: headers, body: nil)
        }
        if gzip { headers[.contentEncoding] = "gzip" }
        return Answer(status: .ok, headers: headers, body: gzip ? try manifest.gzip() : manifest.plain)
    }

    static func make(_ manifest: RenderedManifest, contentType: String, cache: CachePolicy, request: Request) throws -> Response {
        let answer = try answer(manifest, contentType: contentType, cache: cache,
                                acceptEncoding: request.headers[.acceptEncoding], ifNoneMatch: request.headers[.ifNoneMatch])
        guard let body = answer.body else { return Response(status: answer.status, headers: answer.headers) }
        return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: body))
    }

    /// True when `gzip` is listed with a non-zero quality (RFC 9110 §12.5.3).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.lowercased().split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let coding = parts.first?.trimmingSpaces, coding == "gzip" || coding == "x-gzip" else { continue }
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingSpaces
                if pair.hasPrefix("q="), let q = Double(pair.dropFirst(2)), q == 0 { return false }
            }
            return true
        }
        return false
    }
}
