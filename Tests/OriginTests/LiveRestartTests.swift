import Foundation
import Testing
import TestSupport
@testable import Origin

/// Live streams across `mediaserve serve` restarts, through the binary: the DVR index comes back from the
/// journal after a graceful stop and after SIGKILL, players get the old segments (ended presentation),
/// archives still work, and a new publisher continues the numbering after a discontinuity. Also an
/// encoder that comes back with another picture size: a second init under its own name.
@Suite(.serialized) struct LiveRestartTests {
    static let key = "live-restart-key-0123456789"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")] }

    @Test func indexSurvivesGracefulStopAndKill() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-restart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var server = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        let created = try await Self.create(server.port, ["id": "cam", "dvr_window_seconds": 3600])
        let key = try #require(created["key"] as? String)
        let first = try await runAsync("ffmpeg", Self.publish(server.rtmpPort, key, seconds: 8))
        #expect(first.status == 0, "ffmpeg: \(first.stderr)")
        try await Self.waitUntilNotPublishing(server.port)
        let before = try await Self.segmentLines(server.port, "video")
        #expect(before == ["video/seg-1.m4s", "video/seg-2.m4s"])

        // Graceful stop, new process on the same data directory: the same segments, now an ended stream.
        server.terminate()
        server = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        let playlist = try await fetch(server.port, "/live/cam/video.m3u8")
        #expect(playlist.status == 200, "after a graceful restart: \(playlist.text)")
        #expect(try await Self.segmentLines(server.port, "video") == before)
        #expect(playlist.text.contains("#EXT-X-ENDLIST"))
        #expect(try await fetch(server.port, "/live/cam/manifest.mpd").text.contains("type=\"static\""))
        try await Self.expectDecodes(server.port, "/live/cam/master.m3u8")
        let archive = try await fetch(server.port, "/api/v1/live-streams/cam/archive", method: .POST, headers: Self.auth,
                                      body: Self.json(["asset_id": "cam-vod"]))
        #expect(archive.status == 201, "archive after restart: \(archive.text)")
        try await Self.expectDecodes(server.port, "/vod/cam-vod/master.m3u8")

        // A new publisher continues after segment 2 with a discontinuity and its own init; SIGKILL while
        // it publishes (no shutdown path runs).
        let port = server.port, rtmpPort = server.rtmpPort
        async let second = runAsync("ffmpeg", Self.publish(rtmpPort, key, seconds: 20))
        var during: [String] = []
        for _ in 0..<60 where during.count < 4 {
            try await Task.sleep(for: .milliseconds(500))
            during = (try? await Self.segmentLines(port, "video")) ?? []
        }
        server.kill()
        _ = try await second
        #expect(Array(during.prefix(4)) == ["video/seg-1.m4s", "video/seg-2.m4s", "video/seg-3.m4s", "video/seg-4.m4s"])

        // Damage on top: a garbage journal line and a lost segment file cost only themselves.
        let journal = try FileHandle(forWritingTo: data.appendingPathComponent("live/cam/.index.jsonl"))
        try journal.seekToEnd()
        try journal.write(contentsOf: Data("{\"kind\":\"segment\",\"garbage\n".utf8))
        try journal.close()
        try FileManager.default.removeItem(at: data.appendingPathComponent("live/cam/video/seg-1.m4s"))

        server = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        let afterKill = try await fetch(server.port, "/live/cam/video.m3u8")
        let listed = try await Self.segmentLines(server.port, "video")
        #expect(Array(listed.prefix(3)) == Array(during[1..<4]), "after SIGKILL: \(afterKill.text)")
        #expect(try await Self.segmentLines(server.port, "audio").first == "audio/seg-2.m4s", "renditions stay aligned")
        #expect(afterKill.text.contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"video/init-3.mp4\""))
        #expect(afterKill.text.hasPrefix("#EXTM3U") && afterKill.text.contains("#EXT-X-MAP:URI=\"video/init-1.mp4\""))
        #expect(try await fetch(server.port, "/live/cam/video/seg-1.m4s").status == 404)
        let endedMPD = try await fetch(server.port, "/live/cam/manifest.mpd").text
        #expect(endedMPD.contains("type=\"static\"") && endedMPD.contains("initialization=\"video/init-3.mp4\""), "\(endedMPD)")
        try await validateMPD(endedMPD)
        try await Self.expectDecodes(server.port, "/live/cam/master.m3u8")

