#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import MediaCore
import NIOCore
import NIOPosix
import Protection
import Storage

/// Serves one segment or init of an encrypted item in the scheme its URL names (`?scheme=`), with the same
/// CDN rules as a clear file (strong ETag derived from the file's and the key's, 304, single ranges over
/// the encrypted bytes). The encrypted bytes come from the service's `EncryptedObjectCache`; on a miss the
/// clear file (and the init it decodes with) is read and encrypted once (`SegmentEncryption`, deterministic
/// IVs), so the same request always gets the same bytes and the ETag is stable.
struct EncryptedSegmentResponder: Sendable {
    let protection: ProtectionService
    private let fileIO = NonBlockingFileIO(threadPool: .singleton)

    init(protection: ProtectionService) {
        self.protection = protection
    }

    /// `period` is the key period of the segment (0 for VOD and for inits). `initName` and `loadInit` name
    /// and read the init segment a media segment decodes with (read only when the bytes are not cached).
    func respond(object: StoredObject, initName: String?, loadInit: @escaping @Sendable () throws -> [UInt8]?, tree: MediaTree,
                 owner: SafeName, rendition: SafeName, fileName: String, segmentNumber: Int?, period: Int, contentType: String,
                 request: Request) async throws -> Response {
        guard let raw = request.uri.queryParameters["scheme"] else {
            throw OriginError.status(.forbidden, "\(request.uri.path) belongs to an encrypted item: fetch it through its manifest (?scheme=...)")
        }
        let scheme: EncryptionScheme
        do { scheme = try EncryptionScheme(parsing: String(raw)) } catch { throw OriginError.badRequest("\(error)") }
        let served = try await protection.key(owner: ProtectionService.owner(tree: tree, id: owner), period: period)
        let kid = served.period.key.id
        let clearValidators: Validators
        switch object {
        case .localFile(let file):
            clearValidators = .forFile(file)
        case .bytes(let stored):
            clearValidators = Validators(etag: stored.etag, lastModified: stored.lastModified)
        }
        let inner = clearValidators.etag.trimmingCharacters(in: ["\""])
        let validators = Validators(etag: "\"\(inner)-\(scheme.rawValue)-\(kid.hex.prefix(8))\"", lastModified: clearValidators.lastModified)
        if validators.notModified(ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince]) {
            return Self.notModified(validators: validators)
        }
        let cacheKey = EncryptedObjectKey(tree: tree.rawValue, owner: owner.rawValue, rendition: rendition.rawValue, fileName: fileName,
                                          clearIdentity: clearValidators.etag, initName: segmentNumber == nil ? nil : initName,
                                          scheme: scheme, kid: kid, keyFingerprint: SegmentEncryption.fingerprint(served), period: period,
                                          ivRule: SegmentEncryption.ivRule)
        let fileIO = fileIO
        let bytes = try await protection.encryptedObjects.bytes(for: cacheKey) {
            let clear = try await Self.read(object, fileIO: fileIO)
            let initBytes = segmentNumber == nil ? nil : try loadInit()
            if segmentNumber != nil, initBytes == nil { throw OriginError.notFound("the init segment of \(rendition)") }
            do {
                return ByteBuffer(bytes: try SegmentEncryption.encrypt(clear, scheme: scheme, key: served, stream: rendition.rawValue,
                                                                       segment: segmentNumber, initSegment: initBytes))
            } catch let error as ProtectionError {
                throw OriginError.internalError("\(tree.rawValue)/\(owner)/\(rendition)/\(fileName): \(error)")
            }
        }
        return try Self.response(bytes, validators: validators, contentType: contentType, request: request)
    }

    static func headers(validators: Validators, contentType: String) -> HTTPFields {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: CachePolicy.immutable.headerValue,
                                   .eTag: validators.etag, .acceptRanges: "bytes"]
        if let lastModified = validators.lastModified { headers[.lastModified] = HTTPDate.format(lastModified) }
        return headers
    }

    static func notModified(validators: Validators) -> Response {
        var headers = headers(validators: validators, contentType: "")
        headers[.contentType] = nil
        return Response(status: .notModified, headers: headers)
    }

    static func response(_ bytes: ByteBuffer, validators: Validators, contentType: String, request: Request) throws -> Response {
        var headers = headers(validators: validators, contentType: contentType)
        if validators.notModified(ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince]) {
            return notModified(validators: validators)
        }
        let rangeHeader = validators.ifRangeHolds(request.headers[.ifRange]) ? request.headers[.range] : nil
        var status = HTTPResponse.Status.ok
        let size = bytes.readableBytes
        var range = 0..<size
        switch ByteRangeRequest(header: rangeHeader, size: size) {
        case .whole: break
        case .partial(let closed):
            status = .partialContent
            range = closed.lowerBound..<(closed.upperBound + 1)
            headers[.contentRange] = "bytes \(closed.lowerBound)-\(closed.upperBound)/\(size)"
        case .unsatisfiable:
            throw OriginError.rangeNotSatisfiable(size: size)
        }
        headers[.contentLength] = String(range.count)
        if request.method == .head { return Response(status: status, headers: headers, body: ResponseBody()) }
        // A slice of the cached buffer shares its storage: serving a cached object copies nothing.
        let body = bytes.getSlice(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ByteBuffer()
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    private static func read(_ object: StoredObject, fileIO: NonBlockingFileIO) async throws -> [UInt8] {
        switch object {
        case .bytes(let stored):
            return [UInt8](stored.data)
        case .localFile(let file):
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: dup(file.descriptor))
            defer { try? handle.close() }
            var buffer = try await fileIO.read(fileHandle: handle, fromOffset: 0, byteCount: file.size, allocator: ByteBufferAllocator())
            guard buffer.readableBytes == file.size, let bytes = buffer.readBytes(length: file.size) else {
                throw OriginError.internalError("segment file shrank while it was read")
            }
            return bytes
        }
    }
}
