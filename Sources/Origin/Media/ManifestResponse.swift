import CompressNIO
import Crypto
import Hummingbird

/// Builds the response for a manifest's text: content type, Cache-Control, a strong ETag over the exact
/// bytes sent, 304 handling, and gzip when the client accepts it (with `Vary: Accept-Encoding` either way,
/// so a CDN keeps the two encodings apart).
enum ManifestResponse {
    static func make(text: String, contentType: String, cache: CachePolicy, request: Request) throws -> Response {
        var buffer = ByteBuffer(string: text)
        var etagSuffix = ""
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: cache.headerValue, .vary: "Accept-Encoding"]
        if acceptsGzip(request.headers[.acceptEncoding]) {
            buffer = try buffer.compress(with: .gzip())
            headers[.contentEncoding] = "gzip"
            etagSuffix = "-gz"
        }
        let digest = SHA256.hash(data: Array(text.utf8))
        let hex = digest.prefix(12).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let validators = Validators(etag: "\"\(hex)\(etagSuffix)\"", lastModified: nil)
        headers[.eTag] = validators.etag
        if validators.notModified(ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: nil) {
            headers[.contentType] = nil
            headers[.contentEncoding] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
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
