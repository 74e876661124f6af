import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MediaCore
import NIOCore
import NIOHTTP1
@testable import Origin
import Storage

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
    analytics: AnalyticsFeatures? = nil,
    _ body: @Sendable (Int, OriginServer) async throws -> T
) async throws -> T {
    var logger = Logger(label: "origin-test")
    logger.logLevel = .warning
    let server = OriginServer(configuration: configuration, dataDirectory: try DataDirectory(root: dataDirectory), index: index, renderer: renderer, readiness: readiness,
                              admin: admin, analytics: analytics, logger: logger)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = server.makeApplication { port in continuation.yield(port) }
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

/// A blocking TCP socket connected to 127.0.0.1:`port`, with a receive timeout so a stalled server fails
/// the test instead of hanging it; `receiveBuffer` shrinks SO_RCVBUF for tests that read slowly.
func connectLoopback(port: Int, receiveTimeoutSeconds: Int, receiveBuffer: CInt? = nil) throws -> CInt {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw OriginError.internalError("socket() failed") }
    if var size = receiveBuffer {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size))
    }
    var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = withLoopbackAddress(port: port) { connect(fd, $0, $1) }
    guard connected == 0 else {
        close(fd)
        throw OriginError.internalError("connect() failed")
    }
    return fd
}

/// Sends each datagram to UDP 127.0.0.1:`port` (e.g. noise at the SRT listener).
func sendLoopbackDatagrams(port: Int, _ datagrams: [[UInt8]]) throws {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_DGRAM, 0)
    #endif
    guard fd >= 0 else { throw OriginError.internalError("socket() failed") }
    defer { close(fd) }
    for datagram in datagrams {
        let sent = withLoopbackAddress(port: port) { address, length in
            datagram.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, address, length) }
        }
        guard sent == datagram.count else { throw OriginError.internalError("sendto() failed") }
    }
}

/// Runs `body` with 127.0.0.1:`port` as a `sockaddr` and its length (shared by the loopback helpers).
private func withLoopbackAddress<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// Sends bytes exactly as given over a fresh TCP connection and returns the status line and the raw
/// response: for request targets an HTTP client would normalise (dot segments, escapes, NUL).
func rawRequest(_ port: Int, _ requestBytes: [UInt8]) throws -> (status: Int, response: String) {
    let fd = try connectLoopback(port: port, receiveTimeoutSeconds: 10)
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

/// Runs blocking socket code on a Dispatch thread: the server under test shares Swift's cooperative pool
/// (two threads on two cores), and a test blocking it in recv() would starve the very server it waits for.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
