import Foundation
import Testing
import TestSupport
@testable import Origin

/// Issue 7's "keys from config", through the binary: streams listed in `live.streams_file` are synced into
/// the catalog at `mediaserve serve` start, publish over RTMP with the key from the file, cannot be deleted
/// through the API, and take a changed key at the next start. A bad file stops the server with file:line.
@Suite(.serialized) struct LiveStreamsFileServeTests {
    static let apiKey = "live-file-api-key-0123456789"
    static let firstKey = "file-key-first-0123456789"
    static let secondKey = "file-key-second-0123456789"
    static var auth: [(String, String)] { LiveTestClient.auth(apiKey) }

    @Test func streamsFromTheFilePublishAndFollowKeyChanges() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-livefile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let file = data.appendingPathComponent("streams.yaml")
        try Self.writeStreams(file, key: Self.firstKey)
        let extra = ["--set", "live.streams_file=\(file.path)"]

        var server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: extra)
        let shown = try await fetch(server.port, "/api/v1/live-streams/lobby", headers: Self.auth)
        #expect(shown.status == 200, "configured stream: \(shown.text)")
        #expect(shown.text.contains("\"dvrWindowSeconds\":600") && !shown.text.contains(Self.firstKey))
        let apiStream = try await LiveTestClient.createStream(server.port, apiKey: Self.apiKey, ["id": "from-api"])
        let apiStreamKey = try #require(apiStream["key"] as? String)

        #expect(try await Self.publish(server.rtmpPort, key: "not-a-configured-key-000", seconds: 2).status != 0,
                "a key nobody configured must be refused")
        let published = try await Self.publish(server.rtmpPort, key: Self.firstKey, seconds: 4)
        #expect(published.status == 0, "ffmpeg with the key from the file: \(published.stderr)")
        try await LiveTestClient.waitUntilNotPublishing(server.port, apiKey: Self.apiKey)
        try await Self.expectSegments(server.port)

        let delete = try await fetch(server.port, "/api/v1/live-streams/lobby", method: .DELETE, headers: Self.auth)
        #expect(delete.status == 409)
        #expect(delete.text.contains("managed by the config file"), "409 body: \(delete.text)")
        server.terminate()

        // A key another stream holds is an error at start naming both; so is a key_env variable not set.
        try Self.writeStreams(file, key: apiStreamKey)
        let collision = try await Self.serveOnce(data: data, extra: extra)
        #expect(collision.status == 1)
        #expect(collision.stderr.contains("'lobby'") && collision.stderr.contains("'from-api'"), "stderr: \(collision.stderr)")
        #expect(!collision.stderr.contains(apiStreamKey))
        try "streams:\n  - id: lobby\n    key_env: LOBBY_KEY_NOT_SET\n".write(to: file, atomically: true, encoding: .utf8)
        let unset = try await Self.serveOnce(data: data, extra: extra)
        #expect(unset.status == 1)
        #expect(unset.stderr.contains("\(file.path):2:5: 'streams[0].key_env' names environment variable LOBBY_KEY_NOT_SET"),
                "stderr: \(unset.stderr)")

        // Restart with a changed key: the old one is refused, the new one publishes; the API stream is kept.
        try Self.writeStreams(file, key: Self.secondKey)
        server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: extra)
        #expect(try await Self.publish(server.rtmpPort, key: Self.firstKey, seconds: 2).status != 0, "the old key must be refused")
        let again = try await Self.publish(server.rtmpPort, key: Self.secondKey, seconds: 3)
        #expect(again.status == 0, "ffmpeg with the new key: \(again.stderr)")
        try await LiveTestClient.waitUntilNotPublishing(server.port, apiKey: Self.apiKey)
        try await Self.expectSegments(server.port)
        #expect(try await fetch(server.port, "/api/v1/live-streams/from-api", headers: Self.auth).status == 200)
        #expect(try await fetch(server.port, "/api/v1/live-streams/from-api", method: .DELETE, headers: Self.auth).status == 204)
        server.terminate()

        // Started without the file, its streams stay but are the API's again: deletable.
        server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey)
        defer { server.terminate() }
        #expect(try await fetch(server.port, "/api/v1/live-streams/lobby", method: .DELETE, headers: Self.auth).status == 204)
    }

    private static func writeStreams(_ file: URL, key: String) throws {
        try "streams:\n  - id: lobby\n    key: \(key)\n    dvr_window_seconds: 600\n".write(to: file, atomically: true, encoding: .utf8)
    }

    private static func publish(_ rtmpPort: Int, key: String, seconds: Int) async throws -> RunResult {
        try await runAsync("ffmpeg", LiveTestClient.ffmpegArguments(to: "rtmp://127.0.0.1:\(rtmpPort)/live/\(key)", seconds: seconds))
    }

    /// `mediaserve serve` expected to stop at start (a bad streams file): its exit status and stderr.
    private static func serveOnce(data: URL, extra: [String]) async throws -> RunResult {
        try await runAsync(TestMedia.mediaserveBinary.path,
                           ["serve", "--port", "0", "--data-dir", data.path, "--set", "rtmp.port=0", "--set", "srt.port=0",
                            "--set", "api.key=\(apiKey)"] + extra)
    }

    /// The live master playlist answers and its video playlist lists segments the origin serves.
    private static func expectSegments(_ port: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let master = try await fetch(port, "/live/lobby/master.m3u8")
        #expect(master.status == 200, "master: \(master.text)", sourceLocation: sourceLocation)
        let mediaName = try #require(master.text.split(separator: "\n").first { !$0.hasPrefix("#") && $0.hasPrefix("video") },
                                     sourceLocation: sourceLocation)
        let media = try await fetch(port, "/live/lobby/\(mediaName)")
        let segments = media.text.split(separator: "\n").filter { $0.hasSuffix(".m4s") }
        #expect(!segments.isEmpty, "media playlist: \(media.text)", sourceLocation: sourceLocation)
        if let last = segments.last {
            #expect(try await fetch(port, "/live/lobby/\(last)").status == 200, sourceLocation: sourceLocation)
        }
    }
}
