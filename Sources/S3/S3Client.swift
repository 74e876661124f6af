import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// What the store says about one object.
public struct S3ObjectInfo: Sendable, Equatable {
    public var key: String
    public var size: Int
    /// Quoted, as the store sends it.
    public var etag: String
    /// Seconds since 1970, when the store said.
    public var lastModified: Int?
}

/// A client for one bucket of an S3-compatible store (AWS S3, MinIO, Ceph RGW, SeaweedFS, R2, rclone,
/// moto), on AsyncHTTPClient with our own Signature V4. Every request is retried on 5xx, 429 and transport
/// failures (`RetryPolicy`); 403 and a missing bucket become errors that say what to fix.
public final class S3Client: Sendable {
    public let endpoint: S3Endpoint
    let signer: SigV4Signer
    let http: HTTPClient
    let retry: RetryPolicy
    let requestTimeout: TimeAmount
    /// Objects larger than this are uploaded in parts of `partSize` bytes (S3's minimum part is 5 MiB).
    public let multipartThreshold: Int
    public let partSize: Int

    public init(endpoint: S3Endpoint, credentials: S3Credentials, retry: RetryPolicy = RetryPolicy(),
                requestTimeout: TimeAmount = .seconds(30),
                multipartThreshold: Int = 16 << 20, partSize: Int = 8 << 20) {
        self.endpoint = endpoint
        self.signer = SigV4Signer(credentials: credentials, region: endpoint.region)
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.multipartThreshold = max(multipartThreshold, 5 << 20)
        self.partSize = max(partSize, 5 << 20)
        http = sharedS3HTTPClient
    }

    // MARK: Objects

    /// Stores `bytes` as `key` in one request (use `upload(file:key:)` for large objects).
    public func put(_ bytes: ByteBuffer, key: String, contentType: String? = nil) async throws {
        var headers: [(String, String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        _ = try await send("PUT", key: key, headers: headers, body: bytes, operation: "PUT")
    }

    /// Stores a local file as `key`: one PUT when small, else a multipart upload (aborted on failure,
    /// so no parts are left behind).
    public func upload(file: URL, key: String) async throws {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: file) } catch {
            throw S3Error.io(operation: "open", path: file.path, reason: "\(error)")
        }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        if size <= multipartThreshold {
            let data = try read(handle, count: size, path: file.path)
            try await put(ByteBuffer(bytes: data), key: key)
            return
        }
        let uploadID = try await createMultipartUpload(key: key)
        do {
            var parts: [(number: Int, etag: String)] = []
            var number = 1
            while true {
                let chunk = try read(handle, count: partSize, path: file.path)
                if chunk.isEmpty { break }
                let response = try await send("PUT", key: key,
                                              query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                              body: ByteBuffer(bytes: chunk), operation: "upload part of")
                guard let etag = response.headers.first(name: "ETag") else {
                    throw S3Error.malformedResponse(operation: "upload part \(number) of \(key)", reason: "no ETag")
                }
                parts.append((number, etag))
                number += 1
            }
            let body = "<CompleteMultipartUpload>" + parts.map {
                "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(xmlEscaped($0.etag))</ETag></Part>"
            }.joined() + "</CompleteMultipartUpload>"
            let response = try await send("POST", key: key, query: [("uploadId", uploadID)],
                                          body: ByteBuffer(string: body), operation: "complete upload of")
            // S3 may answer 200 with an error document when completing fails late.
            let answer = try await response.body.collect(upTo: 1 << 20)
            if let node = XMLNode.parse(Data(answer.readableBytesView)), node.name == "Error" {
                throw S3Error.failed(operation: "complete upload of", key: key, status: 200,
                                     code: node.value("Code") ?? "", message: node.value("Message") ?? "")
            }
        } catch {
            _ = try? await send("DELETE", key: key, query: [("uploadId", uploadID)], operation: "abort upload of")
            throw error
        }
    }

    func createMultipartUpload(key: String) async throws -> String {
        let response = try await send("POST", key: key, query: [("uploads", "")], operation: "start upload of")
        let body = try await response.body.collect(upTo: 1 << 20)
        guard let id = XMLNode.parse(Data(body.readableBytesView))?.value("UploadId"), !id.isEmpty else {
            throw S3Error.malformedResponse(operation: "start upload of \(key)", reason: "no UploadId")
        }
        return id
    }

    private func read(_ handle: FileHandle, count: Int, path: String) throws -> Data {
        do { return try handle.read(upToCount: count) ?? Data() } catch {
            throw S3Error.io(operation: "read", path: path, reason: "\(error)")
        }
    }

