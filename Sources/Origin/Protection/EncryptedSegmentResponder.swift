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

/// Serves one segment or init of an encrypted item in the scheme its URL names (`?scheme=`): the clear
/// file is read, encrypted in memory with deterministic IVs, and sent with the same CDN rules as a clear
/// file (strong ETag derived from the file's and the key's, 304, single ranges over the encrypted bytes).
/// Encrypting the same file with the same key always gives the same bytes, so the ETag is stable.
struct EncryptedSegmentResponder: Sendable {
    let protection: ProtectionService
    private let fileIO = NonBlockingFileIO(threadPool: .singleton)

    init(protection: ProtectionService) {
        self.protection = protection
    }

    /// `period` is the key period of the segment (0 for VOD and for inits).
    /// `initFile` is the init segment the segment decodes with (its tracks say how to cut samples).
    func respond(object: StoredObject, initBytes: [UInt8]?, tree: MediaTree, owner: SafeName, rendition: SafeName, fileName: String,
                 segmentNumber: Int?, period: Int, contentType: String, request: Request) async throws -> Response {
        guard let raw = request.uri.queryParameters["scheme"] else {
            throw OriginError.status(.forbidden, "\(request.uri.path) belongs to an encrypted item: fetch it through its manifest (?scheme=...)")
        }
        let scheme: EncryptionScheme
        do { scheme = try EncryptionScheme(parsing: String(raw)) } catch { throw OriginError.badRequest("\(error)") }
        let served = try await protection.key(owner: ProtectionService.owner(tree: tree, id: owner), period: period)
        let key = served.period.key
        let clear: [UInt8]
        let clearValidators: Validators
        switch object {
        case .localFile(let file):
            clear = try await read(file)
            clearValidators = .forFile(size: file.size, modifiedNanoseconds: file.modifiedNanoseconds, inode: file.inode)
        case .bytes(let stored):
            clear = [UInt8](stored.data)
            clearValidators = Validators(etag: stored.etag, lastModified: stored.lastModified)
        }
        let encrypted: [UInt8]
        switch scheme {
        case .aes128:
            // The init stays clear (the playlist's first EXT-X-MAP comes before any key); segments are
            // AES-128-CBC under the IV the playlist names for them.
            guard let number = segmentNumber else { encrypted = clear; break }
            encrypted = WholeSegmentCipher.encrypt(clear, key: key,
                                                   iv: IVDerivation.wholeSegment(kid: key.id, stream: rendition.rawValue, segment: number))
        case .sampleAES, .cenc, .cbcs:
            let sampleScheme = scheme.sampleScheme ?? .cenc
            let constantIV = IVDerivation.cbcsConstant(kid: key.id, stream: rendition.rawValue)
            do {
                if let number = segmentNumber {
                    guard let initBytes else { throw OriginError.notFound("the init segment of \(rendition)") }
                    let tracks = try CENCInit.tracks(of: initBytes)
                    var encryptors: [UInt32: SampleEncryptor] = [:]
                    for track in tracks {
                        encryptors[track.trackID] = SampleEncryptor(scheme: sampleScheme, layout: track.layout, key: key,
                                                                    constantIV: sampleScheme == .cbcs ? constantIV : [])
                    }
                    encrypted = try CENCFragment.encrypt(clear, tracks: tracks, encryptors: encryptors,
                                                         cencIVBase: IVDerivation.cencFragmentBase(kid: key.id, stream: rendition.rawValue, segment: number))
                } else {
                    encrypted = try CENCInit.encrypt(clear, scheme: sampleScheme, kid: key.id, constantIV: constantIV,
                                                     extraPSSH: served.signalling.compactMap(\.pssh))
                }
            } catch let error as ProtectionError {
                throw OriginError.internalError("\(tree.rawValue)/\(owner)/\(rendition)/\(fileName): \(error)")
            }
        }
        let inner = clearValidators.etag.trimmingCharacters(in: ["\""])
        let validators = Validators(etag: "\"\(inner)-\(scheme.rawValue)-\(key.id.hex.prefix(8))\"", lastModified: clearValidators.lastModified)
        return try Self.response(encrypted, validators: validators, contentType: contentType, request: request)
    }

    static func response(_ bytes: [UInt8], validators: Validators, contentType: String, request: Request) throws -> Response {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: CachePolicy.immutable.headerValue,
                                   .eTag: validators.etag, .acceptRanges: "bytes"]
        if let lastModified = validators.lastModified { headers[.lastModified] = HTTPDate.format(lastModified) }
        if validators.notModified(ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince]) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        let rangeHeader = validators.ifRangeHolds(request.headers[.ifRange]) ? request.headers[.range] : nil
        var status = HTTPResponse.Status.ok
        var range = 0..<bytes.count
        switch ByteRangeRequest(header: rangeHeader, size: bytes.count) {
        case .whole: break
        case .partial(let closed):
            status = .partialContent
            range = closed.lowerBound..<(closed.upperBound + 1)
            headers[.contentRange] = "bytes \(closed.lowerBound)-\(closed.upperBound)/\(bytes.count)"
        case .unsatisfiable:
            throw OriginError.rangeNotSatisfiable(size: bytes.count)
        }
        headers[.contentLength] = String(range.count)
        if request.method == .head { return Response(status: status, headers: headers, body: ResponseBody()) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes[range])))
    }

    private func read(_ file: LocalFile) async throws -> [UInt8] {
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: dup(file.descriptor))
        defer { try? handle.close() }
        var buffer = try await fileIO.read(fileHandle: handle, fromOffset: 0, byteCount: file.size, allocator: ByteBufferAllocator())
        guard buffer.readableBytes == file.size, let bytes = buffer.readBytes(length: file.size) else {
            throw OriginError.internalError("segment file shrank while it was read")
        }
        return bytes
    }
}
