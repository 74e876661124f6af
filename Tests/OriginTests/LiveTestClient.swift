import Foundation
import Testing
import TestSupport

/// What the live suites that drive a real `mediaserve serve` do the same way: create streams through the
/// admin API, wait for publishers to be released, and run ffmpeg as the encoder.
enum LiveTestClient {
    static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    static func auth(_ apiKey: String) -> [(String, String)] {
        [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json")]
    }

    /// `POST /api/v1/live-streams` with `body`; expects 201 and returns the created stream (id, key, URLs).
    static func createStream(_ port: Int, apiKey: String, _ body: [String: Any],
                             sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let response = try await fetch(port, "/api/v1/live-streams", method: .POST, headers: auth(apiKey), body: json(body))
        #expect(response.status == 201, "create: \(response.text)", sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], sourceLocation: sourceLocation)
    }

    /// After ffmpeg exits the server writes the last segments and marks the streams not publishing; a
    /// condition checked until a deadline (20 s), not a timing assertion.
    static func waitUntilNotPublishing(_ port: Int, apiKey: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let released = try await eventually(timeout: .seconds(20), poll: .milliseconds(200)) {
            !(try await fetch(port, "/api/v1/live-streams", headers: auth(apiKey))).text.contains("\"publishing\":true")
        }
        if !released { Issue.record("streams still publishing after ffmpeg exited", sourceLocation: sourceLocation) }
    }

    /// Checks `GET /api/v1/live-streams/<stream>` until a publisher holds the stream (deadline: 30 s).
    static func waitUntilPublishing(_ port: Int, apiKey: String, stream: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let held = try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            (try await fetch(port, "/api/v1/live-streams/\(stream)", headers: auth(apiKey))).text.contains("\"publishing\":true")
        }
        if !held { Issue.record("stream \(stream) has no publisher after 30 s", sourceLocation: sourceLocation) }
    }

    /// ffmpeg as a real-time encoder: a test pattern and a tone, x264 with 1 s GOPs, AAC, `seconds` long,
    /// to `url` as FLV (RTMP) or MPEG-TS (SRT).
    static func ffmpegArguments(to url: String, seconds: Int, size: String = "320x180", format: String = "flv",
                                audioRate: Int = 44100) -> [String] {
        ["-hide_banner", "-loglevel", "error", "-re",
         "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=\(audioRate)",
         "-t", "\(seconds)", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-f", format, url]
    }
}
