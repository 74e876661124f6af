import Foundation
import Testing
import TestSupport
@testable import Origin

/// Low-latency HLS through the binary (issue 15): ffmpeg publishing over RTMP to a server with
/// `live.low_latency.enabled`, 2 s segments and 0.5 s parts. A blocking playlist reload is held until the
/// part it names exists and then lists it; a part asked for early is held too; requests too far ahead get
/// 400, requests nothing will satisfy 503, and the cache headers follow the LL-HLS CDN rules.
@Suite(.serialized) struct LowLatencyOriginTests {
    static let apiKey = "ll-key-0123456789"

    /// `part-<n>.<k>.m4s` -> (n, k).
    static func partNumbers(_ uri: Substring) -> (Int, Int)? {
        guard let name = uri.split(separator: "/").last, name.hasPrefix("part-") else { return nil }
        let pieces = name.dropFirst(5).dropLast(4).split(separator: ".")
        guard pieces.count == 2, let n = Int(pieces[0]), let k = Int(pieces[1]) else { return nil }
        return (n, k)
    }

    static func attribute(_ name: String, in line: Substring) -> Substring? {
        guard let range = line.range(of: name + "=\"") else { return nil }
        return line[range.upperBound...].prefix { $0 != "\"" }
    }

    static func segmentNumbers(_ playlist: String) -> [Int] {
        playlist.split(separator: "\n").filter { $0.hasSuffix(".m4s") && !$0.hasPrefix("#") }
            .compactMap { Int($0.split(separator: "-").last?.dropLast(4) ?? "") }
    }

