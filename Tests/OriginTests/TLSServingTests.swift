import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Origin

/// Issue 12 deliverable 7 with the real server on loopback: over HTTPS (HTTP/1.1 by ALPN, TLS from
/// swift-nio-ssl in the test) the write deadline still cuts a reader that stalls, pipelined requests are
/// answered in order under the same bound of responses in flight as plain HTTP (issue 17), and
/// `http.redirect_port` sends plain HTTP to HTTPS.
@Suite(.serialized) struct TLSServingTests {
    static func withTLSFixture(_ limits: HTTPConnectionLimits,
                               _ body: @Sendable (HostileClientTests.Fixture) async throws -> Void) async throws {
        let certificates = FileManager.default.temporaryDirectory.appendingPathComponent("tls-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: certificates) }
        let (cert, key) = try await TLSConnectionLimitTests.certificateFiles(in: certificates)
        let store = try CertificateStore(certificateFile: cert, keyFile: key)
        try await HostileClientTests().withFixture(limits, tls: store, body)
    }

    /// `/healthz` over HTTPS on a connection of its own (curl, HTTP/2 when it can).
    static func healthStatus(_ port: Int) async throws -> String {
        try await runAsync("curl", ["-sk", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                                    "https://127.0.0.1:\(port)/healthz"]).stdout
    }

    /// Segment requests the server answered, from /metrics (`mediaserve_http_requests_total{kind="segment",...}`).
    static func segmentRequestsServed(_ port: Int) async throws -> Int {
        let text = try await runAsync("curl", ["-sk", "--max-time", "10", "https://127.0.0.1:\(port)/metrics"]).stdout
        return text.split(separator: "\n")
            .filter { $0.hasPrefix("mediaserve_http_requests_total{") && $0.contains("kind=\"segment\"") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    @Test func stalledTLSReaderIsDroppedAtTheWriteTimeout() async throws {
        let limits = HTTPConnectionLimits(headerTimeout: .seconds(5), idleTimeout: .seconds(30), writeTimeout: .seconds(1))
        try await Self.withTLSFixture(limits) { fixture in
            // Larger than the kernel's socket buffers, so the server must hold the rest.
            try Data(repeating: 0x5A, count: 12 << 20)
                .write(to: fixture.data.url.appendingPathComponent("vod/clip1/video-360p/seg-3.m4s"))
            let client = try await TLSTestClient.connect(port: fixture.port, receiveBuffer: 4096)
            defer { client.close() }
            client.get(["/healthz"])
            #expect(await eventually(timeout: .seconds(10)) { client.received.complete.count == 1 }, "handshake and a first answer")
            try await client.stopReading()
            client.get(["/vod/clip1/video-360p/seg-3.m4s"])
            let started = ContinuousClock.now
            #expect(fixture.server.admission.openConnections == 1)
            #expect(await eventually(timeout: .seconds(20)) { fixture.server.admission.openConnections == 0 },
                    "a TLS reader that stalls is dropped (write timeout 1 s; 20 s leaves room for a loaded machine)")
            print("stalled TLS reader of a 12 MB segment dropped after \(started.duration(to: .now)) (write timeout 1 s)")
            #expect(client.received.complete.count == 1, "the segment was never sent whole")
            #expect(try await Self.healthStatus(fixture.port) == "200")
        }
    }

    @Test func pipelinedRequestsOverTLSAreAnsweredInOrder() async throws {
        let limits = HTTPConnectionLimits(headerTimeout: .seconds(5), idleTimeout: .seconds(30), writeTimeout: .seconds(10),
                                          maxResponsesInFlight: 2)
        try await Self.withTLSFixture(limits) { fixture in
            // Large, small, missing and large again: a response that is quick to make must still wait its turn.
            let kinds: [(path: String, status: Int, bytes: Int?)] = [
                ("/vod/clip1/video-360p/seg-2.m4s", 200, HostileClientTests.largeSegmentBytes),
                ("/healthz", 200, nil),
                ("/vod/clip1/video-360p/seg-9.m4s", 404, nil),
                ("/vod/clip1/video-360p/seg-1.m4s", 200, HostileClientTests.segmentBytes),
            ]
            let count = 24
            let plan = (0..<count).map { kinds[$0 % kinds.count] }
            let ids = (0..<count).map { "pipelined-\($0)" }
            let client = try await TLSTestClient.connect(port: fixture.port)
            defer { client.close() }
            client.get(plan.map(\.path), ids: ids)
            #expect(await eventually(timeout: .seconds(30)) { client.received.complete.count == count }, "every pipelined request answered")
            let responses = client.received.complete
            #expect(responses.map { $0.headers.first(name: "X-Request-Id") ?? "?" } == ids, "answers in the order asked")
            for (response, expected) in zip(responses, plan) {
                #expect(response.status == expected.status, "\(expected.path)")
                if let bytes = expected.bytes { #expect(response.bodyBytes == bytes, "\(expected.path)") }
                #expect(response.headers.first(name: "Strict-Transport-Security") == "max-age=31536000; includeSubDomains", "\(expected.path)")
            }
            let closed = client.received.closed.load(ordering: .sequentiallyConsistent)
            #expect(!closed, "the connection stays open for more")
        }
    }

    @Test func pipelinedFloodOverTLSHoldsTheInFlightBound() async throws {
        let limits = HTTPConnectionLimits(maxConnectionsPerAddress: 100, headerTimeout: .seconds(5), idleTimeout: .seconds(30),
                                          writeTimeout: .seconds(1), maxResponsesInFlight: 2)
        try await Self.withTLSFixture(limits) { fixture in
            let connections = 6, requestsEach = 400
            var clients: [TLSTestClient] = []
            defer { for client in clients { client.close() } }
            for _ in 0..<connections {
                let client = try await TLSTestClient.connect(port: fixture.port, receiveBuffer: 16 << 10)
                clients.append(client)
                client.get(["/healthz"])
                #expect(await eventually(timeout: .seconds(10)) { client.received.complete.count == 1 }, "handshake and a first answer")
                // From here on the client pushes requests and never reads an answer.
                try await client.stopReading()
                client.get(Array(repeating: "/vod/clip1/video-360p/seg-2.m4s", count: requestsEach))
            }
            #expect(try await Self.healthStatus(fixture.port) == "200", "health is answered beside the flood")
            // Nobody reads: the write timeout drops them all.
            #expect(await eventually(timeout: .seconds(30)) { fixture.server.admission.openConnections == 0 })
            let served = try await Self.segmentRequestsServed(fixture.port)
            print("TLS pipelining flood: \(connections) connections sent \(connections * requestsEach) requests unread; the server took up \(served) before the write timeout dropped them")
            // Each connection: the responses in flight (2), one being written, and what its socket buffers
            // hold of 2 MB responses; never the hundreds it was sent.
            #expect(served <= connections * 8, "at most a few requests per connection are taken up (\(served))")
            #expect(served >= connections, "every connection got at least its first segment request taken up (\(served))")
        }
    }

    @Test func theRedirectPortAnswers301ToTheSamePathOverHTTPS() async throws {
        let certificates = FileManager.default.temporaryDirectory.appendingPathComponent("tls-redirect-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: certificates) }
        let (cert, key) = try await TLSConnectionLimitTests.certificateFiles(in: certificates)
        let data = try TempDataDirectory()
        defer { data.remove() }
        try data.write("vod", "clip1", "video-360p", "seg-1.m4s", bytes: patternBytes(count: 1000))
        let index = StaticIndex(vod: [SafeName("clip1")!: MediaListing(renditions: [sampleRendition("video-360p", kind: .video)])])
        // The Location names the HTTPS port, so it must be known before the start (not 0).
        let httpsPort = try TestServerProcess.freePort(), redirectPort = try TestServerProcess.freePort()
        var configuration = OriginConfiguration(port: httpsPort)
        configuration.tls = try CertificateStore(certificateFile: cert, keyFile: key)
        configuration.redirectPort = redirectPort
        try await withOrigin(configuration: configuration, dataDirectory: data.url, index: index, renderer: ListingText()) { port, _ in
            #expect(port == httpsPort)
            let target = "/vod/clip1/video-360p/seg-1.m4s?x=1"
            var answer = ""
            let redirected = try await eventually(timeout: .seconds(20), poll: .milliseconds(100)) {
                answer = try await runAsync("curl", ["-s", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                                                     "http://127.0.0.1:\(redirectPort)\(target)"]).stdout
                return answer.hasPrefix("301")
            }
            #expect(redirected, "\(answer)")
            #expect(answer == "301 https://127.0.0.1:\(httpsPort)\(target)")
            let followed = try await runAsync("curl", ["-skL", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code} %{scheme} %{size_download}",
                                                       "http://127.0.0.1:\(redirectPort)\(target)"])
            #expect(followed.stdout.lowercased() == "200 https 1000", "\(followed.stdout)")
        }
    }
}
