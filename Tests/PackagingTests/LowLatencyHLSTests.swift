import MediaCore
import Testing
@testable import Packaging

/// LL-HLS media playlists (issue 15; draft-pantos-hls-rfc8216bis): parts of the newest segments and of
/// the open one, server control, the preload hint, rendition reports and delta updates. Goldens were
/// checked by hand against the draft; the facts that matter are asserted as well.
@Suite struct LowLatencyHLSTests {
    /// 1 s parts of segments `numbers` (6 s each, as `Synthetic.live` lays them out), and `openParts` parts
    /// of the segment after the last one; the parts of 2 s GOPs open with a keyframe every other second.
    static func parts(_ renditions: [RenditionIndex], numbers: ClosedRange<Int>, openParts: Int,
                      openDiscontinuity: Bool = false, openInit: Int? = nil) -> [SafeName: [PartInfo]] {
        var result: [SafeName: [PartInfo]] = [:]
        for index in renditions {
            let ts = Int64(index.rendition.timescale)
            let audio = index.rendition.kind == .audio
            var list: [PartInfo] = []
            for segment in index.segments where numbers.contains(segment.number) {
                var start = segment.start, k = 0
                while start < segment.start + segment.duration {
                    let duration = min(ts, segment.start + segment.duration - start)
                    list.append(PartInfo(segment: segment.number, index: k, start: start, duration: duration,
                                         independent: audio || k % 2 == 0, initNumber: segment.initNumber))
                    start += duration; k += 1
                }
            }
            if let last = index.segments.last {
                for k in 0..<openParts {
                    list.append(PartInfo(segment: last.number + 1, index: k, start: last.start + last.duration + Int64(k) * ts, duration: ts,
                                         independent: audio || k % 2 == 0, discontinuity: openDiscontinuity,
                                         initNumber: openInit ?? last.initNumber))
                }
            }
            result[index.rendition.id] = list
        }
        return result
    }

    static func request(skip: Bool = false, kind: PresentationKind = .liveSlidingWindow) -> ManifestRequest {
        let renditions = Synthetic.live(firstNumber: 1, count: 12)
        return ManifestRequest(renditions: renditions, kind: kind, now: Synthetic.ast + 12 * 6 + 2.2,
                               availabilityStartTime: Synthetic.ast, urls: ManifestURLs(utcTimingURL: "/time"),
                               lowLatency: LowLatencyHLS(partTarget: 1, parts: parts(renditions, numbers: 8...12, openParts: 2), skip: skip))
    }