        // A third run's publisher numbers after everything before and is flagged once more.
        let highest = listed.compactMap { Int($0.split(separator: "-").last!.dropLast(4)) }.max()!
        let third = try await runAsync("ffmpeg", Self.publish(server.rtmpPort, key, seconds: 3))
        #expect(third.status == 0, "ffmpeg: \(third.stderr)")
        try await Self.waitUntilNotPublishing(server.port)
        let final = try await fetch(server.port, "/live/cam/video.m3u8")
        let numbers = try await Self.segmentLines(server.port, "video").compactMap { Int($0.split(separator: "-").last!.dropLast(4)) }
        #expect(numbers.last.map { $0 > highest } == true, "\(final.text)")
        #expect(final.text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 3, "\(final.text)")
        try await Self.expectDecodes(server.port, "/live/cam/master.m3u8")
        server.terminate()
    }

    /// 640x360, disconnect, 1280x720 on the same key: two init files with their own names, both served,
    /// two EXT-X-MAPs and two DASH Periods, and players decode across the switch. The stream's own DVR
    /// window (not the global two hours) is the MPD's timeShiftBufferDepth.
    @Test func encoderChangeGetsASecondInit() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-reinit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        defer { server.terminate() }
        let port = server.port
        let created = try await Self.create(port, ["id": "sizes", "dvr_window_seconds": 120])
        let key = try #require(created["key"] as? String)

        async let small = runAsync("ffmpeg", Self.publish(server.rtmpPort, key, seconds: 8, size: "640x360"))
        var liveMPD = ""
        for _ in 0..<40 where !liveMPD.contains("type=\"dynamic\"") {
            try await Task.sleep(for: .milliseconds(500))
            liveMPD = (try? await fetch(port, "/live/sizes/manifest.mpd"))?.text ?? ""
        }
        #expect(liveMPD.contains("timeShiftBufferDepth=\"PT120S\""), "the stream's own window: \(liveMPD)")
        #expect(try await small.status == 0)
        try await Self.waitUntilNotPublishing(port)
        let large = try await runAsync("ffmpeg", Self.publish(server.rtmpPort, key, seconds: 8, size: "1280x720"))
        #expect(large.status == 0, "ffmpeg: \(large.stderr)")
        try await Self.waitUntilNotPublishing(port)

        let playlist = try await fetch(port, "/live/sizes/video.m3u8").text
        let maps = playlist.split(separator: "\n").filter { $0.hasPrefix("#EXT-X-MAP:") }
        #expect(maps == ["#EXT-X-MAP:URI=\"video/init-1.mp4\"", "#EXT-X-MAP:URI=\"video/init-3.mp4\""], "\(playlist)")
        for name in ["init-1.mp4", "init-3.mp4"] {
            let file = try await fetch(port, "/live/sizes/video/\(name)")
            #expect(file.status == 200 && file.header("Content-Type") == "video/mp4")
            #expect(file.header("Cache-Control") == "public, max-age=31536000, immutable")
        }
        #expect(try await fetch(port, "/live/sizes/video/init.mp4").status == 404)
        #expect(try await fetch(port, "/live/sizes/video/init-01.mp4").status == 404)
        let mpd = try await fetch(port, "/live/sizes/manifest.mpd").text
        #expect(mpd.contains("initialization=\"video/init-1.mp4\"") && mpd.contains("initialization=\"video/init-3.mp4\""))
        try await validateMPD(mpd)

        // What a player does at the switch: each EXT-X-MAP's init, then the segments after it, all over
        // HTTP. (ffmpeg's own HLS demuxer feeds a changed init to the demuxer it already opened and keeps
        // the old parameters, so it cannot be the player here.)
        let groups = try await Self.decodeByInit(port, "/live/sizes/", playlist: playlist)
        #expect(groups == [["640x360"], ["1280x720"]], "decoded frame sizes per init: \(groups)")

        // An archive cannot mix the two inits in one VOD rendition: refused with where to split.
        let mixed = try await fetch(port, "/api/v1/live-streams/sizes/archive", method: .POST, headers: Self.auth,
                                    body: Self.json(["asset_id": "sizes-all"]))
        #expect(mixed.status == 400 && mixed.text.contains("encoder change"), "\(mixed.text)")
        let second = try await fetch(port, "/api/v1/live-streams/sizes/archive", method: .POST, headers: Self.auth,
                                     body: Self.json(["asset_id": "sizes-720", "start": 8.5]))
        #expect(second.status == 201, "\(second.text)")
        let archived = try await Self.decodedSizes(port, "/vod/sizes-720/master.m3u8")
        #expect(!archived.isEmpty && archived.allSatisfy { $0 == "1280x720" }, "\(archived)")
    }

    // MARK: Helpers

    static func publish(_ rtmpPort: Int, _ key: String, seconds: Int, size: String = "320x180") -> [String] {
        LiveTestClient.ffmpegArguments(to: "rtmp://127.0.0.1:\(rtmpPort)/live/\(key)", seconds: seconds, size: size)
    }

    static func create(_ port: Int, _ body: [String: Any]) async throws -> [String: Any] {
        try await LiveTestClient.createStream(port, apiKey: key, body)
    }

    static func json(_ object: [String: Any]) -> [UInt8] { LiveTestClient.json(object) }

    /// The segment URIs of `/live/cam/<rendition>.m3u8`.
    static func segmentLines(_ port: Int, _ rendition: String, stream: String = "cam") async throws -> [String] {
        let response = try await fetch(port, "/live/\(stream)/\(rendition).m3u8")
        guard response.status == 200 else { return [] }
        return response.text.split(separator: "\n").filter { $0.hasSuffix(".m4s") }.map(String.init)
    }

    static func waitUntilNotPublishing(_ port: Int) async throws {
        try await LiveTestClient.waitUntilNotPublishing(port, apiKey: key)
    }

    /// ffmpeg reads the whole presentation over HTTP (video and audio) without a single error line.
    static func expectDecodes(_ port: Int, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await runAsync("ffmpeg", ["-v", "error", "-i", "http://127.0.0.1:\(port)\(path)",
                                                   "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-"])
        #expect(result.status == 0 && result.stderr.isEmpty, "decode \(path): \(result.stderr)", sourceLocation: sourceLocation)
    }

    /// For each EXT-X-MAP of a media playlist: its init and the segments after it fetched over HTTP,
    /// joined, and decoded by ffprobe (no error allowed); returns the distinct frame sizes of each group.
    static func decodeByInit(_ port: Int, _ base: String, playlist: String) async throws -> [[String]] {
        var groups: [(initURI: String, segments: [String])] = []
        for line in playlist.split(separator: "\n").map(String.init) {
            if line.hasPrefix("#EXT-X-MAP:URI=\"") {
                groups.append((String(line.dropFirst(16).dropLast()), []))
            } else if !line.hasPrefix("#"), !groups.isEmpty {
                groups[groups.count - 1].segments.append(line)
            }
        }
        var sizes: [[String]] = []
        for group in groups {
            var bytes = try await fetch(port, base + group.initURI).body
            for segment in group.segments { bytes += try await fetch(port, base + segment).body }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID().uuidString).mp4")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(bytes).write(to: file)
            let probe = try await runAsync("ffprobe", ["-v", "error", "-show_entries", "frame=width,height", "-of", "csv=p=0:s=x", file.path])
            #expect(probe.status == 0 && probe.stderr.isEmpty, "\(group.initURI) + \(group.segments): \(probe.stderr)")
            var distinct: [String] = []
            for line in probe.stdout.split(separator: "\n").map({ String($0).trimmingCharacters(in: CharacterSet(charactersIn: "x")) })
            where !distinct.contains(line) { distinct.append(line) }
            sizes.append(distinct)
        }
        return sizes
    }

    /// Distinct `WxH` of the video frames ffprobe decodes from `path`, in order of appearance.
    static func decodedSizes(_ port: Int, _ path: String) async throws -> [String] {
        let result = try await runAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width,height",
                                                    "-of", "csv=p=0:s=x", "http://127.0.0.1:\(port)\(path)"])
        #expect(result.status == 0 && result.stderr.isEmpty, "ffprobe \(path): \(result.stderr)")
        var sizes: [String] = []
        for line in result.stdout.split(separator: "\n").map({ String($0).trimmingCharacters(in: CharacterSet(charactersIn: "x")) })
        where !sizes.contains(line) { sizes.append(line) }
        return sizes
    }
}
