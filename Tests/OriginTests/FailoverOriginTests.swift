import Foundation
import Testing
import TestSupport

/// Redundant inputs and per-stream low latency through the binary (issue 15): ffmpeg as both publishers
/// (the primary over RTMP, the backup over SRT), the primary killed with SIGKILL mid-stream. The playlist
/// keeps advancing from the backup with no gap longer than one segment (measured on EXT-X-PROGRAM-DATE-TIME),
/// the numbering continues, ffprobe decodes the segments on both sides of the switch, the switch is in the
/// API and /metrics, and a new primary takes the stream back (`live.failback: auto`); a frozen primary
/// (SIGSTOP: connected but silent) is lost after `live.input_loss_seconds` and back once it resumes.
@Suite(.serialized) struct FailoverOriginTests {
    static let apiKey = "failover-key-0123456789"
    static let segmentSeconds = 2.0

    /// One `#EXTINF` entry of a media playlist with what precedes it.
    struct Entry {
        var number: Int
        var uri: String
        var map: String
        var duration: Double
        var programDateTime: Double?
        var discontinuity: Bool
    }

    struct MediaPlaylist {
        var targetDuration: Int?
        var entries: [Entry] = []

        init(_ text: String) {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            var sequence = 0
            var map = ""
            var duration: Double?
            var date: Double?
            var discontinuity = false
            for line in text.split(separator: "\n").map(String.init) {
                if line.hasPrefix("#EXT-X-TARGETDURATION:") { targetDuration = Int(line.dropFirst(22)) }
                if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") { sequence = Int(line.dropFirst(22)) ?? 0 }
                if line.hasPrefix("#EXT-X-MAP:URI=\"") { map = String(line.dropFirst(16).prefix { $0 != "\"" }) }
                if line.hasPrefix("#EXTINF:") { duration = Double(line.dropFirst(8).prefix { $0 != "," }) }
                if line.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") {
                    date = formatter.date(from: String(line.dropFirst(25)))?.timeIntervalSince1970
                }
                if line == "#EXT-X-DISCONTINUITY" { discontinuity = true }
                if !line.hasPrefix("#"), !line.isEmpty, let length = duration {
                    entries.append(Entry(number: sequence + entries.count, uri: line, map: map, duration: length,
                                         programDateTime: date, discontinuity: discontinuity))
                    duration = nil
                    date = nil
                    discontinuity = false
                }
            }
        }
    }

    static func publisher(_ url: String, format: String, seconds: Int, size: String = "320x180") throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg"] + LiveTestClient.ffmpegArguments(to: url, seconds: seconds, size: size, format: format, audioRate: 48000)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func stream(_ port: Int, _ id: String) async throws -> [String: Any] {
        let response = try await fetch(port, "/api/v1/live-streams/\(id)", headers: LiveTestClient.auth(apiKey))
        return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    static func switches(_ stream: [String: Any]) -> [[String: Any]] {
        stream["inputSwitches"] as? [[String: Any]] ?? []
    }

    static func playlist(_ port: Int, _ path: String) async throws -> MediaPlaylist {
        MediaPlaylist(try await fetch(port, path).text)
    }

    @Test func killingThePrimaryHandsTheStreamToTheBackupAndAutoFailbackReturns() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-failover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey,
                                       extra: ["--set", "live.segment_seconds=2", "--set", "live.hls_window_segments=30"])
        defer { server.terminate() }
        let port = server.port
        let created = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "fo"])
        let key = try #require(created["key"] as? String)
        let backupKey = try #require(created["backupKey"] as? String)
        #expect(backupKey != key && backupKey.count == 48)
        let srtPort = try #require(server.srtPort)
        #expect(created["backupSrtUrl"] as? String == "srt://127.0.0.1:\(srtPort)?streamid=\(backupKey)")
        #expect(created["backupRtmpUrl"] as? String == "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(backupKey)")

        let primary = try Self.publisher("rtmp://127.0.0.1:\(server.rtmpPort)/live/\(key)", format: "flv", seconds: 120)
        defer { if primary.isRunning { primary.terminate() } }
        var backup: Process?
        defer { if let backup, backup.isRunning { backup.terminate() } }
        var returned: Process?
        defer { if let returned, returned.isRunning { returned.terminate() } }

        // Deadlines on conditions, not timed assertions: two segments from the primary, then the backup joins.
        #expect(try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) {
            try await Self.playlist(port, "/live/fo/video.m3u8").entries.count >= 2
        }, "the primary's first segments")
        backup = try Self.publisher("srt://127.0.0.1:\(srtPort)?streamid=\(backupKey)", format: "mpegts", seconds: 120)
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            (try await Self.stream(port, "fo"))["connectedInputs"] as? [String] == ["primary", "backup"]
        }, "the backup connects as a standby")
        let standing = try await Self.playlist(port, "/live/fo/video.m3u8").entries.count
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            try await Self.playlist(port, "/live/fo/video.m3u8").entries.count >= standing + 2
        })
        var status = try await Self.stream(port, "fo")
        #expect(status["hasBackupKey"] as? Bool == true && status["backupKey"] == nil, "GET never shows a key")
        #expect(status["activeInput"] as? String == "primary" && Self.switches(status).isEmpty,
                "the standby's media is not written while the primary runs")

        // SIGKILL the primary encoder mid-segment.
        kill(primary.processIdentifier, SIGKILL)
        await exited(primary, killAfter: 10)
        #expect(try await eventually(timeout: .seconds(20), poll: .milliseconds(100)) {
            Self.switches(try await Self.stream(port, "fo")).count == 1
        }, "the switch to the backup")
        status = try await Self.stream(port, "fo")
        #expect(status["activeInput"] as? String == "backup" && status["connectedInputs"] as? [String] == ["backup"])
        let change = try #require(Self.switches(status).first)
        #expect(change["from"] as? String == "primary" && change["to"] as? String == "backup")
        #expect(change["reason"] as? String == "connection_lost")
        #expect(change["discontinuity"] as? Bool == true, "two encoders started apart: two timelines")
        let switchSegment = try #require(change["segment"] as? Int)

        // The playlist goes on from the backup.
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            try await Self.playlist(port, "/live/fo/video.m3u8").entries.contains { $0.number == switchSegment + 2 }
        }, "the backup's segments follow")
        let afterSwitch = try await fetch(port, "/live/fo/video.m3u8").text
        let listed = MediaPlaylist(afterSwitch)
        #expect(zip(listed.entries, listed.entries.dropFirst()).allSatisfy { $1.number == $0.number + 1 })
        #expect(listed.entries.map(\.uri).allSatisfy { $0.hasPrefix("video/seg-") })
        #expect(listed.entries.map { Int($0.uri.dropFirst(10).dropLast(4)) } == listed.entries.map(\.number),
                "segment names are the media sequence numbers: numbering continues")
        let before = try #require(listed.entries.first { $0.number == switchSegment - 1 })
        let first = try #require(listed.entries.first { $0.number == switchSegment })
        #expect(first.discontinuity && listed.entries.filter(\.discontinuity).map(\.number) == [switchSegment])
        let gap = try #require(first.programDateTime) - (try #require(before.programDateTime) + before.duration)
        #expect(gap < Self.segmentSeconds, "viewer-visible gap at the switch: \(gap) s")
        print("failover: gap between the primary's last segment and the backup's first: \(String(format: "%.3f", gap)) s (segment \(switchSegment))")
        #expect(listed.targetDuration == 2, "\(afterSwitch)")

        // ffprobe decodes the segments on both sides of the switch, each after its own init (EXT-X-MAP).
        let scratch = data.appendingPathComponent("decode")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for rendition in ["video", "audio"] {
            let entries = MediaPlaylist(try await fetch(port, "/live/fo/\(rendition).m3u8").text).entries
            for entry in entries where (switchSegment - 1)...(switchSegment + 1) ~= entry.number {
                let initFile = scratch.appendingPathComponent("\(rendition)-\(entry.number)-init.mp4")
                let segmentFile = scratch.appendingPathComponent("\(rendition)-\(entry.number).m4s")
                try Data(try await fetch(port, "/live/fo/\(entry.map)").body).write(to: initFile)
                try Data(try await fetch(port, "/live/fo/\(entry.uri)").body).write(to: segmentFile)
                let decoded = try await decode(initSegment: initFile, segment: segmentFile, in: scratch)
                #expect(decoded.frames > 0, "\(rendition) segment \(entry.number)")
                if rendition == "video" { #expect(decoded.firstPictureType?.contains("I") == true, "segment \(entry.number) opens on a keyframe") }
            }
        }
        let metrics = try await fetch(port, "/metrics")  // before the failbacks below
        #expect(metrics.text.contains("mediaserve_live_input_switches_total{reason=\"connection_lost\",stream=\"fo\"} 1")
                || metrics.text.contains("mediaserve_live_input_switches_total{stream=\"fo\",reason=\"connection_lost\"} 1"),
                "\(metrics.text.split(separator: "\n").filter { $0.contains("input_switches") })")

        // A primary comes back: after a steady segment duration the stream returns to it at its keyframe.
        returned = try Self.publisher("rtmp://127.0.0.1:\(server.rtmpPort)/live/\(key)", format: "flv", seconds: 120)
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            Self.switches(try await Self.stream(port, "fo")).count == 2
        }, "auto failback")
        status = try await Self.stream(port, "fo")
        let back = try #require(Self.switches(status).last)
        #expect(back["reason"] as? String == "failback" && back["to"] as? String == "primary")
        #expect(status["activeInput"] as? String == "primary")
        let backSegment = try #require(back["segment"] as? Int)
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            try await Self.playlist(port, "/live/fo/video.m3u8").entries.contains { $0.number == backSegment + 1 }
        }, "the returned primary's segments follow")
        // The primary freezes (SIGSTOP: connected, silent): after live.input_loss_seconds the backup takes
        // over again; resumed, the primary gets the stream back.
        kill(try #require(returned?.processIdentifier), SIGSTOP)
        #expect(try await eventually(timeout: .seconds(20), poll: .milliseconds(100)) {
            Self.switches(try await Self.stream(port, "fo")).count == 3
        }, "the silent primary is lost")
        status = try await Self.stream(port, "fo")
        #expect(Self.switches(status).last?["reason"] as? String == "input_loss")
        #expect(status["activeInput"] as? String == "backup" && status["connectedInputs"] as? [String] == ["primary", "backup"])
        kill(try #require(returned?.processIdentifier), SIGCONT)
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            Self.switches(try await Self.stream(port, "fo")).count == 4
        }, "auto failback after the freeze")
        #expect(Self.switches(try await Self.stream(port, "fo")).last?["reason"] as? String == "failback")
        let lastSwitch = try #require(Self.switches(try await Self.stream(port, "fo")).last?["segment"] as? Int)
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            try await Self.playlist(port, "/live/fo/video.m3u8").entries.contains { $0.number == lastSwitch + 1 }
        })
        let final = try await Self.playlist(port, "/live/fo/video.m3u8")
        #expect(zip(final.entries, final.entries.dropFirst()).allSatisfy { $1.number == $0.number + 1 })
        #expect(final.targetDuration == 2, "EXT-X-TARGETDURATION never changed")
        // Both switches are in the DASH MPD as Periods, which passes the schema.
        let mpd = try await fetch(port, "/live/fo/manifest.mpd").text
        #expect(mpd.components(separatedBy: "<Period ").count - 1 >= 5, "\(mpd.prefix(600))")
        try await validateMPD(mpd)
    }

    @Test func manualFailbackIsAskedForThroughTheAPI() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-failback-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey,
                                       extra: ["--set", "live.segment_seconds=2", "--set", "live.failback=manual"])
        defer { server.terminate() }
        let port = server.port
        let created = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "man"])
        let key = try #require(created["key"] as? String)
        let backupKey = try #require(created["backupKey"] as? String)
        let failback = { try await fetch(port, "/api/v1/live-streams/man/failback", method: .POST, headers: LiveTestClient.auth(Self.apiKey)) }
        #expect(try await fetch(port, "/api/v1/live-streams/nope/failback", method: .POST, headers: LiveTestClient.auth(Self.apiKey)).status == 404)
        #expect(try await fetch(port, "/api/v1/live-streams/man/failback", method: .POST).status == 401)

        // The backup alone runs the stream; asking for the primary then is refused with a reason.
        let backup = try Self.publisher("rtmp://127.0.0.1:\(server.rtmpPort)/live/\(backupKey)", format: "flv", seconds: 90)
        defer { if backup.isRunning { backup.terminate() } }
        #expect(try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) {
            try await Self.playlist(port, "/live/man/video.m3u8").entries.count >= 1
        })
        #expect((try await Self.stream(port, "man"))["activeInput"] as? String == "backup")
        let early = try await failback()
        #expect(early.status == 409 && early.text.contains("no publisher on its primary key"), "\(early.text)")

        // A primary connects: under `manual` it stays a standby, however steady, until asked.
        let primary = try Self.publisher("rtmp://127.0.0.1:\(server.rtmpPort)/live/\(key)", format: "flv", seconds: 90)
        defer { if primary.isRunning { primary.terminate() } }
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            (try await Self.stream(port, "man"))["connectedInputs"] as? [String] == ["primary", "backup"]
        })
        let standing = try await Self.playlist(port, "/live/man/video.m3u8").entries.count
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            try await Self.playlist(port, "/live/man/video.m3u8").entries.count >= standing + 2
        })
        #expect(Self.switches(try await Self.stream(port, "man")).isEmpty, "no automatic failback")
        let asked = try await failback()
        #expect(asked.status == 202, "\(asked.text)")
        #expect(try await eventually(timeout: .seconds(20), poll: .milliseconds(100)) {
            Self.switches(try await Self.stream(port, "man")).count == 1
        }, "the switch at the primary's next keyframe")
        let status = try await Self.stream(port, "man")
        #expect(Self.switches(status).first?["reason"] as? String == "manual_failback")
        #expect(status["activeInput"] as? String == "primary")
        let again = try await failback()
        #expect(again.status == 409 && again.text.contains("already on its primary input"))
    }

    @Test func onlyAStreamAskingForLowLatencyGetsParts() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-ll-stream-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey,
                                       extra: ["--set", "live.segment_seconds=2", "--set", "live.low_latency.part_seconds=0.5"])
        defer { server.terminate() }
        let port = server.port
        let plain = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "plain"])
        let quick = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "quick", "lowLatency": true])
        #expect(plain["lowLatency"] as? Bool == false, "live.low_latency.enabled is false by default")
        #expect(quick["lowLatency"] as? Bool == true)
        #expect(try await Self.stream(port, "quick")["lowLatency"] as? Bool == true, "stored and shown in GET")
        let bad = try await fetch(port, "/api/v1/live-streams", method: .POST, headers: LiveTestClient.auth(Self.apiKey),
                                  body: LiveTestClient.json(["lowLatency": "yes"]))
        #expect(bad.status == 400 && bad.text.contains("lowLatency must be true or false"))
        var publishers: [Process] = []
        defer { for publisher in publishers where publisher.isRunning { publisher.terminate() } }
        for stream in [plain, quick] {
            let key = try #require(stream["key"] as? String)
            publishers.append(try Self.publisher("rtmp://127.0.0.1:\(server.rtmpPort)/live/\(key)", format: "flv", seconds: 40))
        }
        var targets: Set<Int> = []
        #expect(try await eventually(timeout: .seconds(60), poll: .milliseconds(250)) {
            let quickText = try await fetch(port, "/live/quick/video.m3u8").text
            let plainText = try await fetch(port, "/live/plain/video.m3u8").text
            for text in [quickText, plainText] { if let target = MediaPlaylist(text).targetDuration { targets.insert(target) } }
            return MediaPlaylist(quickText).entries.count >= 3 && MediaPlaylist(plainText).entries.count >= 3
        })
        let quickText = try await fetch(port, "/live/quick/video.m3u8").text
        let plainText = try await fetch(port, "/live/plain/video.m3u8").text
        #expect(quickText.contains("#EXT-X-PART:") && quickText.contains("#EXT-X-PART-INF:PART-TARGET=0.5"))
        #expect(quickText.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES"))
        #expect(!plainText.contains("#EXT-X-PART") && !plainText.contains("#EXT-X-SERVER-CONTROL"), "\(plainText)")
        #expect(try await fetch(port, "/live/plain/video.m3u8?_HLS_msn=1").text.contains("#EXT-X-PART") == false)
        #expect(targets == [2], "EXT-X-TARGETDURATION stays at the 2 s target on every poll: \(targets)")
        let quickMPD = try await fetch(port, "/live/quick/manifest.mpd").text
        let plainMPD = try await fetch(port, "/live/plain/manifest.mpd").text
        #expect(quickMPD.contains("availabilityTimeComplete=\"false\"") && !plainMPD.contains("availabilityTimeComplete"))
        try await validateMPD(plainMPD)
    }
}
