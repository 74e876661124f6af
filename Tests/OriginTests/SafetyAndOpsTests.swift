import AsyncHTTPClient
import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Origin
import Storage

/// Traversal and name rules (raw request lines, so no client normalises them), and the ops endpoints.
@Suite struct SafetyAndOpsTests {
    func withFixture(_ body: @Sendable (Int, TempDataDirectory) async throws -> Void) async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        try data.write("vod", "clip1", "video-360p", "seg-1.m4s", bytes: patternBytes(count: 1000))
        try data.write("staging", "job1", "video-360p", "seg-1.m4s", bytes: Array("STAGED".utf8))
        try Data("SECRET-CATALOG".utf8).write(to: data.url.appendingPathComponent("catalog.sqlite"))
        let index = StaticIndex(vod: [SafeName("clip1")!: MediaListing(renditions: [sampleRendition("video-360p", kind: .video)])])
        let configuration = OriginConfiguration(port: 0, apiKey: "s3cret-key")
        try await withOrigin(configuration: configuration, dataDirectory: data.url, index: index, renderer: ListingText(), admin: UnusedAdmin()) { port, _ in
            try await body(port, data)
        }
    }

    @Test func traversalNeverReachesTheDisk() async throws {
        try await withFixture { port, _ in
            #expect(try await rawGet(port, target: "/vod/clip1/video-360p/seg-1.m4s").status == 200)
            let attacks = [
                "/vod/../catalog.sqlite", "/vod/clip1/../../catalog.sqlite", "/vod/clip1/video-360p/../../../catalog.sqlite",
                "/vod/%2e%2e/catalog.sqlite", "/vod/clip1/%2E%2E/%2E%2E/catalog.sqlite", "/vod/..%2fcatalog.sqlite",
                "/vod/clip1/video-360p/seg-1.m4s%00.txt", "//etc/passwd", "/vod/clip1/video-360p/..\\..\\catalog.sqlite",
                "/vod/./clip1/video-360p/seg-1.m4s", "/vod/%252e%252e/catalog.sqlite",
                "/" + String(repeating: "a/", count: 700) + "x",
            ]
            for target in attacks {
                let (status, response) = try await rawGet(port, target: target)
                #expect(status == 400 || status == 404, "\(target) -> \(status)")
                #expect(!response.contains("SECRET") && !response.contains("STAGED") && !response.contains("root:"), "\(target)")
            }
            // A raw NUL byte in the request line.
            let nul = try await offPool { try rawRequest(port, Array("GET /vod/clip1/video-360p/seg-1.m4s\u{0}x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".utf8)) }
            #expect(nul.status == 400)
            // Absolute-form and absolute filesystem paths.
            #expect(try await rawGet(port, target: "/etc/passwd").status == 404)
            #expect(try await rawGet(port, target: "http://127.0.0.1/vod/../catalog.sqlite").status == 400)
        }
    }

    @Test func onlyVodAndLiveTreesAreServed() async throws {
        try await withFixture { port, _ in
            for path in ["/staging/job1/video-360p/seg-1.m4s", "/catalog.sqlite", "/vod/clip1/catalog.sqlite",
                         "/vod/clip1/video-360p/catalog.sqlite", "/vod/CLIP1/video-360p/seg-1.m4s",
                         "/vod/clip1/video-360p/seg-01.m4s", "/vod/clip1/video-360p/seg-1.mp4",
                         "/vod/clip1/" + String(repeating: "a", count: 65) + "/seg-1.m4s",
                         "/vod/clip1/video-360p", "/vod/clip1/video-360p/"] {
                let response = try await fetch(port, path)
                #expect(response.status == 404 || response.status == 400, "\(path) -> \(response.status)")
                #expect(!response.text.contains("SECRET") && !response.text.contains("STAGED"))
            }
            let text404 = try await fetch(port, "/vod/clip1/video-360p/seg-7.m4s")
            #expect(text404.header("Content-Type") == "text/plain; charset=utf-8")
        }
    }

    /// Fresh request ids are 16 lower-case hex digits of the sequence's value, zero-padded.
    @Test func requestIDsAreTheSequenceInHex() {
        #expect(RequestIDSequence.hex(0) == "0000000000000000")
        #expect(RequestIDSequence.hex(0xDEAD_BEEF) == "00000000deadbeef")
        #expect(RequestIDSequence.hex(.max) == "ffffffffffffffff")
        for _ in 0..<1000 {
            let value = RequestIDSequence.next()
            let plain = String(value, radix: 16)
            #expect(RequestIDSequence.hex(value) == String(repeating: "0", count: 16 - plain.count) + plain)
        }
    }

    @Test func opsEndpoints() async throws {
        try await withFixture { port, data in
            let health = try await fetch(port, "/healthz")
            #expect(health.status == 200 && health.text == "ok\n")
            #expect(health.header("Cache-Control") == "no-store")
            #expect(try await fetch(port, "/readyz").status == 200)
            let before = Date().timeIntervalSince1970
            let time = try await fetch(port, "/time")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let served = try #require(formatter.date(from: time.text))
            #expect(abs(served.timeIntervalSince1970 - before) < 5)
            #expect(time.text.hasSuffix("Z"))

            _ = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s")
            let missing = try await fetch(port, "/vod/clip1/video-360p/seg-9.m4s")
            let metrics = try await fetch(port, "/metrics")
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains(#"mediaserve_http_requests_total{kind="segment",status="200"} 1"#))
            #expect(metrics.text.contains(#"mediaserve_http_requests_total{kind="segment",status="404"} 1"#))
            #expect(metrics.text.contains("mediaserve_http_response_bytes_total{kind=\"segment\"} \(1000 + missing.body.count)"))
            #expect(metrics.text.contains("mediaserve_http_request_duration_seconds_bucket"))

            let tagged = try await fetch(port, "/healthz", headers: [("X-Request-Id", "trace-1234abcd")])
            #expect(tagged.header("X-Request-Id") == "trace-1234abcd")
            let fresh = try await fetch(port, "/healthz", headers: [("X-Request-Id", "bad id\twith spaces")])
            let id = try #require(fresh.header("X-Request-Id"))
            #expect(id.count == 16 && id != "bad id\twith spaces")
            #expect(id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })

            // Not ready when the data directory cannot be written.
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: data.url.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: data.url.path) }
            if getuid() != 0 {  // root writes anyway
                #expect(try await fetch(port, "/readyz").status == 503)
            }
        }
    }

    @Test func readinessReportsTheCatalog() async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        let configuration = OriginConfiguration(port: 0)
        try await withOrigin(configuration: configuration, dataDirectory: data.url, index: StaticIndex(), renderer: ListingText(),
                             readiness: { "catalog is not open" }) { port, _ in
            let response = try await fetch(port, "/readyz")
            #expect(response.status == 503)
            #expect(response.text.contains("catalog is not open"))
        }
    }

    @Test func apiNeedsTheBearerKey() async throws {
        try await withFixture { port, _ in
            let bare = try await fetch(port, "/api/v1/assets")
            #expect(bare.status == 401)
            #expect(bare.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(bare.text.contains("\"error\""))
            #expect(bare.header("Cache-Control") == "no-store")
        }
    }
}