    /// The whole object (or `range`, inclusive byte offsets) in memory; nil when it does not exist. For
    /// small objects: journals, stamps, test checks.
    public func get(key: String, range: ClosedRange<Int>? = nil, maxBytes: Int = 64 << 20) async throws -> Data? {
        var headers: [(String, String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let response = try await send("GET", key: key, headers: headers, accept: [404], operation: "GET")
        if response.status.code == 404 { return nil }
        do {
            let buffer = try await response.body.collect(upTo: maxBytes)
            return Data(buffer.readableBytesView)
        } catch {
            throw S3Error.unavailable(endpoint: endpoint.description, reason: "reading \(key): \(error)")
        }
    }

    /// Streams the object into `path` (created or truncated) without holding it in memory; nil when the
    /// object does not exist (nothing is written then). A transfer cut short throws, and the caller
    /// removes the partial file.
    public func download(key: String, to path: String) async throws -> S3ObjectInfo? {
        let response = try await send("GET", key: key, accept: [404], operation: "GET")
        if response.status.code == 404 { return nil }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw S3Error.io(operation: "create", path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var written = 0
        do {
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let count = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                        if count < 0 {
                            if errno == EINTR { continue }
                            throw S3Error.io(operation: "write", path: path, reason: String(cString: strerror(errno)))
                        }
                        offset += count
                    }
                }
                written += buffer.readableBytes
            }
        } catch let error as S3Error {
            throw error
        } catch {
            throw S3Error.unavailable(endpoint: endpoint.description, reason: "reading \(key): \(error)")
        }
        var info = objectInfo(key: key, headers: response.headers)
        if let expected = response.headers.first(name: "Content-Length").flatMap(Int.init), expected != written {
            throw S3Error.unavailable(endpoint: endpoint.description, reason: "\(key) ended after \(written) of \(expected) bytes")
        }
        info.size = written
        return info
    }

    /// Size, ETag and modification time; nil when the object does not exist.
    public func head(key: String) async throws -> S3ObjectInfo? {
        let response = try await send("HEAD", key: key, accept: [404], operation: "HEAD")
        if response.status.code == 404 { return nil }
        return objectInfo(key: key, headers: response.headers)
    }

    /// Deletes one object; deleting one that does not exist is not an error (S3 answers 204 either way).
    public func delete(key: String) async throws {
        _ = try await send("DELETE", key: key, accept: [404], operation: "DELETE")
    }