    @Test func blockingReloadIsHeldUntilItsPartExists() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-ll-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey,
                                       extra: ["--set", "live.low_latency.enabled=true", "--set", "live.segment_seconds=2",
                                               "--set", "live.low_latency.part_milliseconds=500"])
        defer { server.terminate() }
        let port = server.port
        let stream = try await LiveTestClient.createStream(port, apiKey: Self.apiKey, ["id": "ll"])
        let key = try #require(stream["key"] as? String)
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Two minutes of media, stopped by the test below: on a loaded machine the steps before the growing segment
        // have taken longer than 30 s, and then there was no open segment left to ask for (CI, session 7).
        publisher.arguments = ["ffmpeg"] + LiveTestClient.ffmpegArguments(to: "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(key)", seconds: 120)
        publisher.standardOutput = FileHandle.nullDevice
        publisher.standardError = FileHandle.nullDevice
        try publisher.run()
        defer { if publisher.isRunning { publisher.terminate() } }

        // The first segment (2 s) and its parts: checked until a deadline, not timed.
        let appeared = try await eventually(timeout: .seconds(60), poll: .milliseconds(200)) {
            let response = try await fetch(port, "/live/ll/video.m3u8")
            // Parts, and the audio rendition listed too (its first segment ends just after the video's).
            return response.status == 200 && response.text.contains("#EXT-X-PART:")
                && response.text.contains("#EXT-X-RENDITION-REPORT:URI=\"audio.m3u8\"")
        }
        try #require(appeared, "no low-latency playlist within 60 s")
        let plain = try await fetch(port, "/live/ll/video.m3u8")
        #expect(plain.header("Cache-Control") == "public, max-age=1, s-maxage=1", "non-blocking: about one part")
        #expect(plain.text.contains("#EXT-X-VERSION:9"))
        #expect(plain.text.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12,PART-HOLD-BACK=1.5"))
        #expect(plain.text.contains("#EXT-X-PART-INF:PART-TARGET=0.5"))
        #expect(plain.text.contains("#EXT-X-RENDITION-REPORT:URI=\"audio.m3u8\",LAST-MSN="))
        let lines = plain.text.split(separator: "\n")
        let hint = try #require(lines.first { $0.hasPrefix("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=") })
        let hintURI = try #require(Self.attribute("URI", in: hint))
        let (hintSegment, _) = try #require(Self.partNumbers(hintURI))
        let newest = try #require(Self.segmentNumbers(plain.text).last)
        #expect(hintSegment == newest + 1)

        // Part 0 of the segment after the open one: it cannot exist before the open segment is cut (2 s of
        // media), so the server must hold the request, then answer with a playlist that lists it.
        let target = hintSegment + 1
        #expect(!plain.text.contains("part-\(target).0.m4s"))
        let held = try await fetch(port, "/live/ll/video.m3u8?_HLS_msn=\(target)&_HLS_part=0")
        #expect(held.status == 200, "\(held.text)")
        #expect(held.text.contains("URI=\"video/part-\(target).0.m4s\""), "the held playlist lists the part it waited for")
        #expect(Self.segmentNumbers(held.text).contains(hintSegment), "and the segment that had to finish first")
        #expect(held.header("Cache-Control") == "public, max-age=12, s-maxage=12", "blocking: keyed on _HLS_* by the CDN")
        let part = try await fetch(port, "/live/ll/video/part-\(target).0.m4s")
        #expect(part.status == 200 && part.header("Cache-Control") == "public, max-age=31536000, immutable")
        #expect(part.header("Content-Type") == "video/iso.segment")

        // The hinted part of the next segment, asked for before it exists, is held and then served.
        let early = try await fetch(port, "/live/ll/video/part-\(target + 1).0.m4s")
        #expect(early.status == 200, "a part asked for early is held until it is written")
        #expect(early.body.count > 8 && Array(early.body[4..<8]) == Array("moof".utf8))

        // LL-DASH: the dynamic MPD announces chunked CMAF (and passes the DASH schema); the segment being
        // written, asked for early, is sent as it grows and is byte for byte the finished segment.
        let mpd = try await fetch(port, "/live/ll/manifest.mpd")
        let offset = try #require(Self.attribute("availabilityTimeOffset", in: mpd.text[...]).flatMap { Double($0) })
        #expect(offset >= 1.5 && offset < 2, "the longest segment (2 s and a little audio) less one 0.5 s part: \(offset)")
        #expect(mpd.text.contains("availabilityTimeComplete=\"false\""))
        #expect(mpd.text.contains("<ServiceDescription id=\"0\">") && mpd.text.contains("<Latency referenceId=\"0\" target=\"2000\""))
        try await validateMPD(mpd.text)
        // On a loaded machine the open segment may be finished before the request reaches the origin (then it
        // is served whole, with a length, which is right too): ask again for the next open one, a few times.
        var open = 0
        var growing = try await fetch(port, "/live/ll/video.m3u8")
        for _ in 0..<4 {
            try #require(publisher.isRunning, "the publisher finished before an open segment was asked for")
            let current = try await fetch(port, "/live/ll/video.m3u8")
            open = try #require(Self.segmentNumbers(current.text).last) + 1
            growing = try await fetch(port, "/live/ll/video/seg-\(open).m4s")
            if growing.status != 200 || growing.header("Content-Length") == nil { break }
        }
        #expect(growing.status == 200, "\(growing.text.prefix(200))")
        #expect(growing.header("Content-Length") == nil, "sent while it grows: chunked, no length up front")
        let finished = try await fetch(port, "/live/ll/video/seg-\(open).m4s")
        #expect(finished.status == 200 && finished.header("Content-Length") == String(finished.body.count))
        #expect(growing.body == finished.body, "the growing response is the finished segment")

        // Beyond the next two segments: 400 at once.
        let tooFar = try await fetch(port, "/live/ll/video.m3u8?_HLS_msn=\(target + 50)&_HLS_part=0")
        #expect(tooFar.status == 400)
        #expect(try await fetch(port, "/live/ll/video.m3u8?_HLS_part=1").status == 400, "_HLS_part without _HLS_msn")

        // A delta update once the window is longer than the skip boundary (12 s of 2 s segments): follow
        // the stream with blocking reloads, one segment at a time, as a player does.
        for msn in (target + 1)..<max(target + 1, 9) {
            #expect(try await fetch(port, "/live/ll/video.m3u8?_HLS_msn=\(msn)").status == 200)
        }
        let later = try await fetch(port, "/live/ll/video.m3u8?_HLS_msn=\(max(target, 9))&_HLS_skip=YES")
        #expect(later.status == 200)
        #expect(later.text.contains("#EXT-X-SKIP:SKIPPED-SEGMENTS="), "\(later.text)")

        // After the publisher stops nothing new comes: a blocking reload for the next segment gets 503
        // after about three target durations.
        await stop(publisher)
        try await LiveTestClient.waitUntilNotPublishing(port, apiKey: Self.apiKey)
        let last = try await fetch(port, "/live/ll/video.m3u8")
        let end = try #require(Self.segmentNumbers(last.text).last)
        let stalled = try await fetch(port, "/live/ll/video.m3u8?_HLS_msn=\(end + 1)&_HLS_part=3")
        #expect(stalled.status == 503, "\(stalled.text)")
    }
}