extension SafetyAndOpsTests {
    @Test func apiRefusesWrongKeysAndOversizedUploadsBeforeTheBackend() async throws {
        try await withFixture { port, _ in
            let wrong = try await fetch(port, "/api/v1/assets", headers: [("Authorization", "Bearer s3cret-kez")])
            #expect(wrong.status == 401)
            let basic = try await fetch(port, "/api/v1/assets", headers: [("Authorization", "Basic czNjcmV0LWtleQ==")])
            #expect(basic.status == 401)
            let noKeyDelete = try await fetch(port, "/api/v1/assets/clip1", method: .DELETE)
            #expect(noKeyDelete.status == 401)
            let noKeyUpload = try await fetch(port, "/api/v1/assets", method: .POST, body: [1, 2, 3])
            #expect(noKeyUpload.status == 401)
            let openapi = try await fetch(port, "/api/v1/openapi.yaml")
            #expect(openapi.status == 200)
            #expect(openapi.text.hasPrefix("openapi: 3"))
        }
    }
}

extension SafetyAndOpsTests {
    @Test func everyErrorHasABody() async throws {
        try await withFixture { port, _ in
            let page = try await fetch(port, "/no/such/page")
            #expect(page.status == 404)
            #expect(page.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(!page.body.isEmpty)
            let api = try await fetch(port, "/api/v1/nothing-here", headers: [("Authorization", "Bearer s3cret-key")])
            #expect(api.status == 404)
            #expect(api.header("Content-Type") == "application/json; charset=utf-8")
            #expect(api.text.contains("\"error\""))
            let traversal = try await fetch(port, "/vod/x/%2e%2e/y")
            #expect(traversal.status == 400)
            #expect(traversal.text.contains("percent-encoded"))
        }
    }
}

extension SafetyAndOpsTests {
    /// Issue 12 deliverable 8: guessing the admin key from one address is slowed down. After five wrong
    /// keys within the minute that address gets 429 with Retry-After, even with the right key; another
    /// address still has its key checked (401 for a wrong one, not 429).
    @Test func repeatedWrongAdminKeysFromOneAddressGet429() async throws {
        try await withFixture { port, _ in
            for guess in 0..<5 {
                #expect(try await fetch(port, "/api/v1/assets", headers: [("Authorization", "Bearer wrong-\(guess)")]).status == 401)
            }
            let slowed = try await fetch(port, "/api/v1/assets", headers: [("Authorization", "Bearer wrong-5")])
            #expect(slowed.status == 429)
            #expect(Int(slowed.header("Retry-After") ?? "") ?? 0 >= 1, "\(slowed.headers)")
            #expect(try await fetch(port, "/api/v1/assets", headers: [("Authorization", "Bearer s3cret-key")]).status == 429,
                    "the right key is not even checked from that address for the rest of the window")
            let elsewhere = try await offPool {
                try httpExchange(port: port, source: "127.0.0.2",
                                 "GET /api/v1/assets HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer wrong-6\r\nConnection: close\r\n\r\n")
            }
            #expect(elsewhere.status == 401, "another address has its key checked, not 429: \(elsewhere.text.prefix(200))")
        }
    }
}
