import Foundation
import Testing
import TestSupport
@testable import Origin

/// Issue 7 through the binary: live streams created with `/api/v1/live-streams`, published with ffmpeg
/// to the RTMP URL the API returns, an EVENT stream that keeps every segment, and live-to-VOD archives
/// that ffmpeg decodes and whose MPD validates against the DASH schema.
@Suite(.serialized) struct LiveStreamAPITests {
    static let key = "live-api-key-0123456789"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")] }

    @Test func createPublishArchiveAndEventMode() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-livevod-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        defer { server.terminate() }
        let port = server.port

        // The old query-string endpoint is gone; one way to create streams.
        #expect(try await fetch(port, "/api/v1/live?id=cam1", method: .POST, headers: Self.auth).status == 404)
        #expect(try await fetch(port, "/api/v1/live-streams", method: .POST, body: Self.json(["id": "talk"])).status == 401)
        let talk = try await create(port, ["id": "talk"])
        #expect(talk["mode"] as? String == "sliding")
        let event = try await create(port, ["id": "ev", "mode": "event", "dvr_window_seconds": 1])
        #expect(event["mode"] as? String == "event")
        #expect(event["dvrWindowSeconds"] as? Int == 1)
        let playback = try #require(event["playback"] as? [String: Any])
        #expect(playback["hls"] as? String == "/live/ev/master.m3u8")
        #expect(playback["dash"] as? String == "/live/ev/manifest.mpd")
        let talkURL = try #require(talk["rtmpUrl"] as? String)
        let talkKey = try #require(talk["key"] as? String)
        #expect(talkURL == "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(talkKey)")
        let eventURL = try #require(event["rtmpUrl"] as? String)

        #expect(try await fetch(port, "/api/v1/live-streams", method: .POST, headers: Self.auth, body: Self.json(["mode": "loop"])).status == 400)
        #expect(try await fetch(port, "/api/v1/live-streams", method: .POST, headers: Self.auth, body: Self.json(["id": "talk"])).status == 409)
        let shown = try await fetch(port, "/api/v1/live-streams/ev", headers: Self.auth)
        #expect(shown.status == 200)
        #expect(!shown.text.contains(try #require(event["key"] as? String)))

        // Both publishers run at once (real time, ~13 s) and the test waits for them to exit.
        async let talkRun = runAsync("ffmpeg", Self.publishArguments(to: talkURL))
        async let eventRun = runAsync("ffmpeg", Self.publishArguments(to: eventURL))
        let (talkResult, eventResult) = try await (talkRun, eventRun)
        #expect(talkResult.status == 0, "ffmpeg publishing talk: \(talkResult.stderr)")
        #expect(eventResult.status == 0, "ffmpeg publishing ev: \(eventResult.stderr)")
        try await waitUntilNotPublishing(port, ["talk", "ev"])

        try await checkEventStream(port, data: data)
        try await checkArchives(port)

