import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MediaCore
import NIOCore
import NIOHTTP1
@testable import Origin
import Storage
import TestSupport

/// A data directory in a temporary folder with the vod/ and live/ trees, removed by `remove()`.
struct TempDataDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("origin-tests-\(UUID().uuidString)")
        for sub in ["vod", "live", "staging"] {
            try FileManager.default.createDirectory(at: url.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    /// Writes `bytes` to `<tree>/<owner>/<rendition>/<file>` and returns them.
    @discardableResult
    func write(_ tree: String, _ owner: String, _ rendition: String, _ file: String, bytes: [UInt8]) throws -> [UInt8] {
        let dir = url.appendingPathComponent(tree).appendingPathComponent(owner).appendingPathComponent(rendition)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(bytes).write(to: dir.appendingPathComponent(file))
        return bytes
    }

    /// Writes `vod/<asset>/version` (the version stamp the ingest puts beside a published asset's files).
    func stamp(_ asset: String, _ text: String) throws {
        let dir = url.appendingPathComponent("vod").appendingPathComponent(asset)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: dir.appendingPathComponent(DataDirectory.versionFileName))
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Deterministic pseudo-random bytes, so a served body can be compared byte for byte.
func patternBytes(count: Int, seed: UInt64 = 0x9E3779B97F4A7C15) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

/// Runs a real origin on 127.0.0.1 with an ephemeral port for the duration of `body`.
func withOrigin<T: Sendable>(
    configuration: OriginConfiguration, dataDirectory: URL, index: any MediaIndex, renderer: any ManifestRendering,
    admin: (any AdminBackend)? = nil, readiness: @escaping @Sendable () async -> String? = { nil },
    clock: @escaping @Sendable () -> Double = OriginClock.system,
    analytics: AnalyticsFeatures? = nil, access: AccessGate? = nil,
    _ body: @Sendable (Int, OriginServer) async throws -> T
) async throws -> T {
    var logger = Logger(label: "origin-test")
    logger.logLevel = .warning
    let server = OriginServer(configuration: configuration, dataDirectory: try DataDirectory(root: dataDirectory), index: index, renderer: renderer, readiness: readiness,
                              admin: admin, access: access, clock: clock, analytics: analytics, logger: logger)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try server.makeApplication { port in continuation.yield(port) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw OriginError.internalError("server did not start") }
        defer { group.cancelAll() }
        return try await body(port, server)
    }
}

/// A GET/HEAD/OPTIONS/... through AsyncHTTPClient; returns status, headers and the whole body.
struct ClientResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// One client for all tests, with automatic decompression off so gzip bodies arrive as sent.
let testClient = HTTPClient(eventLoopGroupProvider: .singleton,
                            configuration: .init(redirectConfiguration: .disallow, decompression: .disabled))

func fetch(_ port: Int, _ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [],
           body: [UInt8]? = nil) async throws -> ClientResponse {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await testClient.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 64 << 20)
    return ClientResponse(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
}

/// Sends bytes exactly as given over a fresh TCP connection and returns the status line and the raw
/// response: for request targets an HTTP client would normalise (dot segments, escapes, NUL).
func rawRequest(_ port: Int, _ requestBytes: [UInt8]) throws -> (status: Int, response: String) {
    let fd = try Loopback.connect(port: port, receiveTimeoutSeconds: 10)
    defer { close(fd) }
    _ = requestBytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        received += chunk[0..<count]
    }
    let text = String(decoding: received, as: UTF8.self)
    let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, text)
}

func rawGet(_ port: Int, target: String) async throws -> (status: Int, response: String) {
    try await offPool { try rawRequest(port, Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)) }
}
