#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import NIOCore
import NIOPosix
import Storage

/// Serves one stored object (a local file, or bytes from a remote store) with the CDN rules: strong ETag, Last-Modified, 304 on If-None-Match /
/// If-Modified-Since, single byte ranges (206 / 416, If-Range), `Accept-Ranges: bytes`. The body goes out
/// with sendfile(2) (`FileRegionHandoff`) when the server installed it, otherwise it is read from disk in
/// chunks on NIO's thread pool; never is a whole file loaded into memory. HEAD reuses the GET response
/// without its body, and opens nothing it does not need.
public struct FileResponder: Sendable {
    let handoff: FileRegionHandoff?
    let chunkLength: Int
    private let fileIO = NonBlockingFileIO(threadPool: .singleton)

    public init(handoff: FileRegionHandoff?, chunkLength: Int = 256 * 1024) {
        self.handoff = handoff
        self.chunkLength = chunkLength
    }

    public func respond(
        path: String, contentType: String, cache: CachePolicy, request: Request, missing: OriginError
    ) throws -> Response {
        guard let file = LocalFile(path: path) else { throw missing }
        return try respond(object: .localFile(file), contentType: contentType, cache: cache, request: request)
    }

    /// What a GET or HEAD of a stored object answers, before any body is attached: the Hummingbird route
    /// and the fast path both send exactly this.
    struct Plan {
        enum Outcome {
            /// 200 or 206 with these bytes of the object (empty for HEAD).
            case send(status: HTTPResponse.Status, range: Range<Int>)
            case notModified
            case unsatisfiable(size: Int)
        }
        var outcome: Outcome
        var headers: HTTPFields
    }

    static func plan(object: StoredObject, contentType: String, cache: CachePolicy, isHead: Bool,
                     ifNoneMatch: String?, ifModifiedSince: String?, ifRange: String?, range rangeHeader: String?) -> Plan {
        let validators: Validators, size: Int
        switch object {
        case .localFile(let file):
            validators = .forFile(file)
            size = file.size
        case .bytes(let bytes):
            validators = Validators(etag: bytes.etag, lastModified: bytes.lastModified)
            size = bytes.data.count
        }
        var headers: HTTPFields = [
            .contentType: contentType,
            .cacheControl: cache.headerValue,
            .eTag: validators.etag,
            .acceptRanges: "bytes",
        ]
        if let lastModified = validators.lastModified { headers[.lastModified] = HTTPDate.format(lastModified) }
        if validators.notModified(ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince) {
            headers[.contentType] = nil
            return Plan(outcome: .notModified, headers: headers)
        }
        let usedRange = validators.ifRangeHolds(ifRange) ? rangeHeader : nil
        let status: HTTPResponse.Status
        let range: Range<Int>
        switch ByteRangeRequest(header: usedRange, size: size) {
        case .whole:
            status = .ok
            range = 0..<size
        case .partial(let closed):
            status = .partialContent
            range = closed.lowerBound..<(closed.upperBound + 1)
            headers[.contentRange] = "bytes \(closed.lowerBound)-\(closed.upperBound)/\(size)"
        case .unsatisfiable:
            return Plan(outcome: .unsatisfiable(size: size), headers: headers)
        }
        if isHead { headers[.contentLength] = String(range.count) }
        return Plan(outcome: .send(status: status, range: range), headers: headers)
    }

    /// The same for an object the media store opened.
    func respond(object: StoredObject, contentType: String, cache: CachePolicy, request: Request) throws -> Response {
        let plan = Self.plan(object: object, contentType: contentType, cache: cache, isHead: request.method == .head,
                             ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince],
                             ifRange: request.headers[.ifRange], range: request.headers[.range])
        let headers = plan.headers
        let status: HTTPResponse.Status, range: Range<Int>
        switch plan.outcome {
        case .notModified: return Response(status: .notModified, headers: headers)
        case .unsatisfiable(let size): throw OriginError.rangeNotSatisfiable(size: size)
        case .send(let planned, let planRange): (status, range) = (planned, planRange)
        }
        if request.method == .head {
            return Response(status: status, headers: headers, body: ResponseBody())
        }
        switch object {
        case .localFile(let file): return Response(status: status, headers: headers, body: body(file: file, range: range))
        case .bytes(let bytes):
            let slice = bytes.data[bytes.data.startIndex + range.lowerBound ..< bytes.data.startIndex + range.upperBound]
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: slice)))
        }
    }

    private func body(file: LocalFile, range: Range<Int>) -> ResponseBody {
        guard !range.isEmpty else { return ResponseBody() }
        if let handoff {
            return ResponseBody(contentLength: range.count) { writer in
                let token = handoff.token(for: file, range: range)
                do {
                    try await writer.write(token)
                    handoff.handedOver(token)
                } catch {
                    handoff.discard(token)
                    throw error
                }
                try await writer.finish(nil)
            }
        }
        let fileIO = self.fileIO, chunkLength = self.chunkLength
        return ResponseBody(contentLength: range.count) { writer in
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: dup(file.descriptor))
            defer { try? handle.close() }
            var offset = range.lowerBound
            while offset < range.upperBound {
                let count = min(chunkLength, range.upperBound - offset)
                let chunk = try await fileIO.read(fileHandle: handle, fromOffset: Int64(offset), byteCount: count,
                                                  allocator: ByteBufferAllocator())
                guard chunk.readableBytes > 0 else { throw OriginError.internalError("file shrank while it was sent") }
                offset += chunk.readableBytes
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
    }
}
