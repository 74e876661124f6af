import Foundation
import Hummingbird
import Synchronization
import Testing
import TestSupport

/// The external authorisation hook through the real binary (issue 12, deliverable 4): play requests of
/// `webhook` items and RTMP/SRT publishers (`live.publish_webhook_url`, beside the stream keys) are put
/// to a real HTTP service the test runs; it allows, denies, answers too late, or is gone.
@Suite(.serialized) struct WebhookServeTests {
    static let apiKey = AccessServeTests.apiKey
    static var auth: [(String, String)] { AccessServeTests.auth }

    /// Holds the slow hook's answers until the test opens it (a service that hangs, not a timed sleep).
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let resume = state.withLock { state -> Bool in
                    if state.open { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if resume { continuation.resume() }
            }
        }

        func open() {
            for waiting in state.withLock({ state -> [CheckedContinuation<Void, Never>] in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }) { waiting.resume() }
        }
    }

    /// A publisher the hook allows goes on the air over RTMP and SRT; one it refuses gets nowhere, whatever
    /// its valid key; a play token is no publishing right even where the hook would allow it.
    @Test func publishersNeedTheirKeyAndTheHook() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-publish-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let allowedKey = Mutex<String>("")
        try await HookServer.with(answer: { query in
            query["token"] == "letmein" || query["token"] == allowedKey.withLock({ $0 }) ? .noContent : .forbidden
        }) { hookURL, log in
            // A generous timeout: this test is about the hook's answers, and on a loaded machine the
            // hook (in this process) may take longer than the 2 s default to answer; the timeout has its
            // own test below.
            let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: [
                "--set", "live.publish_webhook_url=\(hookURL)", "--set", "access.webhook_url=\(hookURL)",
                "--set", "access.webhook_timeout_ms=15000"])
            defer { server.terminate() }
            let port = server.port
            let allowed = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "pa", "access": "webhook"])
            let denied = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "pd"])
            let key = try #require(allowed["key"] as? String)
            allowedKey.withLock { $0 = key }

            // Allowed: over RTMP, then (once released) over SRT.
            let rtmp = try await runAsync("ffmpeg", LiveTestClient.ffmpegArguments(to: try #require(allowed["rtmpUrl"] as? String), seconds: 3))
            #expect(rtmp.status == 0, "ffmpeg over RTMP: \(rtmp.stderr)")
            try await LiveTestClient.waitUntilNotPublishing(port, apiKey: Self.apiKey)
            let srt = try await runAsync("ffmpeg", SRTOriginTests.publishArguments(to: try #require(allowed["srtUrl"] as? String), seconds: 3))
            #expect(srt.status == 0, "ffmpeg over SRT: \(srt.stderr)")
            try await LiveTestClient.waitUntilNotPublishing(port, apiKey: Self.apiKey)
            // Viewers of the webhook stream are asked about as players.
            #expect(try await fetch(port, "/live/pa/master.m3u8?token=letmein").status == 200)
            #expect(try await fetch(port, "/live/pa/master.m3u8?token=guess").status == 403)

            // Refused by the hook, though the key is right.
            let refusedRTMP = try await runAsync("ffmpeg", LiveTestClient.ffmpegArguments(to: try #require(denied["rtmpUrl"] as? String), seconds: 3))
            #expect(refusedRTMP.status != 0, "the hook refused this RTMP publisher")
            let refusedSRT = try await runAsync("ffmpeg", SRTOriginTests.publishArguments(to: try #require(denied["srtUrl"] as? String), seconds: 3))
            #expect(refusedSRT.status != 0, "the hook refused this SRT publisher")
            #expect(try await fetch(port, "/live/pd/master.m3u8").status == 404)

            // A token the hook accepts for playing is no stream key: refused before the hook is asked.
            let playToken = try await runAsync("ffmpeg", LiveTestClient.ffmpegArguments(
                to: "rtmp://127.0.0.1:\(server.rtmpPort)/live/letmein", seconds: 2))
            #expect(playToken.status != 0, "a play token must not publish")

            let publishes = log.queries.filter { $0["action"] == "publish" }
            #expect(publishes.allSatisfy { $0["token"] != "letmein" })
            #expect(Set(publishes.compactMap { query in query["stream"].map { "\($0) \(query["protocol"] ?? "")" } })
                    == ["pa rtmp", "pa srt", "pd rtmp", "pd srt"])
            let first = try #require(publishes.first)
            #expect(first["path"] == "/live/pa" && first["token"] == key && first["ip"] == "127.0.0.1", "\(first)")
            #expect(log.queries.contains { $0["action"] == "play" && $0["stream"] == "pa" && $0["token"] == "letmein" })
        }
    }

    /// A hook slower than `access.webhook_timeout_ms`, then one that is down: viewers and publishers are
    /// refused (fail closed) within a bounded time, every time (a failure is not cached).
    @Test func aSlowOrDownHookRefusesViewersAndPublishers() async throws {
        let setup = try await AccessServeTests.Setup.make()
        defer { try? FileManager.default.removeItem(at: setup.root) }
        let gate = Gate()
        let server = try await HookServer.with(answer: { _ in
            await gate.wait()
            return .noContent
        }) { hookURL, log -> ServerProcess in
            defer { gate.open() }
            let server = try setup.serve(extra: [
                "--set", "srt.enabled=true", "--set", "access.webhook_url=\(hookURL)", "--set", "live.publish_webhook_url=\(hookURL)",
                "--set", "access.webhook_timeout_ms=1000"])
            let port = server.port
            let patched = try await fetch(port, "/api/v1/assets/other", method: .PATCH, headers: Self.auth,
                                          body: Array(#"{"access": "webhook"}"#.utf8))
            #expect(patched.status == 200, "\(patched.text)")
            let started = ContinuousClock.now
            let slow = try await fetch(port, "/vod/other/master.m3u8?token=letmein")
            #expect(slow.status == 403 && slow.text.contains("could not be asked"), "\(slow.status) \(slow.text)")
            #expect(slow.header("Cache-Control") == "no-store")
            // 1 s of timeout: well under the 10 s that would mean the hook was waited for.
            #expect(ContinuousClock.now - started < .seconds(10))
            try await Self.expectPublishRefused(server, stream: "slow")
            #expect(log.queries.contains { $0["action"] == "play" } && log.queries.contains { $0["action"] == "publish" })
            return server
        }
        defer { server.terminate() }
        // The hook is gone now (its server stopped): the same requests are refused again, not served
        // from a cached answer.
        let down = try await fetch(server.port, "/vod/other/master.m3u8?token=letmein")
        #expect(down.status == 403 && down.text.contains("could not be asked"), "\(down.status) \(down.text)")
        try await Self.expectPublishRefused(server, stream: "gone")
        let metrics = try await fetch(server.port, "/metrics").text
        #expect(metrics.contains(#"mediaserve_access_refusals_total{reason="webhook_unavailable"}"#))
    }

    /// A publisher with a valid key over RTMP and over SRT is refused, and no playlist appears.
    static func expectPublishRefused(_ server: ServerProcess, stream: String,
                                     sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let created = try await LiveTestClient.createStream(server.port, apiKey: apiKey, ["id": stream], sourceLocation: sourceLocation)
        let started = ContinuousClock.now
        let rtmp = try await runAsync("ffmpeg", LiveTestClient.ffmpegArguments(to: try #require(created["rtmpUrl"] as? String), seconds: 20))
        #expect(rtmp.status != 0, "RTMP publisher to \(stream) must be refused", sourceLocation: sourceLocation)
        #expect(ContinuousClock.now - started < .seconds(15), "refused within a bounded time, not after its 20 s", sourceLocation: sourceLocation)
        let srt = try await runAsync("ffmpeg", SRTOriginTests.publishArguments(to: try #require(created["srtUrl"] as? String), seconds: 20))
        #expect(srt.status != 0, "SRT publisher to \(stream) must be refused", sourceLocation: sourceLocation)
        #expect(try await fetch(server.port, "/live/\(stream)/master.m3u8").status == 404, sourceLocation: sourceLocation)
    }
}
