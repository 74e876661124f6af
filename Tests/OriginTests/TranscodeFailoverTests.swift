import Foundation
import Testing
import TestSupport

/// Redundant inputs of a TRANSCODED stream (issue 15): the primary (RTMP) is killed with SIGKILL while the
/// backup (SRT) stands by; the backup takes over and every rung of the ladder keeps advancing: each
/// rendition lists the same segment numbers as the source, with no gap in numbering, the discontinuity at
/// the same segment, no viewer-visible gap longer than one segment (program date times), the same program
/// date times as the source, and the segments on both sides of the switch decode at the rung's size.
@Suite(.serialized) struct TranscodeFailoverTests {
    static let apiKey = FailoverOriginTests.apiKey
    typealias Playlist = FailoverOriginTests.MediaPlaylist

    static func publisher(_ url: String, format: String) throws -> Process {
        try FailoverOriginTests.publisher(url, format: format, seconds: 120, size: "640x360")
    }

    @Test func killingThePrimaryKeepsEveryRungAdvancingFromTheBackup() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-tfailover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey,
                                       extra: ["--set", "live.segment_seconds=2", "--set", "live.hls_window_segments=30",
                                               "--set", "live.transcode.max_lag_ms=600000"])
        defer { server.terminate() }
        let port = server.port
        let srtPort = try #require(server.srtPort)
        let created = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "tf", "transcode": ["rungs": [270, 180]]])
        let key = try #require(created["key"] as? String)
        let backupKey = try #require(created["backupKey"] as? String)
        let renditions = ["video": "640x360", "video-270p": "480x270", "video-180p": "320x180"]

        let primary = try Self.publisher("rtmp://127.0.0.1:\(server.rtmpPort)/live/\(key)", format: "flv")
        defer { if primary.isRunning { primary.terminate() } }
        var backup: Process?
        defer { if let backup, backup.isRunning { backup.terminate() } }
        // Deadlines on conditions, not timed assertions.
        func counts() async throws -> [Int] {
            var counts: [Int] = []
            for name in renditions.keys { counts.append(try await FailoverOriginTests.playlist(port, "/live/tf/\(name).m3u8").entries.count) }
            return counts
        }
        #expect(try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) { try await counts().allSatisfy { $0 >= 2 } },
                "every rung's first segments from the primary")
        backup = try Self.publisher("srt://127.0.0.1:\(srtPort)?streamid=\(backupKey)", format: "mpegts")
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            (try await FailoverOriginTests.stream(port, "tf"))["connectedInputs"] as? [String] == ["primary", "backup"]
        }, "the backup connects as a standby")
        let standing = try await FailoverOriginTests.playlist(port, "/live/tf/video.m3u8").entries.count
        #expect(try await eventually(timeout: .seconds(30), poll: .milliseconds(200)) {
            try await FailoverOriginTests.playlist(port, "/live/tf/video.m3u8").entries.count >= standing + 1
        })

        kill(primary.processIdentifier, SIGKILL)
        await exited(primary, killAfter: 10)
        #expect(try await eventually(timeout: .seconds(20), poll: .milliseconds(100)) {
            FailoverOriginTests.switches(try await FailoverOriginTests.stream(port, "tf")).count == 1
        }, "the switch to the backup")
        let status = try await FailoverOriginTests.stream(port, "tf")
        let change = try #require(FailoverOriginTests.switches(status).first)
        let switchSegment = try #require(change["segment"] as? Int)
        let transcoding = status["transcoding"] as? [String: Any] ?? [:]
        #expect(transcoding["active"] as? [Int] == [270, 180] && (transcoding["shed"] as? [Int])?.isEmpty == true, "\(transcoding)")

        // Every rendition goes on from the backup: two segments after the switch on each.
        #expect(try await eventually(timeout: .seconds(40), poll: .milliseconds(200)) {
            for name in renditions.keys where !(try await FailoverOriginTests.playlist(port, "/live/tf/\(name).m3u8").entries
                .contains { $0.number == switchSegment + 2 }) { return false }
            return true
        }, "every rung's segments follow the switch")
        let source = try await FailoverOriginTests.playlist(port, "/live/tf/video.m3u8")
        let sourceByNumber = Dictionary(uniqueKeysWithValues: source.entries.map { ($0.number, $0) })
        let scratch = data.appendingPathComponent("decode")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for (name, size) in renditions.sorted(by: { $0.key < $1.key }) {
            let listed = try await FailoverOriginTests.playlist(port, "/live/tf/\(name).m3u8")
            let numbers = listed.entries.map(\.number).filter { $0 <= switchSegment + 2 }
            #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }, "\(name): numbering continues: \(numbers)")
            #expect(numbers == source.entries.map(\.number).filter { $0 <= switchSegment + 2 && $0 >= numbers.first ?? 0 },
                    "\(name) lists the source's numbers: \(numbers)")
            #expect(listed.entries.filter(\.discontinuity).map(\.number) == [switchSegment], "\(name): one discontinuity, at the switch")
            let before = try #require(listed.entries.first { $0.number == switchSegment - 1 }, "\(name) has the segment before the switch")
            let after = try #require(listed.entries.first { $0.number == switchSegment }, "\(name) has the switch's segment")
            let gap = try #require(after.programDateTime) - (try #require(before.programDateTime) + before.duration)
            #expect(gap < 2.0, "\(name): viewer-visible gap at the switch: \(gap) s")
            // Aligned with the source: the same start (program date time) for every segment it lists.
            for entry in listed.entries where entry.number <= switchSegment + 2 {
                let twin = try #require(sourceByNumber[entry.number])
                #expect(abs((entry.programDateTime ?? 0) - (twin.programDateTime ?? 0)) < 0.001
                        && abs(entry.duration - twin.duration) < 0.05,
                        "\(name) segment \(entry.number): \(entry.programDateTime ?? 0)+\(entry.duration) vs source \(twin.programDateTime ?? 0)+\(twin.duration)")
            }
            for entry in listed.entries where (switchSegment - 1)...(switchSegment + 1) ~= entry.number {
                let initFile = scratch.appendingPathComponent("\(name)-\(entry.number)-init.mp4")
                let segmentFile = scratch.appendingPathComponent("\(name)-\(entry.number).m4s")
                try Data(try await fetch(port, "/live/tf/\(entry.map)").body).write(to: initFile)
                try Data(try await fetch(port, "/live/tf/\(entry.uri)").body).write(to: segmentFile)
                let decoded = try await decode(initSegment: initFile, segment: segmentFile, in: scratch)
                #expect(decoded.frames > 0 && decoded.firstPictureType?.contains("I") == true, "\(name) segment \(entry.number): \(decoded)")
                let probe = try await runAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                                                           "-of", "csv=p=0:s=x", initFile.path])
                #expect(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == size, "\(name): \(probe.stdout)")
            }
        }
    }
}
