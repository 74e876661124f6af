import MediaCore
import Testing
@testable import Packaging

/// A live segment the disk could not take (issue 17) keeps its place: HLS lists it with EXT-X-GAP, so the
/// media sequence numbers stay positional and players skip it, never a silent hole from seg-4 to seg-6.
@Suite struct GapSegmentTests {
    @Test func aGapIsListedWithEXTXGAPAndKeepsNumbering() throws {
        let renditions = Synthetic.live(firstNumber: 1, count: 6, renditions: [Synthetic.ladder[1]]).map { index in
            var copy = index
            copy.segments = index.segments.map { segment in
                var s = segment
                if s.number == 5 { s.gap = true; s.size = 0 }
                return s
            }
            return copy
        }
        let request = ManifestRequest(renditions: renditions, kind: .liveSlidingWindow, hlsLiveSegmentCount: nil,
                                      now: Synthetic.ast + 60, availabilityStartTime: Synthetic.ast,
                                      urls: ManifestURLs(utcTimingURL: "/time"))
        let set = try ManifestSet(request, label: "gap")
        let text = try #require(set.text("video-360p"))
        let lines = text.split(separator: "\n").map(String.init)
        let gapLine = try #require(lines.firstIndex(of: "#EXT-X-GAP"))
        #expect(lines[(gapLine + 1)...].first { $0.hasSuffix(".m4s") } == "video-360p/seg-5.m4s")
        #expect(lines.filter { $0 == "#EXT-X-GAP" }.count == 1)
        #expect(!text.contains("#EXT-X-DISCONTINUITY\n"), "a gap keeps the timeline: no discontinuity")
        let uris = lines.filter { $0.hasSuffix(".m4s") }
        #expect(uris == (1...6).map { "video-360p/seg-\($0).m4s" })
    }
}
