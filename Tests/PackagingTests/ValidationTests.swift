import MediaCore
import Testing
@testable import Packaging

/// Values from a damaged catalog or a confused caller: a clear error, never a trap.
@Suite struct ValidationTests {
    static func damaged(_ change: (inout RenditionIndex) -> Void) -> ManifestRequest {
        var renditions = Synthetic.vod(count: 3)
        change(&renditions[0])
        return ManifestRequest(renditions: renditions, kind: .vod)
    }

    @Test func damagedIndexesAreRejected() throws {
        let cases: [(String, ManifestRequest)] = [
            ("timescale 0", Self.damaged { $0.rendition.timescale = 0 }),
            ("zero duration", Self.damaged { $0.segments[1].duration = 0 }),
            ("negative start", Self.damaged { $0.segments[0].start = -5 }),
            ("huge start", Self.damaged { $0.segments[2].start = Int64.max - 1 }),
            ("NaN clock", Self.damaged { $0.segments[0].programDateTime = .nan }),
            ("duplicate number", Self.damaged { $0.segments[1].number = 1 }),
            ("number beyond 32 bits", Self.damaged { $0.segments[2].number = Int.max }),
            ("negative number", Self.damaged { $0.segments[0].number = -1 }),
        ]
        for (label, request) in cases {
            #expect(throws: PackagingError.self, "\(label)") { try Presentation(request) }
        }
        var live = ManifestRequest(renditions: Synthetic.live(firstNumber: 1, count: 3), kind: .liveSlidingWindow,
                                   now: .infinity, availabilityStartTime: Synthetic.ast)
        #expect(throws: PackagingError.self) { try Presentation(live) }
        live.now = Synthetic.ast
        live.dvrWindow = -1
        #expect(throws: PackagingError.self) { try Presentation(live) }
        live.dvrWindow = 60
        live.kind = .liveEnded
        live.availabilityStartTime = nil
        #expect(try Presentation(live).isStatic, "an ended stream's static manifests need no clock")
    }

    @Test func unsortedSegmentsAreSortedNotRejected() throws {
        var renditions = Synthetic.vod(count: 4)
        renditions = renditions.map { RenditionIndex(rendition: $0.rendition, segments: $0.segments.reversed()) }
        let set = try ManifestSet(ManifestRequest(renditions: renditions, kind: .vod), label: "unsorted")
        #expect(set.playlist("video-360p")?.segments.map(\.uri) == (1...4).map { "video-360p/seg-\($0).m4s" })
    }

    @Test func windowBeforeEverythingNamesTheRange() throws {
        var request = ManifestRequest(renditions: Synthetic.live(firstNumber: 100, count: 5), kind: .liveSlidingWindow,
                                      now: Synthetic.ast + 700, availabilityStartTime: Synthetic.ast)
        request.query = try .parse(["end": "10"])
        #expect(throws: PackagingError.emptyWindow(reason: "no segment between the beginning and 10 s; available: 594–624 s")) {
            try Presentation(request)
        }
        #expect(throws: PackagingError.self) { try ManifestQuery.parse(["start": "1e300"]) }
    }

    @Test func formattersNeverTrap() {
        #expect(Decimal3.string(.nan) == "nan" && Decimal3.string(-.infinity) == "-inf")
        #expect(Decimal3.string(1e300, trim: true) == "9000000000000")
        #expect(ISO8601.format(.nan) == "1970-01-01T00:00:00.000Z")
        #expect(ISO8601.format(1e300) == "9999-12-31T23:59:59.999Z")
    }

    @Test func liveWithoutAvailabilityStartTimeDerivesIt() throws {
        // Segments 11-15 whose clocks say media time 0 was at 2026-01-01T00:00:00Z.
        var request = ManifestRequest(renditions: Synthetic.live(firstNumber: 11, count: 5), kind: .liveSlidingWindow,
                                      now: Synthetic.ast + 91)
        let derived = try ManifestSet(request, label: "derived ast")
        #expect(derived.mpd.contains("availabilityStartTime=\"2026-01-01T00:00:00.000Z\""))
        // Without clocks on the segments: the newest segment (ends at 90 s) is taken to end now.
        request.renditions = request.renditions.map {
            RenditionIndex(rendition: $0.rendition, segments: $0.segments.map { var s = $0; s.programDateTime = nil; return s })
        }
        let fromNow = try ManifestSet(request, label: "ast from now")
        #expect(fromNow.mpd.contains("availabilityStartTime=\"2026-01-01T00:00:01.000Z\""))
    }
}