    @Test func partsServerControlHintAndReports() throws {
        let set = try ManifestSet(Self.request(), label: "low-latency")
        try set.checkGolden("low-latency", media: ["video-360p", "audio-aac"])
        let text = try #require(set.text("video-360p"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1] == "#EXT-X-VERSION:9")
        #expect(lines.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=36,PART-HOLD-BACK=3"))
        #expect(lines.contains("#EXT-X-PART-INF:PART-TARGET=1"))
        let parts = lines.filter { $0.hasPrefix("#EXT-X-PART:") }
        // The last three complete segments (10, 11, 12) with six parts each, then two of the open segment 13.
        #expect(parts.count == 3 * 6 + 2)
        #expect(parts.first == "#EXT-X-PART:DURATION=1.000,URI=\"video-360p/part-10.0.m4s\",INDEPENDENT=YES")
        #expect(parts.last == "#EXT-X-PART:DURATION=1.000,URI=\"video-360p/part-13.1.m4s\"")
        // Each complete segment's parts come right before its EXTINF and URI.
        let seg12 = try #require(lines.firstIndex(of: "video-360p/seg-12.m4s"))
        #expect(lines[seg12 - 2] == "#EXT-X-PART:DURATION=1.000,URI=\"video-360p/part-12.5.m4s\"")
        #expect(lines[seg12 + 1].hasPrefix("#EXT-X-PART:") && lines[seg12 + 1].contains("part-13.0.m4s"))
        #expect(lines.contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"video-360p/part-13.2.m4s\""))
        #expect(lines.filter { $0.hasPrefix("#EXT-X-RENDITION-REPORT:") }.sorted() == [
            "#EXT-X-RENDITION-REPORT:URI=\"audio-aac.m3u8\",LAST-MSN=13,LAST-PART=1",
            "#EXT-X-RENDITION-REPORT:URI=\"video-720p.m3u8\",LAST-MSN=13,LAST-PART=1",
        ])
        #expect(!text.contains("#EXT-X-SKIP"), "no delta unless asked")
    }

    @Test func deltaUpdateSkipsSegmentsOlderThanSixTargetDurations() throws {
        let set = try ManifestSet(Self.request(skip: true), label: "low-latency delta")
        try Golden.check(try #require(set.text("video-360p")), "low-latency-delta.video-360p.m3u8")
        let video = try #require(set.playlist("video-360p"))
        // Ten segments listed (3...12), ending at 72 s: those ending by 72 - 36 = 36 s (3...6) are skipped.
        #expect(video.mediaSequence == 3)
        #expect(try #require(set.text("video-360p")).contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n"))
        #expect(video.segments.map(\.uri) == (7...12).map { "video-360p/seg-\($0).m4s" })
    }

    @Test func theOpenSegmentAfterAReconnectAnnouncesItsDiscontinuityAndInit() throws {
        var renditions = Synthetic.live(firstNumber: 1, count: 4)
        for i in renditions.indices { renditions[i].segments = renditions[i].segments.map { var s = $0; s.initNumber = 1; return s } }
        let request = ManifestRequest(renditions: renditions, kind: .liveSlidingWindow, now: Synthetic.ast + 25,
                                      availabilityStartTime: Synthetic.ast,
                                      lowLatency: LowLatencyHLS(partTarget: 1, parts: Self.parts(renditions, numbers: 2...4, openParts: 1,
                                                                                               openDiscontinuity: true, openInit: 5)))
        let text = try Presentation(request).hlsMediaPlaylist(for: Synthetic.name("video-360p"))
        let lines = text.split(separator: "\n").map(String.init)
        let seg4 = try #require(lines.firstIndex(of: "video-360p/seg-4.m4s"))
        #expect(Array(lines[(seg4 + 1)...(seg4 + 3)]) == [
            "#EXT-X-DISCONTINUITY", "#EXT-X-MAP:URI=\"video-360p/init-5.mp4\"",
            "#EXT-X-PART:DURATION=1.000,URI=\"video-360p/part-5.0.m4s\",INDEPENDENT=YES",
        ])
    }

    @Test func aSegmentWhosePartsAreNotAllHeldListsNone() throws {
        let renditions = Synthetic.live(firstNumber: 1, count: 4)
        var parts = Self.parts(renditions, numbers: 2...4, openParts: 0)
        let id = Synthetic.name("video-360p")
        parts[id]!.removeAll { $0.segment == 3 && $0.index == 0 }
        let request = ManifestRequest(renditions: renditions, kind: .liveSlidingWindow, now: Synthetic.ast + 25,
                                      availabilityStartTime: Synthetic.ast, lowLatency: LowLatencyHLS(partTarget: 1, parts: parts))
        let text = try Presentation(request).hlsMediaPlaylist(for: id)
        #expect(!text.contains("part-3."), "segment 3 lost its first part: listed whole only")
        #expect(text.contains("part-2.0.m4s") && text.contains("part-4.5.m4s"))
        #expect(text.contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"video-360p/part-5.0.m4s\""), "nothing of segment 5 yet: hint its first part")
    }

    @Test func anEndedStreamOrATimeShiftWindowHasNoLowLatencyTags() throws {
        let ended = try Presentation(Self.request(kind: .liveEnded)).hlsMediaPlaylist(for: Synthetic.name("video-360p"))
        #expect(!ended.contains("#EXT-X-PART") && !ended.contains("SERVER-CONTROL") && ended.contains("#EXT-X-VERSION:7"))
        var window = Self.request()
        window.query = ManifestQuery(start: .offset(12), end: .offset(30))
        let shifted = try Presentation(window).hlsMediaPlaylist(for: Synthetic.name("video-360p"))
        #expect(!shifted.contains("#EXT-X-PART") && !shifted.contains("PRELOAD-HINT"))
    }

    @Test func partEdgeAnswersBlockingReloads() {
        let edge = LivePartEdge(lastSegment: 12, lastPart: PartInfo(segment: 13, index: 1, start: 0, duration: 1, independent: true))
        #expect(edge.satisfies(msn: 12, part: nil) && edge.satisfies(msn: 12, part: 5))
        #expect(!edge.satisfies(msn: 13, part: nil), "segment 13 is not complete")
        #expect(edge.satisfies(msn: 13, part: 0) && edge.satisfies(msn: 13, part: 1))
        #expect(!edge.satisfies(msn: 13, part: 2) && !edge.satisfies(msn: 14, part: 0))
    }
}