        #expect(try await fetch(port, "/api/v1/live-streams/ev", method: .DELETE, headers: Self.auth).status == 204)
        #expect(try await fetch(port, "/api/v1/live-streams/ev", headers: Self.auth).status == 404)
        let listed = try await fetch(port, "/api/v1/live-streams", headers: Self.auth)
        #expect(listed.text.contains("\"id\":\"talk\""))
        #expect(!listed.text.contains("\"id\":\"ev\""))
    }

    /// An EVENT stream with a 1 s DVR window still lists (and keeps on disk) every segment from its first.
    private func checkEventStream(_ port: Int, data: URL) async throws {
        let master = try await fetch(port, "/live/ev/master.m3u8")
        #expect(master.status == 200)
        let mediaName = try #require(master.text.split(separator: "\n").first { !$0.hasPrefix("#") && $0.hasPrefix("video") })
        let media = try await fetch(port, "/live/ev/\(mediaName)")
        #expect(media.text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"))
        let listed = media.text.split(separator: "\n").filter { $0.hasSuffix(".m4s") }.map { String($0.split(separator: "/").last!) }
        let rendition = String(mediaName.dropLast(5))
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("live/ev/\(rendition)").path)
            .compactMap { name -> Int? in name.hasPrefix("seg-") ? Int(name.dropFirst(4).dropLast(4)) : nil }.sorted()
        #expect(listed.count >= 2, "an event stream keeps more than the 1 s window: \(media.text)")
        #expect(listed == onDisk.map { "seg-\($0).m4s" })
        #expect(listed.first == "seg-1.m4s")
    }

    private func checkArchives(_ port: Int) async throws {
        #expect(try await fetch(port, "/api/v1/live-streams/nosuch/archive", method: .POST, headers: Self.auth).status == 404)
        let empty = try await fetch(port, "/api/v1/live-streams/talk/archive", method: .POST, headers: Self.auth,
                                    body: Self.json(["start": 500, "end": 600]))
        #expect(empty.status == 400)
        #expect(empty.text.contains("no complete segment"))

        let whole = try await fetch(port, "/api/v1/live-streams/talk/archive", method: .POST, headers: Self.auth,
                                    body: Self.json(["asset_id": "talk-vod", "title": "Talk"]))
        #expect(whole.status == 201, "archive: \(whole.text)")
        let asset = try #require(try JSONSerialization.jsonObject(with: Data(whole.body)) as? [String: Any])
        #expect(asset["id"] as? String == "talk-vod")
        let duration = try #require(asset["durationSeconds"] as? Double)
        #expect(duration > 10 && duration < 16, "13 s published, archived \(duration) s")
        let urls = try #require(asset["playback"] as? [String: Any])
        #expect(urls["hls"] as? String == "/vod/talk-vod/master.m3u8")

        // ffmpeg decodes the whole archive through the origin's HLS without an error.
        let decode = try await runAsync("ffmpeg", ["-v", "error", "-i", "http://127.0.0.1:\(port)/vod/talk-vod/master.m3u8",
                                                   "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")
        let codecs = try await offPool {
            let probe = try ffprobeJSON("http://127.0.0.1:\(port)/vod/talk-vod/master.m3u8")
            return (probe["streams"] as? [[String: Any]] ?? []).compactMap { $0["codec_name"] as? String }
        }
        #expect(codecs.contains("h264") && codecs.contains("aac"))

        let mpd = try await fetch(port, "/vod/talk-vod/manifest.mpd")
        #expect(mpd.status == 200)
        #expect(mpd.text.contains("type=\"static\""))
        try await validateMPD(mpd.text)
        let dash = try await runAsync("ffmpeg", ["-v", "error", "-i", "http://127.0.0.1:\(port)/vod/talk-vod/manifest.mpd",
                                                 "-map", "0:v:0", "-f", "null", "-"])
        #expect(dash.status == 0 && dash.stderr.isEmpty, "DASH decode: \(dash.stderr)")

        // A range keeps the whole segments overlapping it, renumbered from 1. Starting mid-stream, the
        // asset's first tfdt is not 0: players still decode it (HLS) and the MPD offsets it (DASH).
        let part = try await fetch(port, "/api/v1/live-streams/talk/archive", method: .POST, headers: Self.auth,
                                   body: Self.json(["asset_id": "talk-part", "start": 7, "end": 11]))
        #expect(part.status == 201, "range archive: \(part.text)")
        let partAsset = try #require(try JSONSerialization.jsonObject(with: Data(part.body)) as? [String: Any])
        let renditions = try #require(partAsset["renditions"] as? [[String: Any]])
        #expect(!renditions.isEmpty && renditions.allSatisfy { $0["segments"] as? Int == 1 })
        // An archive is a new asset, version 1: its versioned and its unversioned URLs answer, v2 does not.
        let rendition = try #require(renditions[0]["id"] as? String)
        #expect(try await fetch(port, "/vod/talk-part/v1/\(rendition)/seg-1.m4s").status == 200)
        #expect(try await fetch(port, "/vod/talk-part/\(rendition)/seg-1.m4s").status == 200)
        #expect(try await fetch(port, "/vod/talk-part/v2/\(rendition)/seg-1.m4s").status == 404)
        let partMPD = try await fetch(port, "/vod/talk-part/manifest.mpd")
        #expect(partMPD.text.contains("presentationTimeOffset"))
        try await validateMPD(partMPD.text)
        for manifest in ["master.m3u8", "manifest.mpd"] {
            let decoded = try await runAsync("ffmpeg", ["-v", "error", "-i", "http://127.0.0.1:\(port)/vod/talk-part/\(manifest)",
                                                        "-map", "0:v:0", "-f", "null", "-"])
            #expect(decoded.status == 0 && decoded.stderr.isEmpty, "talk-part \(manifest): \(decoded.stderr)")
        }
        let again = try await fetch(port, "/api/v1/live-streams/talk/archive", method: .POST, headers: Self.auth,
                                    body: Self.json(["asset_id": "talk-part"]))
        #expect(again.status == 409)
    }

    private func create(_ port: Int, _ body: [String: Any]) async throws -> [String: Any] {
        try await LiveTestClient.createStream(port, apiKey: Self.key, body)
    }

    private func waitUntilNotPublishing(_ port: Int, _ streams: [String]) async throws {
        try await LiveTestClient.waitUntilNotPublishing(port, apiKey: Self.key)
    }

    static func publishArguments(to url: String) -> [String] {
        LiveTestClient.ffmpegArguments(to: url, seconds: 13)
    }

    static func json(_ object: [String: Any]) -> [UInt8] { LiveTestClient.json(object) }

}
