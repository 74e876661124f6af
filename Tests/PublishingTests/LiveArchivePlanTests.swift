import MediaCore
import Testing
@testable import Publishing

/// The live-to-VOD selection rule on values: whole segments overlapping the range, same numbers in
/// every rendition, renumbered from 1, media times kept.
struct LiveArchivePlanTests {
    /// Video (90 kHz) and audio (48 kHz) with 6 s segments numbered from `first`, media time from 600 s.
    func stream(first: Int = 41, count: Int = 5) -> [RenditionIndex] {
        [(MediaKind.video, "video-180p", Int32(90000)), (.audio, "audio", 48000)].map { kind, id, timescale in
            let ticks = Int64(timescale) * 6
            let segments = (0..<count).map {
                SegmentInfo(number: first + $0, start: Int64(timescale) * 600 + Int64($0) * ticks, duration: ticks, size: 100,
                            programDateTime: 1_000_000 + Double($0) * 6)
            }
            return RenditionIndex(rendition: Rendition(id: SafeName(id)!, kind: kind, codecs: kind == .video ? "avc1.64000d" : "mp4a.40.2",
                                                       peakBitrate: 1, averageBitrate: 1, timescale: timescale), segments: segments)
        }
    }

    @Test func wholeStreamIsRenumberedFromOne() throws {
        let plan = try LiveArchivePlan.make(stream(), start: nil, end: nil).get()
        #expect(plan.renditions.count == 2)
        for rendition in plan.renditions {
            #expect(rendition.sourceNumbers == [41, 42, 43, 44, 45])
            #expect(rendition.index.segments.map(\.number) == [1, 2, 3, 4, 5])
            #expect(rendition.index.segments[0].start == Int64(rendition.index.rendition.timescale) * 600)
        }
        #expect(plan.durationSeconds == 30)
    }

    @Test func rangeKeepsOverlappingWholeSegments() throws {
        let plan = try LiveArchivePlan.make(stream(), start: .offset(7), end: .offset(12.5)).get()
        #expect(plan.renditions.map(\.sourceNumbers) == [[42, 43], [42, 43]])
        #expect(plan.durationSeconds == 12)
        let byClock = try LiveArchivePlan.make(stream(), start: .wallClock(1_000_018), end: nil).get()
        #expect(byClock.renditions[0].sourceNumbers == [44, 45])
    }

    /// The encoder came back with other parameters at segment 44 (media 618 s, offset 18 s): its segments
    /// name init-44.mp4, the earlier ones init-41.mp4.
    func reinitialised() -> [RenditionIndex] {
        stream().map { index in
            var copy = index
            copy.segments = index.segments.map { var s = $0; s.initNumber = $0.number < 44 ? 41 : 44; s.discontinuity = $0.number == 44; return s }
            return copy
        }
    }

    @Test func archiveTakesTheInitOfItsSegments() throws {
        let before = try LiveArchivePlan.make(reinitialised(), start: .offset(0), end: .offset(17)).get()
        #expect(before.renditions.map(\.sourceInit) == ["init-41.mp4", "init-41.mp4"])
        let after = try LiveArchivePlan.make(reinitialised(), start: .offset(18), end: nil).get()
        #expect(after.renditions.map(\.sourceInit) == ["init-44.mp4", "init-44.mp4"])
        #expect(after.renditions[0].index.segments.allSatisfy { $0.initNumber == nil && !$0.discontinuity })
        #expect(try LiveArchivePlan.make(stream(), start: nil, end: nil).get().renditions.map(\.sourceInit) == ["init.mp4", "init.mp4"])
    }

    @Test func rangeAcrossAnEncoderChangeIsRefusedWithWhereToSplit() {
        guard case .failure(let refusal) = LiveArchivePlan.make(reinitialised(), start: .offset(10), end: .offset(25)) else {
            Issue.record("a range over two init segments was accepted"); return
        }
        #expect(refusal.reason.contains("encoder change at 18.0 s"), "\(refusal.reason)")
        #expect(refusal.reason.contains("segment 44"))
    }

    @Test func emptyRangeIsRefusedWithWhatTheStreamHolds() {
        guard case .failure(let refusal) = LiveArchivePlan.make(stream(), start: .offset(40), end: nil) else {
            Issue.record("a range after the stream was accepted"); return
        }
        #expect(refusal.reason.contains("0 to 30.0 s"))
        guard case .failure = LiveArchivePlan.make([], start: nil, end: nil) else {
            Issue.record("a stream without segments was accepted"); return
        }
    }
}
