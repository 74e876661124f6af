import Foundation
import NIOCore
import Testing
import TestSupport
@testable import S3

/// The client against two independent S3 implementations started here: `rclone serve s3` and moto.
@Suite(.serialized) struct S3ServerTests {
    static func client(_ server: S3TestServer, bucket: String = "media", secret: String? = nil,
                       retry: RetryPolicy = RetryPolicy(attempts: 2, baseMilliseconds: 50)) throws -> S3Client {
        let endpoint = try S3Endpoint(endpoint: server.endpoint, region: "us-east-1", bucket: bucket, pathStyle: true)
        return S3Client(endpoint: endpoint,
                        credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: secret ?? server.secretKey),
                        retry: retry, multipartThreshold: 5 << 20, partSize: 5 << 20)
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test(arguments: S3TestServer.Kind.allCases)
    func objectsRoundTrip(_ kind: S3TestServer.Kind) async throws {
        let server = try S3TestServer(kind)
        defer { server.server.stop() }
        let s3 = try Self.client(server)
        try await s3.createBucket()
        try await s3.checkBucket()

        let bytes = Self.randomBytes(100_000, seed: 1)
        try await s3.put(ByteBuffer(bytes: bytes), key: "vod/a b/seg-1.m4s")
        #expect(try await s3.get(key: "vod/a b/seg-1.m4s") == Data(bytes))
        #expect(try await s3.get(key: "vod/a b/seg-1.m4s", range: 10...19) == Data(bytes[10...19]))
        let info = try #require(try await s3.head(key: "vod/a b/seg-1.m4s"))
        #expect(info.size == 100_000)
        #expect(info.etag.hasPrefix("\"") && info.etag.count > 2)
        #expect(try await s3.head(key: "vod/missing") == nil)
        #expect(try await s3.get(key: "vod/missing") == nil)

        // Listing follows continuation tokens.
        for number in 1...5 { try await s3.put(ByteBuffer(string: "\(number)"), key: "list/\(number)") }
        let listed = try await s3.list(prefix: "list/", pageSize: 2)
        #expect(listed.map(\.key) == (1...5).map { "list/\($0)" })
        #expect(listed.map(\.size) == [1, 1, 1, 1, 1])

        // Multipart: 12 MiB in 5 MiB parts, read back by streaming into a file.
        let folder = try temporaryDirectory("s3-multipart")
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = Self.randomBytes(12 << 20, seed: 2)
        let source = folder.appendingPathComponent("big")
        try Data(big).write(to: source)
        try await s3.upload(file: source, key: "vod/big/source")
        let copy = folder.appendingPathComponent("copy").path
        let downloaded = try #require(try await s3.download(key: "vod/big/source", to: copy))
        #expect(downloaded.size == big.count)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(big))
        #expect(try await s3.download(key: "vod/big/nothing", to: copy + ".none") == nil)
        #expect(!FileManager.default.fileExists(atPath: copy + ".none"))

        // Batch delete removes every named object.
        let all = try await s3.list(prefix: "")
        #expect(all.count == 7)
        try await s3.delete(keys: all.map(\.key))
        #expect(try await s3.list(prefix: "").isEmpty)
        try await s3.delete(key: "vod/already-gone")
    }

    @Test(arguments: S3TestServer.Kind.allCases)
    func missingBucketSaysSo(_ kind: S3TestServer.Kind) async throws {
        let server = try S3TestServer(kind)
        defer { server.server.stop() }
        let s3 = try Self.client(server, bucket: "no-such-bucket")
        await #expect(throws: S3Error.noSuchBucket("no-such-bucket")) {
            try await s3.put(ByteBuffer(string: "x"), key: "k")
        }
        await #expect(throws: S3Error.noSuchBucket("no-such-bucket")) { try await s3.list(prefix: "") }
    }

    /// rclone checks signatures (moto accepts any by default): a wrong secret is a 403 that names the keys.
    @Test func wrongSecretIsAccessDenied() async throws {
        let server = try S3TestServer(.rclone)
        defer { server.server.stop() }
        try await Self.client(server).createBucket()
        let s3 = try Self.client(server, secret: "not-the-secret")
        let error = await #expect(throws: S3Error.self) { try await s3.put(ByteBuffer(string: "x"), key: "k") }
        guard case .accessDenied = error else {
            Issue.record("expected accessDenied, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("AWS_SECRET_ACCESS_KEY") == true)
    }

    /// Nothing listening: every retry fails at connect, and the error comes quickly, not after a hang.
    @Test func unreachableStoreFailsFast() async throws {
        let port = try TestServerProcess.freePort()
        let endpoint = try S3Endpoint(endpoint: "http://127.0.0.1:\(port)", region: "us-east-1", bucket: "media", pathStyle: true)
        let s3 = S3Client(endpoint: endpoint, credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"),
                          retry: RetryPolicy(attempts: 3, baseMilliseconds: 50, capMilliseconds: 200))
        let started = ContinuousClock.now
        let error = await #expect(throws: S3Error.self) { try await s3.get(key: "k") }
        guard case .unavailable = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