    /// Deletes many objects, 1,000 per request (S3's limit); throws when the store reports any failure.
    public func delete(keys: [String]) async throws {
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 1_000, keys.count)]
            start += batch.count
            let body = "<Delete><Quiet>true</Quiet>" + batch.map { "<Object><Key>\(xmlEscaped($0))</Key></Object>" }.joined()
                + "</Delete>"
            let bytes = Data(body.utf8)
            let md5 = Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
            let response = try await send("POST", key: nil, query: [("delete", "")],
                                          headers: [("Content-MD5", md5), ("Content-Type", "application/xml")],
                                          body: ByteBuffer(bytes: bytes), operation: "batch DELETE")
            let answer = try await response.body.collect(upTo: 4 << 20)
            if let failed = XMLNode.parse(Data(answer.readableBytesView))?.all("Error").first {
                throw S3Error.failed(operation: "batch DELETE", key: failed.value("Key") ?? "", status: 200,
                                     code: failed.value("Code") ?? "", message: failed.value("Message") ?? "")
            }
        }
    }

    /// Every object whose key starts with `prefix`, following continuation tokens (`pageSize` keys per
    /// request; the store's default, 1,000, when nil).
    public func list(prefix: String, pageSize: Int? = nil) async throws -> [S3ObjectInfo] {
        var objects: [S3ObjectInfo] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            if let pageSize { query.append(("max-keys", String(pageSize))) }
            let response = try await send("GET", key: nil, query: query, operation: "LIST")
            let body = try await response.body.collect(upTo: 64 << 20)
            guard let node = XMLNode.parse(Data(body.readableBytesView)), node.name == "ListBucketResult" else {
                throw S3Error.malformedResponse(operation: "LIST \(prefix)", reason: "no ListBucketResult")
            }
            for entry in node.all("Contents") {
                guard let key = entry.value("Key") else { continue }
                objects.append(S3ObjectInfo(key: key, size: entry.value("Size").flatMap(Int.init) ?? 0,
                                            etag: entry.value("ETag") ?? "",
                                            lastModified: entry.value("LastModified").flatMap(HTTPDate.parseISO8601)))
            }
            token = node.value("IsTruncated") == "true" ? node.value("NextContinuationToken") : nil
        } while token != nil
        return objects
    }

    /// Creates the bucket (tests and first set-up); one that already exists and is ours is fine.
    public func createBucket() async throws {
        var body: ByteBuffer?
        if endpoint.region != "us-east-1" {
            body = ByteBuffer(string: "<CreateBucketConfiguration><LocationConstraint>\(endpoint.region)</LocationConstraint></CreateBucketConfiguration>")
        }
        _ = try await send("PUT", key: nil, body: body, accept: [409], operation: "create bucket")
    }

    /// One cheap request that proves the bucket is reachable with these keys (readiness).
    public func checkBucket() async throws {
        _ = try await send("HEAD", key: nil, operation: "HEAD bucket")
    }

    // MARK: Requests

    private func objectInfo(key: String, headers: HTTPHeaders) -> S3ObjectInfo {
        S3ObjectInfo(key: key, size: headers.first(name: "Content-Length").flatMap(Int.init) ?? 0,
                     etag: headers.first(name: "ETag") ?? "",
                     lastModified: headers.first(name: "Last-Modified").flatMap(HTTPDate.parse))
    }

    /// Signs and sends one request, retrying what `RetryPolicy` allows. Answers with a status in 200...299
    /// or in `accept` are returned; the others become `S3Error`s. `key` nil addresses the bucket.
    func send(_ method: String, key: String?, query: [(String, String)] = [], headers extra: [(String, String)] = [],
              body: ByteBuffer? = nil, accept: Set<Int> = [], operation: String) async throws -> HTTPClientResponse {
        let path = key.map { endpoint.path(key: $0) } ?? (endpoint.pathStyle ? "/\(endpoint.bucket)" : "/")
        let payloadHash = body.map { buffer in
            buffer.withUnsafeReadableBytes { SigV4Signer.hexSHA256(UnsafeRawBufferPointer($0)) }
        } ?? SigV4Signer.emptyPayloadHash
        let queryPairs = query.map { (name: $0.0, value: $0.1) }
        let url = endpoint.url(path: path, query: SigV4Signer.canonicalQuery(queryPairs))
        var generator = SystemRandomNumberGenerator()
        var lastReason = ""
        for attempt in 1...retry.attempts {
            if attempt > 1 {
                let wait = retry.delayMilliseconds(retry: attempt - 1, using: &generator)
                try await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000)
            }
            let amzDate = SigV4Signer.amzDate(Date())
            var headers: [(name: String, value: String)] = [
                ("Host", endpoint.hostHeader), ("X-Amz-Date", amzDate), ("X-Amz-Content-Sha256", payloadHash),
            ]
            if let token = signer.credentials.sessionToken { headers.append(("X-Amz-Security-Token", token)) }
            headers += extra.map { (name: $0.0, value: $0.1) }
            let signed = SigV4Signer.Request(method: method, path: path, query: queryPairs, headers: headers,
                                             payloadHash: payloadHash)
            var request = HTTPClientRequest(url: url)
            request.method = HTTPMethod(rawValue: method)
            for header in headers { request.headers.add(name: header.name, value: header.value) }
            request.headers.add(name: "Authorization", value: signer.authorization(signed, amzDate: amzDate))
            if let body { request.body = .bytes(body) }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: requestTimeout)
            } catch {
                lastReason = "\(error)"
                continue
            }
            let status = Int(response.status.code)
            if (200...299).contains(status) || accept.contains(status) { return response }
            let errorBody = method == "HEAD" ? ByteBuffer() : ((try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer())
            let error = S3ErrorBody(Data(errorBody.readableBytesView))
            if RetryPolicy.isRetryable(status: status) {
                lastReason = "HTTP \(status) \(error.code)"
                continue
            }
            let name = key ?? ""
            if status == 403 { throw S3Error.accessDenied(bucket: endpoint.bucket, key: name, code: error.code.isEmpty ? "403" : error.code) }
            if error.code == "NoSuchBucket" || (status == 404 && key == nil) { throw S3Error.noSuchBucket(endpoint.bucket) }
            throw S3Error.failed(operation: operation, key: name, status: status, code: error.code, message: error.message)
        }
        throw S3Error.unavailable(endpoint: endpoint.description, reason: "\(operation) \(key ?? ""): \(lastReason)")
    }
}

/// One connection pool for every bucket client of the process, never shut down (so no client can be
/// dropped unshut, which AsyncHTTPClient treats as a bug): a 2 s connect timeout makes an unreachable store
/// fail fast; each request also has its own deadline.
private let sharedS3HTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2)))
    configuration.connectionPool = .init(idleTimeout: .seconds(30))
    // Its own event loops: the storage protocol waits on S3 synchronously, possibly from another event
    // loop (the live server's), which must never be the one this request runs on.
    return HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup(numberOfThreads: 2)), configuration: configuration)
}()

/// HTTP dates (`Wed, 21 Oct 2015 07:28:00 GMT`) to seconds since 1970.
enum HTTPDate {
    static func parse(_ text: String) -> Int? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text).map { Int($0.timeIntervalSince1970) }
    }

    /// LIST's `LastModified` (`2009-10-12T17:50:30.000Z`, fractions optional) to seconds since 1970.
    static func parseISO8601(_ text: String) -> Int? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int($0.timeIntervalSince1970) }
    }
}
