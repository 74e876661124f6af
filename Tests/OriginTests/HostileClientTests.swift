import Catalog
import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Origin
import Storage

/// Hostile clients against the real server on loopback (issue 17): slow headers, connection floods from one
/// address, pipelining without reading, stalled readers. Each test shows the attack held off and a client
/// from another loopback address (127.0.0.2) still answered. Limits are scaled down so every test ends in
/// seconds; the figures are printed for the note.
@Suite(.serialized) struct HostileClientTests {
    static let segmentBytes = 600_000
    static let largeSegmentBytes = 2_000_000

    struct Fixture {
        let port: Int
        let server: OriginServer
        let data: TempDataDirectory
        var segmentPath: String {
            data.url.appendingPathComponent("vod/clip1/video-360p/seg-1.m4s").resolvingSymlinksInPath().path
        }
    }

    /// `tls`: the same server over HTTPS (TLSHostileClientTests).
    func withFixture(_ limits: HTTPConnectionLimits, tls: CertificateStore? = nil,
                     _ body: @Sendable (Fixture) async throws -> Void) async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        try data.write("vod", "clip1", "video-360p", "seg-1.m4s", bytes: patternBytes(count: Self.segmentBytes))
        try data.write("vod", "clip1", "video-360p", "seg-2.m4s", bytes: patternBytes(count: Self.largeSegmentBytes))
        let index = StaticIndex(vod: [SafeName("clip1")!: MediaListing(renditions: [sampleRendition("video-360p", kind: .video)])])
        var configuration = OriginConfiguration(port: 0, connections: limits)
        configuration.tls = tls
        try await withOrigin(configuration: configuration, dataDirectory: data.url, index: index, renderer: ListingText()) { port, server in
            try await body(Fixture(port: port, server: server, data: data))
        }
    }

    /// A health check from another address, with its latency (printed for the note).
    func healthCheck(_ port: Int, from source: String = "127.0.0.2") async throws -> (status: Int, seconds: Double) {
        let started = ContinuousClock.now
        let result = try await offPool {
            try httpExchange(port: port, source: source, "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        }
        let elapsed = started.duration(to: .now)
        return (result.status, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    @Test func slowHeadersAreCutAtTheHeaderTimeout() async throws {
        let limits = HTTPConnectionLimits(maxConnectionsPerAddress: 100, headerTimeout: .seconds(1), idleTimeout: .seconds(30))
        try await withFixture(limits) { fixture in
            let port = fixture.port
            let started = ContinuousClock.now
            // 40 half-sent requests, and one that keeps dripping a header line every 200 ms.
            let sockets = try (0..<40).map { _ in try LoopbackSocket(port: port, receiveTimeout: 8) }
            for socket in sockets { socket.send("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Slow: ") }
            let dripper = try LoopbackSocket(port: port, receiveTimeout: 0.2)
            dripper.send("GET /healthz HTTP/1.1\r\n")
            let health = try await healthCheck(port)
            #expect(health.status == 200)
            let dripClosed = try await offPool { () -> Bool in
                for line in 0..<40 {
                    if dripper.receive() == .closed { return true }
                    if dripper.send("X-Drip-\(line): x\r\n") == 0 { return dripper.receive() == .closed }
                }
                return false
            }
            #expect(dripClosed, "a client dripping header lines must be cut at the header timeout")
            let closed = try await offPool { sockets.map { $0.readUntilClosed().closedByServer } }
            let elapsed = started.duration(to: .now)
            #expect(closed.allSatisfy { $0 }, "every half-sent request is closed by the server")
            #expect(elapsed < .seconds(20), "closed after the 1 s header timeout, not the old 75 s (bound leaves room for a loaded machine)")
            print("slowloris: 41 slow connections closed after \(elapsed); /healthz from 127.0.0.2 answered \(health.status) in \(String(format: "%.3f", health.seconds)) s")
            #expect(await eventually(timeout: .seconds(5)) { fixture.server.admission.openConnections == 0 })
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        // 3 s, not 1: on a loaded machine the first request's bytes can reach the server's event loop more
        // than a second after the connection opened (seen once), and that is not what this test is about.
        let limits = HTTPConnectionLimits(headerTimeout: .seconds(5), idleTimeout: .seconds(3))
        try await withFixture(limits) { fixture in
            let result = try await offPool { () -> (Bool, Bool) in
                let socket = try LoopbackSocket(port: fixture.port, receiveTimeout: 15)
                socket.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
                let answered = !socket.read(atLeast: 12).isEmpty
                return (answered, socket.readUntilClosed().closedByServer)
            }
            #expect(result.0)
            #expect(result.1, "an idle keep-alive connection is closed after the idle timeout")
        }
    }

    @Test func connectionLimitsPerAddressAndInTotal() async throws {
        let limits = HTTPConnectionLimits(maxConnections: 15, maxConnectionsPerAddress: 10, healthCheckReserve: 2,
                                          headerTimeout: .seconds(30), idleTimeout: .seconds(30))
        try await withFixture(limits) { fixture in
            let port = fixture.port, admission = fixture.server.admission
            var held = try (0..<10).map { _ in try LoopbackSocket(port: port, source: "127.0.0.1") }
            #expect(await eventually(timeout: .seconds(5)) { admission.openConnections == 10 })
            let eleventh = try await offPool { try httpExchange(port: port, source: "127.0.0.1", "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n") }
            #expect(eleventh.status == 503 && eleventh.closed && eleventh.text.contains("from this address"))
            held += try (0..<5).map { _ in try LoopbackSocket(port: port, source: "127.0.0.2") }
            #expect(await eventually(timeout: .seconds(5)) { admission.openConnections == 15 })
            // At the total: the reserve answers health checks only.
            #expect(try await healthCheck(port, from: "127.0.0.3").status == 200)
            let segment = try await offPool {
                try httpExchange(port: port, source: "127.0.0.3", "GET /vod/clip1/video-360p/seg-1.m4s HTTP/1.1\r\nHost: a\r\n\r\n")
            }
            #expect(segment.status == 503 && segment.closed)
            held += try (0..<2).map { _ in try LoopbackSocket(port: port, source: "127.0.0.3") }
            #expect(await eventually(timeout: .seconds(5)) { admission.openConnections == 17 })
            let beyond = try await healthCheck(port, from: "127.0.0.4")
            #expect(beyond.status == 503, "past the reserve every new connection is refused at once")
            for socket in held { socket.close() }
            #expect(await eventually(timeout: .seconds(5)) { admission.openConnections == 0 })
            let after = try await offPool {
                try httpExchange(port: port, "GET /vod/clip1/video-360p/seg-1.m4s HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            }
            #expect(after.status == 200, "slots come back when the connections close")
        }
    }

    @Test func pipelinedFloodHoldsFewFilesAndHealthStaysAnswered() async throws {
        let limits = HTTPConnectionLimits(maxConnectionsPerAddress: 100, headerTimeout: .seconds(5), idleTimeout: .seconds(30),
                                          writeTimeout: .seconds(1), maxResponsesInFlight: 2)
        try await withFixture(limits) { fixture in
            let port = fixture.port, path = fixture.segmentPath
            let connections = 30, requestsEach = 1000
            let request = Array("GET /vod/clip1/video-360p/seg-1.m4s HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
            let batch = Array((0..<requestsEach).map { _ in request }.joined())
            // The clients push their requests and never read an answer.
            let sockets = try (0..<connections).map { _ in try LoopbackSocket(port: port, sendTimeout: 1, receiveBuffer: 16 << 10) }
            let sent = try await offPool { sockets.map { $0.send(batch) } }
            var peak = 0
            for _ in 0..<25 {
                peak = max(peak, openDescriptors(on: path))
                try await Task.sleep(for: .milliseconds(40))
            }
            let health = try await healthCheck(port)
            #expect(health.status == 200)
            #expect(peak <= connections * 4, "at most a few segment files per connection, not one per queued request")
            print("pipelining flood: \(connections) connections sent \(sent.reduce(0, +) / request.count) requests unread; peak open segment descriptors \(peak); /healthz from 127.0.0.2 \(health.status) in \(String(format: "%.3f", health.seconds)) s")
            // Nobody reads: the write timeout drops them, and every descriptor is given back but the one the
            // store's open-file cache shares between requests (Storage/OpenAssetCache: one per file).
            #expect(await eventually(timeout: .seconds(10)) { fixture.server.admission.openConnections == 0 })
            #expect(await eventually(timeout: .seconds(5)) { openDescriptors(on: path) <= 1 })
            for socket in sockets { socket.close() }
        }
    }

    @Test func stalledReaderIsDroppedAtTheWriteTimeout() async throws {
        let limits = HTTPConnectionLimits(headerTimeout: .seconds(5), idleTimeout: .seconds(30), writeTimeout: .seconds(1))
        try await withFixture(limits) { fixture in
            // Larger than the kernel's socket buffers (4 MB at most on Linux), so the server must hold the rest.
            try Data(repeating: 0x5A, count: 12 << 20)
                .write(to: fixture.data.url.appendingPathComponent("vod/clip1/video-360p/seg-3.m4s"))
            let socket = try LoopbackSocket(port: fixture.port, receiveBuffer: 4096)
            socket.send("GET /vod/clip1/video-360p/seg-3.m4s HTTP/1.1\r\nHost: a\r\n\r\n")
            let started = ContinuousClock.now
            #expect(await eventually(timeout: .seconds(10)) { fixture.server.admission.openConnections == 1 })
            #expect(await eventually(timeout: .seconds(20)) { fixture.server.admission.openConnections == 0 }, "a reader that stalls is dropped (write timeout 1 s; 20 s leaves room for a loaded machine, the default is 30 s)")
            let elapsed = started.duration(to: .now)
            let large = fixture.data.url.appendingPathComponent("vod/clip1/video-360p/seg-3.m4s").resolvingSymlinksInPath().path
            // What stays open is at most the open-file cache's one shared descriptor.
            #expect(await eventually(timeout: .seconds(5)) { openDescriptors(on: large) <= 1 })
            print("stalled reader of a 12 MB segment dropped after \(elapsed) (write timeout 1 s)")
            #expect(try await healthCheck(fixture.port).status == 200)
            socket.close()
        }
    }

    @Test func httpFramingRules() async throws {
        try await withFixture(HTTPConnectionLimits()) { fixture in
            let port = fixture.port
            func exchange(_ text: String) async throws -> (status: Int, text: String, closed: Bool) {
                try await offPool { try httpExchange(port: port, text, receiveTimeout: 3) }
            }
            let http10 = try await exchange("GET /healthz HTTP/1.0\r\n\r\n")
            #expect(http10.text.hasPrefix("HTTP/1.0 200"), "\(http10.text.prefix(40))")
            #expect(http10.closed, "HTTP/1.0 without keep-alive: the connection closes after the answer")
            let pipelined = try await exchange("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(pipelined.text.components(separatedBy: "HTTP/1.1 200").count == 3 && pipelined.closed)
            for request in ["POST /vod/clip1/master.m3u8 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
                            "DELETE /live/cam/video/seg-1.m4s HTTP/1.1\r\nHost: a\r\n\r\n",
                            "PUT /vod/clip1/video-360p/seg-1.m4s HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx"] {
                let answer = try await exchange(request)
                #expect(answer.status == 405, "\(request.prefix(30))")
                #expect(answer.text.lowercased().contains("allow: get, head, options"))
            }
            #expect(try await exchange("GET /healthz HTTP/1.1\r\n\r\n").status == 400, "HTTP/1.1 without Host")
            #expect(try await exchange("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status == 400, "two Host headers")
            #expect(try await exchange("GET /healthz HTTP/1.0\r\n\r\n").status == 200, "HTTP/1.0 needs no Host")
            let coding = try await exchange("POST /api/v1/live-streams HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n")
            #expect(coding.status == 501 && coding.closed)
            #expect(try await healthCheck(port).status == 200)
        }
    }

    @Test func malformedChunkSizesAre400() async throws {
        try await withUploadServer { port, _, _ in
            for size in ["zz", "-1", "1x", "fffffffffffffffffffffff"] {
                let answer = try await offPool {
                    try httpExchange(port: port, "POST /api/v1/live-streams HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer k\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nabc\r\n0\r\n\r\n", receiveTimeout: 3)
                }
                #expect(answer.status == 400, "chunk size '\(size)' -> \(answer.status)")
            }
        }
    }

    // MARK: uploads

    /// A real admin backend over a catalog in the temporary data directory, with asset `taken` published.
    func withUploadServer(_ body: @Sendable (Int, TempDataDirectory, URL) async throws -> Void) async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        let directory = try DataDirectory(root: data.url)
        let catalog = try Catalog(path: directory.catalogFile)
        _ = try catalog.publishAsset(AssetRecord(id: AssetID("taken")!), renditions: [sampleRendition("video-360p", kind: .video)],
                                     replace: false)
        let admin = CatalogAdminBackend(catalog: catalog, data: directory, index: nil, jobQueued: {})
        let uploads = directory.uploadsRoot
        let configuration = OriginConfiguration(port: 0, apiKey: "k")
        try await withOrigin(configuration: configuration, dataDirectory: data.url, index: StaticIndex(), renderer: ListingText(),
                             admin: admin) { port, _ in
            try await body(port, data, uploads)
        }
    }

    func uploadFolders(_ uploads: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? []
    }

    @Test func refusedAndAbortedUploadsLeaveNothingOnDisk() async throws {
        try await withUploadServer { port, _, uploads in
            let body = String(repeating: "x", count: 200_000)
            let conflict = try await offPool {
                try httpExchange(port: port, "POST /api/v1/assets?id=taken HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer k\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
            }
            #expect(conflict.status == 409)
            #expect(uploadFolders(uploads).isEmpty, "a refused upload's body is not kept")

            let malformed = try await offPool {
                try httpExchange(port: port, "POST /api/v1/assets HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer k\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\nqq\r\n", receiveTimeout: 3)
            }
            #expect(malformed.status == 400)
            #expect(await eventually(timeout: .seconds(5)) { uploadFolders(uploads).isEmpty })

            // A client that goes away halfway: no file left, and the log and metrics say 499, not 500.
            try await offPool {
                let socket = try LoopbackSocket(port: port)
                socket.send("POST /api/v1/assets HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer k\r\nContent-Length: 1000000\r\n\r\n" + body)
                socket.close()
            }
            #expect(await eventually(timeout: .seconds(5)) { uploadFolders(uploads).isEmpty })
            var metrics = try await fetch(port, "/metrics").text
            let deadline = ContinuousClock.now + .seconds(5)
            while !metrics.contains("status=\"499\""), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                metrics = try await fetch(port, "/metrics").text
            }
            #expect(metrics.contains("status=\"499\""), "the aborted upload is counted as 499")
            #expect(!metrics.contains("status=\"500\""))
        }
    }

    @Test func jobErrorsDoNotShowServerPaths() {
        let error = "cannot open '/srv/media/data/uploads/1b2c/source': Invalid data found when processing input"
        #expect(PathRedaction.redact(error) == "cannot open '…/source': Invalid data found when processing input")
        #expect(PathRedaction.redact("see /api/v1/jobs for 3/4 done") == "see …/jobs for 3/4 done")
        #expect(PathRedaction.redact("no paths here") == "no paths here")
        let summary = CatalogAdminBackend.summary(JobRecord(id: "j", kind: .ingest, assetID: AssetID("a")!, sourcePath: "/x/y",
                                                            state: .failed, error: "ffmpeg: /var/lib/mediaserve/uploads/u/source: EOF"))
        #expect(summary.error == "ffmpeg: …/source: EOF")
    }
}
