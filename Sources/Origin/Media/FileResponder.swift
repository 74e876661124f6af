#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import _NIOFileSystem

/// Serves one regular file with the CDN rules: strong ETag, Last-Modified, 304 on If-None-Match /
/// If-Modified-Since, single byte ranges (206 / 416, If-Range), `Accept-Ranges: bytes`, and a body streamed
/// from disk in chunks (never the whole file in memory). HEAD reuses the GET response without its body.
public struct FileResponder: Sendable {
    let fileSystem: FileSystem
    let chunkLength: Int

    public init(fileSystem: FileSystem = .shared, chunkLength: Int = 256 * 1024) {
        self.fileSystem = fileSystem
        self.chunkLength = chunkLength
    }

    /// The size and validators of a regular file, or nil (missing, a directory, unreadable).
    static func fileStatus(path: String) -> (size: Int, validators: Validators)? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
        let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        let size = Int(info.st_size)
        return (size, .forFile(size: size, modifiedNanoseconds: modified, inode: UInt64(info.st_ino)))
    }

    public func respond(
        path: String, contentType: String, cache: CachePolicy, request: Request, missing: OriginError
    ) throws -> Response {
        guard let (size, validators) = Self.fileStatus(path: path) else { throw missing }
        var headers: HTTPFields = [
            .contentType: contentType,
            .cacheControl: cache.headerValue,
            .eTag: validators.etag,
            .acceptRanges: "bytes",
        ]
        if let lastModified = validators.lastModified { headers[.lastModified] = HTTPDate.format(lastModified) }
        if validators.notModified(ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince]) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        let rangeHeader = validators.ifRangeHolds(request.headers[.ifRange]) ? request.headers[.range] : nil
        switch ByteRangeRequest(header: rangeHeader, size: size) {
        case .whole:
            return Response(status: .ok, headers: headers, body: body(path: path, range: 0..<size))
        case .partial(let range):
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            return Response(status: .partialContent, headers: headers, body: body(path: path, range: range.lowerBound..<(range.upperBound + 1)))
        case .unsatisfiable:
            throw OriginError.rangeNotSatisfiable(size: size)
        }
    }

    private func body(path: String, range: Range<Int>) -> ResponseBody {
        guard !range.isEmpty else { return ResponseBody() }
        let fileSystem = self.fileSystem, chunkLength = self.chunkLength
        return ResponseBody(contentLength: range.count) { writer in
            try await fileSystem.withFileHandle(forReadingAt: FilePath(path)) { handle in
                let chunks = handle.readChunks(in: Int64(range.lowerBound)..<Int64(range.upperBound), chunkLength: .bytes(Int64(chunkLength)))
                for try await chunk in chunks {
                    try await writer.write(chunk)
                }
            }
            try await writer.finish(nil)
        }
    }
}
