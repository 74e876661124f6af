import MediaCore
import Testing
@testable import LiveSegmenting
@testable import RTMP

/// A transcoded rung across the end of a session (an input switch onto another timeline): the rung's
/// encoder is still behind when the source's session ends, so its last pictures of that session arrive
/// after the next session began. They must land in that session's last segment, on its timeline, so
/// segment N of the rung starts and lasts as the source's does on both sides of the switch.
@Suite struct RungSessionTests {
    static let rung = SafeName("video-180p")!

    static func frame(_ t: Int64, key: Bool) -> VideoFrame {
        VideoFrame(dts: t, pts: t, isKeyframe: key, data: [0, 0, 0, 1, key ? 0x65 : 0x41])
    }

    static func segments(_ outputs: [LiveSegmenter.Output], _ id: SafeName) -> [SegmentInfo] {
        outputs.compactMap { output in
            if case .segment(let rendition, let info, _) = output, rendition.id == id { return info }
            return nil
        }
    }

    @Test func theRungFinishesTheEndedSessionOnItsTimelineBeforeTheNextOne() {
        var segmenter = LiveSegmenter(targetDuration: 2)
        segmenter.forwardsTaken = true
        segmenter.beginSession(discontinuity: false)
        var source: [LiveSegmenter.Output] = [], rung: [LiveSegmenter.Output] = []
        source += segmenter.receive(ArrivedMediaEvent(.videoConfig(avcC: CMAFBoxTests.avcC), receivedAt: 0))
        // Session 1 (publisher clock from 0): 5 s at 25 fps, keyframes every second; cuts at 2 s and 4 s.
        for t in stride(from: Int64(0), to: 5000, by: 40) {
            source += segmenter.receive(ArrivedMediaEvent(.video(Self.frame(t, key: t % 1000 == 0)), receivedAt: Double(t) / 1000))
            if t == 0 { rung += segmenter.configureRung(Self.rung, avcC: CMAFBoxTests.avcC, width: 320, height: 180) }
            // The rung's encoder runs 1.52 s (38 pictures) behind.
            if t >= 1520 { rung += segmenter.receiveRung(Self.rung, Self.frame(t - 1520, key: (t - 1520) % 1000 == 0), receivedAt: Double(t) / 1000) }
        }
        // The primary is lost: the source ends its session at once; the transcoder is told, in order.
        source += segmenter.endSession()
        #expect(segmenter.takeForwarded().last.map { if case .sessionEnded = $0 { true } else { false } } == true)
        segmenter.beginSession(discontinuity: true)
        // Session 2 (the backup's clock, from 100 s) starts while the rung still encodes session 1's last 1.52 s.
        for t in stride(from: Int64(100_000), to: 100_600, by: 40) {
            source += segmenter.receive(ArrivedMediaEvent(.video(Self.frame(t, key: t % 1000 == 0)), receivedAt: 5 + Double(t - 100_000) / 1000))
        }
        #expect(Self.segments(rung, Self.rung).map(\.number) == [1], "session 1's first cut reached by the rung before the switch")
        for t in stride(from: Int64(3480), to: 5000, by: 40) {
            rung += segmenter.receiveRung(Self.rung, Self.frame(t, key: t % 1000 == 0), receivedAt: 5)
        }
        rung += segmenter.endRungSessions()
        // Then session 2's pictures, the rung 1.5 s behind again, until the source cut at 102 s and 104 s.
        for t in stride(from: Int64(100_600), to: 104_500, by: 40) {
            source += segmenter.receive(ArrivedMediaEvent(.video(Self.frame(t, key: t % 1000 == 0)), receivedAt: 5 + Double(t - 100_000) / 1000))
        }
        for t in stride(from: Int64(100_000), to: 104_500, by: 40) {
            rung += segmenter.receiveRung(Self.rung, Self.frame(t, key: t % 1000 == 0), receivedAt: 5 + Double(t - 100_000) / 1000)
        }

        let sourceSegments = Self.segments(source, LiveSegmenter.videoRendition)
        let rungSegments = Self.segments(source + rung, Self.rung)
        #expect(sourceSegments.map(\.number) == [1, 2, 3, 4, 5], "\(sourceSegments)")
        #expect(rungSegments.map(\.number) == [1, 2, 3, 4, 5], "\(rungSegments)")
        for (a, b) in zip(rungSegments, sourceSegments) {
            #expect(a.start == b.start && a.duration == b.duration && a.discontinuity == b.discontinuity,
                    "segment \(a.number): rung \(a.start)+\(a.duration) vs source \(b.start)+\(b.duration)")
        }
        #expect(sourceSegments.filter(\.discontinuity).map(\.number) == [4])
    }
}
