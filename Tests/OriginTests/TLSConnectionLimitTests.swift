import Foundation
import Testing
import TestSupport

/// The HTTP connection limits and the header deadline apply under TLS too (HTTPS runs Hummingbird's
/// HTTP/2-upgrade channel, wrapped by `OriginTLSChannel`): a client cannot hold more connections than
/// `http.max_connections_per_address`, nor keep one open without a request past `http.header_timeout_seconds`.
@Suite(.serialized) struct TLSConnectionLimitTests {
    static let apiKey = "tls-limits-key-0123456789"

    /// A self-signed pair for 127.0.0.1 in `directory`, as `serve` arguments.
    static func certificate(in directory: URL) async throws -> [String] {
        let (cert, key) = try await certificateFiles(in: directory)
        return ["--set", "http.tls.cert_file=\(cert)", "--set", "http.tls.key_file=\(key)", "--set", "srt.enabled=false"]
    }

    /// A self-signed pair for 127.0.0.1 in `directory`: the PEM files' paths.
    static func certificateFiles(in directory: URL) async throws -> (cert: String, key: String) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = directory.appendingPathComponent("cert.pem").path, key = directory.appendingPathComponent("key.pem").path
        let made = try await runAsync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                  "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"])
        #expect(made.status == 0, "\(made.stderr)")
        return (cert, key)
    }

    static func curl(_ port: Int) async throws -> (status: Int32, out: String) {
        let result = try await runAsync("curl", ["-sk", "--http2", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                                                 "https://127.0.0.1:\(port)/healthz"])
        return (result.status, result.stdout)
    }

    @Test func perAddressLimitHoldsOverHTTPS() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tls-limits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try ServerProcess(dataDirectory: root.appendingPathComponent("data"), apiKey: Self.apiKey, extra: try await Self.certificate(in: root)
            + ["--set", "http.max_connections_per_address=2", "--set", "http.header_timeout_seconds=120"])
        defer { server.terminate() }
        #expect(try await Self.curl(server.port).out == "2 200", "one connection of the two allowed")

        // Two connections that never start TLS take both slots of 127.0.0.1.
        let first = try Loopback.connect(port: server.port, receiveTimeoutSeconds: 10)
        let second = try Loopback.connect(port: server.port, receiveTimeoutSeconds: 10)
        defer { close(second) }
        let refused = try await Self.curl(server.port)
        #expect(refused.status != 0 && refused.out.hasSuffix(" 000"), "a third connection must be refused: \(refused)")
        // Closing one frees its slot (polled: the server notices the close asynchronously).
        close(first)
        let served = try await eventually(timeout: .seconds(20), poll: .milliseconds(100)) {
            try await Self.curl(server.port).out == "2 200"
        }
        #expect(served, "the freed slot is served again")
    }

    @Test func aConnectionWithoutARequestIsClosedAfterTheHeaderTimeout() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tls-deadline-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try ServerProcess(dataDirectory: root.appendingPathComponent("data"), apiKey: Self.apiKey, extra: try await Self.certificate(in: root)
            + ["--set", "http.header_timeout_seconds=1"])
        defer { server.terminate() }
        let idle = try Loopback.connect(port: server.port, receiveTimeoutSeconds: 15)
        defer { close(idle) }
        let started = ContinuousClock.now
        // recv returns 0 when the server closes; -1 when the 15 s receive timeout passes first.
        let received = try await offPool { () -> Int in
            var byte: UInt8 = 0
            return recv(idle, &byte, 1, 0)
        }
        #expect(received == 0, "the server must close a connection that sends nothing (recv gave \(received))")
        #expect(ContinuousClock.now - started < .seconds(12), "closed after about 1 s, well before the receive timeout")
        // Real clients are not cut off by the deadline.
        #expect(try await Self.curl(server.port).out == "2 200")
    }

    /// Past `http.max_connections`, HTTPS keeps the health-check reserve plain HTTP has: health checks are
    /// answered on both protocols, anything else gets 503 with Retry-After.
    @Test func healthCheckReserveHoldsOverHTTPS() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tls-reserve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try ServerProcess(dataDirectory: root.appendingPathComponent("data"), apiKey: Self.apiKey, extra: try await Self.certificate(in: root)
            + ["--set", "http.max_connections=2", "--set", "http.header_timeout_seconds=120"])
        defer { server.terminate() }
        // Two connections that never start TLS take both ordinary slots.
        let first = try Loopback.connect(port: server.port, receiveTimeoutSeconds: 10)
        defer { close(first) }
        let second = try Loopback.connect(port: server.port, receiveTimeoutSeconds: 10)
        defer { close(second) }
        let held = try await eventually(timeout: .seconds(20), poll: .milliseconds(100)) {
            try await runAsync("curl", ["-sk", "--http2", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                                        "https://127.0.0.1:\(server.port)/vod/none/master.m3u8"]).stdout == "503"
        }
        #expect(held, "an ordinary request on the reserve gets 503")
        for version in ["--http2", "--http1.1"] {
            let health = try await runAsync("curl", ["-sk", version, "--max-time", "10", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                                                     "https://127.0.0.1:\(server.port)/healthz"])
            #expect(health.stdout.hasSuffix(" 200"), "\(version) /healthz on the reserve: \(health.stdout)")
            let other = try await runAsync("curl", ["-sk", version, "--max-time", "10", "-D", "-", "-o", "/dev/null",
                                                    "https://127.0.0.1:\(server.port)/api/v1/assets"])
            #expect(other.stdout.contains(" 503"), "\(version) anything else on the reserve: \(other.stdout)")
            #expect(other.stdout.lowercased().contains("retry-after: 5"), "\(version): \(other.stdout)")
        }
    }
}
