import MediaCore
import Testing
@testable import LiveSegmenting

/// The journal's replay rule on values: later lines win, expiries remove, discontinuities and the
/// highest number outlive the segments they came from, incomplete lines are counted, not trusted.
@Suite struct JournalReplayTests {
    static func rendition(_ id: String, _ kind: MediaKind, bitrate: Int = 1000) -> Rendition {
        Rendition(id: SafeName(id)!, kind: kind, codecs: kind == .video ? "avc1.64001f" : "mp4a.40.2",
                  peakBitrate: bitrate, averageBitrate: bitrate, timescale: kind == .video ? 90_000 : 48_000)
    }

    static func segment(_ number: Int, init initNumber: Int, discontinuity: Bool = false) -> SegmentInfo {
        SegmentInfo(number: number, start: Int64(number) * 540_000, duration: 540_000, size: 100 + number,
                    discontinuity: discontinuity, programDateTime: 1_700_000_000 + Double(number) * 6, initNumber: initNumber)
    }

    @Test func replaysInOrder() {
        let audio = Self.rendition("audio", .audio), video = Self.rendition("video", .video)
        let lines: [IndexJournal.Line] = [
            .header(lastNumber: 3, discontinuities: [2]),
            .initSegment(audio, number: 4),
            .initSegment(video, number: 4),
            .segment(audio, Self.segment(4, init: 4, discontinuity: true)),
            .segment(video, Self.segment(4, init: 4, discontinuity: true)),
            .segment(video, Self.segment(5, init: 4)),
            .expired(video.id, numbers: [4]),
            .segment(Self.rendition("video", .video, bitrate: 2000), Self.segment(6, init: 4)),
            IndexJournal.Line(kind: .segment, rendition: video),  // no segment: incomplete
            .initSegment(Self.rendition("video", .video, bitrate: 2000), number: 7),
        ]
        let replay = JournalReplay(lines)
        #expect(replay.indexes.map(\.rendition.id.rawValue) == ["video", "audio"], "video first")
        #expect(replay.indexes[0].segments.map(\.number) == [5, 6])
        #expect(replay.indexes[0].rendition.peakBitrate == 2000, "the latest description wins")
        #expect(replay.indexes[1].segments.map(\.number) == [4])
        #expect(replay.discontinuities == [2, 4])
        #expect(replay.highestNumber == 7, "an init nobody used yet still holds its number")
        #expect(replay.incomplete == 1)
    }

    /// `IndexJournal.lines` describes an index so that replaying it gives the same index back.
    @Test func compactedLinesReplayToTheSameIndex() {
        let video = Self.rendition("video", .video)
        let index = RenditionIndex(rendition: video, segments: [Self.segment(8, init: 5), Self.segment(9, init: 9, discontinuity: true)])
        let lines = IndexJournal.lines([index], currentInits: [video.id: 10], lastNumber: 10, discontinuities: [3, 9])
        #expect(lines.filter { $0.kind == .initSegment }.compactMap(\.number) == [5, 9, 10])
        let replay = JournalReplay(lines)
        #expect(replay.indexes == [index])
        #expect(replay.discontinuities == [3, 9] && replay.highestNumber == 10)
    }
}
