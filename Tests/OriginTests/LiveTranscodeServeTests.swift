import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Origin

/// Live ABR through the binary (issue 15): ffmpeg publishes one 1280x720 feed to a stream created with a
/// ladder; the server decodes it once and encodes the rungs; HLS and DASH list every rendition, ffprobe
/// decodes each one over HTTP, and every rendition's segments start at the same times. Shedding: with a
/// budget no encoder can meet, the costliest rung goes first, is counted in /metrics and shown in the API,
/// and the playlists keep growing.
@Suite(.serialized) struct LiveTranscodeServeTests {
    static let key = "live-transcode-key-0123456789"
    static var auth: [(String, String)] { LiveTestClient.auth(key) }

    @Test func oneFeedBecomesAnAlignedLadder() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-abr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        // A budget no shared test machine misses (alignment is checked here, shedding below); the stream
        // ends as soon as its publisher leaves, so ffmpeg reads a finished HLS and a static MPD.
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key,
                                       extra: ["--set", "srt.enabled=false", "--set", "live.transcode.max_lag_ms=600000",
                                               "--set", "live.disconnect_timeout_seconds=0"])
        defer { server.terminate() }
        let port = server.port
        let created = try await LiveTestClient.createStream(port, apiKey: Self.key,
                                                            ["id": "abr", "transcode": ["rungs": [1080, 480, 360]]])
        let stream = try #require(created["key"] as? String)
        #expect((created["transcode"] as? [String: Any])?["rungs"] as? [Int] == [1080, 480, 360])

        async let published = runAsync("ffmpeg", LiveTestClient.ffmpegArguments(
            to: "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(stream)", seconds: 14, size: "1280x720"))
        // While it runs: the rungs the source allows, the one above it left out, and a dynamic MPD that
        // lists every rendition and passes the schema.
        var status: [String: Any] = [:]
        let planned = try await eventually(timeout: .seconds(30), poll: .milliseconds(300)) {
            let response = try await fetch(port, "/api/v1/live-streams/abr", headers: Self.auth)
            let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            status = object?["transcoding"] as? [String: Any] ?? [:]
            return status["sourceHeight"] as? Int == 720
        }
        #expect(planned, "no transcode status: \(status)")
        #expect(status["active"] as? [Int] == [480, 360] && status["aboveSource"] as? [Int] == [1080], "\(status)")
        var dynamicMPD = ""
        _ = try await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
            dynamicMPD = try await fetch(port, "/live/abr/manifest.mpd").text
            return dynamicMPD.contains("type=\"dynamic\"") && dynamicMPD.contains("id=\"video-360p\"")
                && dynamicMPD.contains("id=\"video-480p\"")
        }
        #expect(dynamicMPD.contains("id=\"video\""), "\(dynamicMPD)")
        try await validateMPD(dynamicMPD)
        let ffmpeg = try await published
        #expect(ffmpeg.status == 0, "ffmpeg: \(ffmpeg.stderr)")
        try await Self.waitUntilEncoded(port, stream: "abr")
        let after = try await fetch(port, "/api/v1/live-streams/abr", headers: Self.auth).text
        #expect(after.contains("\"shed\":[]"), "nothing shed with this budget: \(after)")

        // HLS: one variant per rendition, with its size and codec; the same segment numbers everywhere.
        let master = try await fetch(port, "/live/abr/master.m3u8").text
        for (name, size) in [("video", "1280x720"), ("video-480p", "854x480"), ("video-360p", "640x360")] {
            let line = master.split(separator: "\n").firstIndex { $0.hasSuffix("\(name).m3u8") }
            let info = line.flatMap { index in master.split(separator: "\n")[..<index].last }.map(String.init) ?? ""
            #expect(info.contains("RESOLUTION=\(size)") && info.contains("CODECS=\"avc1.") && info.contains("BANDWIDTH="),
                    "\(name) in master: \(master)")
        }
        let video = try await LiveRestartTests.segmentLines(port, "video", stream: "abr")
        #expect(video.count >= 2, "\(video)")
        for rung in ["video-480p", "video-360p"] {
            let lines = try await LiveRestartTests.segmentLines(port, rung, stream: "abr")
            #expect(lines.map { $0.split(separator: "/").last! } == video.map { $0.split(separator: "/").last! }, "\(rung): \(lines) vs \(video)")
        }
        // Every rendition decodes at its own size (init + segments over HTTP, as a player fetches them).
        for (name, size) in [("video", "1280x720"), ("video-480p", "854x480"), ("video-360p", "640x360")] {
            let playlist = try await fetch(port, "/live/abr/\(name).m3u8").text
            let sizes = try await LiveRestartTests.decodeByInit(port, "/live/abr/", playlist: playlist)
            #expect(sizes == [[size]], "\(name): \(sizes)")
        }

        // DASH: the same start times in every video Representation (one frame at 25 fps is 3600 ticks at
        // 90 kHz), and ffmpeg decodes each Representation of the MPD.
        let mpd = try await fetch(port, "/live/abr/manifest.mpd").text
        try await validateMPD(mpd)
        let timelines = Self.videoTimelines(mpd)
        #expect(Set(timelines.keys) == ["video", "video-480p", "video-360p"], "\(mpd)")
        let reference = try #require(timelines["video"])
        for (id, starts) in timelines {
            #expect(starts.count == reference.count, "\(id): \(starts) vs \(reference)")
            #expect(zip(starts, reference).allSatisfy { abs($0 - $1) <= 3600 }, "\(id): \(starts) vs \(reference)")
        }
        for index in 0..<3 {
            let decoded = try await runAsync("ffmpeg", ["-v", "error", "-i", "http://127.0.0.1:\(port)/live/abr/manifest.mpd",
                                                        "-map", "0:v:\(index)", "-f", "null", "-"])
            #expect(decoded.status == 0 && decoded.stderr.isEmpty, "DASH video \(index): \(decoded.stderr)")
        }
        try await LiveRestartTests.expectDecodes(port, "/live/abr/master.m3u8")

        // Archive to VOD keeps the ladder.
        let archive = try await fetch(port, "/api/v1/live-streams/abr/archive", method: .POST, headers: Self.auth,
                                      body: LiveTestClient.json(["asset_id": "abr-vod"]))
        #expect(archive.status == 201, "archive: \(archive.text)")
        let vodMaster = try await fetch(port, "/vod/abr-vod/master.m3u8").text
        #expect(vodMaster.contains("RESOLUTION=640x360") && vodMaster.contains("RESOLUTION=854x480")
                && vodMaster.contains("RESOLUTION=1280x720"), "\(vodMaster)")
        try await LiveRestartTests.expectDecodes(port, "/vod/abr-vod/master.m3u8")
    }

    @Test func fallingBehindShedsTheCostliestRungFirst() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-shed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        // No encoder delivers a picture within a millisecond of its arrival: every measurement is over budget.
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key,
                                       extra: ["--set", "srt.enabled=false", "--set", "live.transcode.max_lag_ms=1", "--set", "live.disconnect_timeout_seconds=0",
                                               "--set", "live.transcode.rungs=480,360"])
        defer { server.terminate() }
        let port = server.port
        let created = try await LiveTestClient.createStream(port, apiKey: Self.key, ["id": "shed"])
        let stream = try #require(created["key"] as? String)
        async let published = runAsync("ffmpeg", LiveTestClient.ffmpegArguments(
            to: "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(stream)", seconds: 14, size: "1280x720"))

        var status: [String: Any] = [:]
        let shed = try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            let response = try await fetch(port, "/api/v1/live-streams/shed", headers: Self.auth)
            let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            status = object?["transcoding"] as? [String: Any] ?? [:]
            return (status["shed"] as? [Int])?.count == 2
        }
        #expect(shed && status["shed"] as? [Int] == [480, 360], "the costliest first: \(status)")
        #expect((status["active"] as? [Int])?.isEmpty == true, "\(status)")
        let metrics = try await fetch(port, "/metrics").text
        #expect(metrics.contains("mediaserve_live_rungs_shed_total{rendition=\"video-480p\",stream=\"shed\"} 1")
                || metrics.contains("mediaserve_live_rungs_shed_total{stream=\"shed\",rendition=\"video-480p\"} 1"), "\(metrics)")

        // The playlists never stall: the source keeps growing and new viewers are offered what exists.
        let before = try await LiveRestartTests.segmentLines(port, "video", stream: "shed")
        let grew = try await eventually(timeout: .seconds(20), poll: .milliseconds(300)) {
            try await LiveRestartTests.segmentLines(port, "video", stream: "shed").count > before.count
        }
        #expect(grew, "the source's playlist stopped at \(before)")
        let master = try await fetch(port, "/live/shed/master.m3u8").text
        #expect(!master.contains("video-480p") && !master.contains("video-360p") && master.contains("video.m3u8"), "\(master)")
        #expect(try await fetch(port, "/live/shed/video-480p.m3u8").status == 404)
        _ = try await published
        try await Self.waitUntilEncoded(port, stream: "shed")
        try await LiveRestartTests.expectDecodes(port, "/live/shed/master.m3u8")
    }

    /// The body's `transcode` as the API reads it, and a one-line 400 for each thing wrong with it.
    @Test func transcodeBodyIsCheckedInOneLine() throws {
        func parse(_ json: String) throws -> LiveStreamCreation { try LiveStreamCreation.parse(Data(json.utf8)) }
        #expect(try parse(#"{"transcode": {"rungs": [360, 720, 480]}}"#).transcode == LiveTranscodeLadder(rungs: [720, 480, 360]))
        #expect(try parse(#"{"transcode": {"rungs": [480], "passthrough": false}}"#).transcode?.passthrough == false)
        #expect(try parse(#"{"transcode": {"rungs": []}}"#).transcode?.rungs == [])
        #expect(try parse(#"{}"#).transcode == nil)
        for (body, says) in [(#"{"transcode": [720]}"#, "must be an object"), (#"{"transcode": {"rungs": [721]}}"#, "even height"),
                             (#"{"transcode": {"rungs": ["720p"]}}"#, "list of heights"), (#"{"transcode": {"rung": [720]}}"#, "no field 'rung'"),
                             (#"{"transcode": {"rungs": [], "passthrough": false}}"#, "no video"),
                             (#"{"transcode": {"rungs": [480], "passthrough": "no"}}"#, "true or false")] {
            #expect { try parse(body) } throws: { error in
                guard case OriginError.badRequest(let message) = error else { return false }
                return message.contains(says) && !message.contains("\n")
            }
        }
    }

    /// After ffmpeg exits the stream is released once its rungs encoded what was queued: on a loaded machine
    /// that can take longer than a passthrough stream's release, so the deadline is longer (a condition
    /// checked until it, not a timing assertion).
    static func waitUntilEncoded(_ port: Int, stream: String) async throws {
        let released = try await eventually(timeout: .seconds(180), poll: .milliseconds(300)) {
            !(try await fetch(port, "/api/v1/live-streams/\(stream)", headers: auth)).text.contains("\"publishing\":true")
        }
        #expect(released, "\(stream) still publishing 180 s after ffmpeg exited")
    }

    /// Start times (`t` of each `S`, expanded over `r`) of every video Representation's SegmentTimeline.
    static func videoTimelines(_ mpd: String) -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        var current: String?
        var next = 0
        for line in mpd.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("<Representation"), line.contains(" width=") {
                current = Self.attribute("id", in: line)
                next = 0
            } else if line.hasPrefix("</Representation") {
                current = nil
            } else if let id = current, line.hasPrefix("<S ") {
                let d = Int(Self.attribute("d", in: line) ?? "0") ?? 0
                let start = Self.attribute("t", in: line).flatMap { Int($0) } ?? next
                let repeats = Int(Self.attribute("r", in: line) ?? "0") ?? 0
                for k in 0...repeats { result[id, default: []].append(start + k * d) }
                next = start + (repeats + 1) * d
            }
        }
        return result
    }

    static func attribute(_ name: String, in line: String) -> String? {
        guard let range = line.range(of: " \(name)=\"") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != "\"" })
    }
}
