import MediaCore
import Testing
@testable import LiveSegmenting
@testable import RTMP

/// The cutting rule on hand-made timelines: no encoder, exact times.
@Suite struct LiveSegmenterRuleTests {
    /// Feeds video frames at `fps` for `seconds`, keyframes at the given times (ms), audio every 1024
    /// samples at 48 kHz when `audio`; returns the outputs.
    static func run(keyframesMs: Set<Int64>, seconds: Int64, fps: Int64 = 25, audio: Bool = true, video: Bool = true,
                    leadingNonKey: Bool = false) -> [LiveSegmenter.Output] {
        var segmenter = LiveSegmenter()
        segmenter.beginSession(discontinuity: false)
        var out: [LiveSegmenter.Output] = []
        if video { out += segmenter.receive(ArrivedMediaEvent(.videoConfig(avcC: CMAFBoxTests.avcC), receivedAt: 0)) }
        if audio { out += segmenter.receive(ArrivedMediaEvent(.audioConfig(asc: [0x11, 0x90]), receivedAt: 0)) }
        let frameMs = 1000 / fps
        var audioIndex: Int64 = 0
        for frame in 0..<(seconds * fps) {
            let t = frame * frameMs
            while audio, audioIndex * 1024 * 1000 / 48_000 <= t {
                let pts = audioIndex * 1024 * 1000 / 48_000
                out += segmenter.receive(ArrivedMediaEvent(.audio(AudioFrame(pts: pts, data: [0x21])), receivedAt: Double(pts) / 1000))
                audioIndex += 1
            }
            let isKey = keyframesMs.contains(t) && !(leadingNonKey && t == 0)
            if video {
                out += segmenter.receive(ArrivedMediaEvent(.video(VideoFrame(dts: t, pts: t, isKeyframe: isKey, data: [0, 0, 0, 1, isKey ? 0x65 : 0x41])),
                                                           receivedAt: Double(t) / 1000))
            }
        }
        return out + segmenter.endSession()
    }

    static func segments(_ outputs: [LiveSegmenter.Output], _ kind: MediaKind) -> [SegmentInfo] {
        outputs.compactMap { output in
            if case .segment(let rendition, let info, _) = output, rendition.kind == kind { return info }
            return nil
        }
    }

    @Test func cutsAtTheFirstKeyframeAtOrAfterEachBoundary() {
        // Keyframes every 2 s, plus an irregular one at 6.52 s instead of 6 s.
        let keys: Set<Int64> = [0, 2000, 4000, 6520, 8000, 10000, 12000, 14000, 16000]
        let outputs = Self.run(keyframesMs: keys, seconds: 17)
        let video = Self.segments(outputs, .video)
        // Boundaries at 6 and 12 s: cut at 6.52 (first keyframe after 6), then at 12 (not 12.52).
        #expect(video.map { $0.start / 90 } == [0, 6520, 12000])
        #expect(video.map { $0.duration / 90 } == [6520, 5480, 5000])
        #expect(video.map(\.number) == [1, 2, 3])
        // Audio segments share the numbers and end at the first frame at or after each video cut.
        let audio = Self.segments(outputs, .audio)
        #expect(audio.map(\.number) == [1, 2, 3])
        for (a, v) in zip(audio.dropFirst(), video.dropFirst()) {
            let audioStartMs = Double(a.start) * 1000 / 48_000
            #expect(audioStartMs >= Double(v.start / 90) && audioStartMs < Double(v.start / 90) + 1024.0 * 1000 / 48_000)
        }
        // tfdt continuity on both.
        for list in [video, audio] {
            for (previous, next) in zip(list, list.dropFirst()) { #expect(previous.start + previous.duration == next.start) }
        }
    }

    @Test func waitsForAKeyframeBeforeTheFirstSegment() {
        let outputs = Self.run(keyframesMs: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000], seconds: 8, leadingNonKey: true)
        let video = Self.segments(outputs, .video)
        #expect(video.first?.start == Int64(90_000))  // the pictures before the first keyframe are dropped
        #expect(video.map { $0.start / 90 } == [1000, 7000])
    }

    @Test func audioOnlyAndVideoOnlyStreams() {
        let audioOnly = Self.segments(Self.run(keyframesMs: [], seconds: 13, video: false), .audio)
        #expect(audioOnly.map(\.number) == [1, 2, 3])
        #expect(audioOnly.dropLast().allSatisfy { abs(Double($0.duration) / 48_000 - 6) < 0.03 })
        let videoOnly = Self.run(keyframesMs: [0, 3000, 6000, 9000, 12000], seconds: 13, audio: false)
        #expect(Self.segments(videoOnly, .video).map { $0.duration / 90 } == [6000, 6000, 1000])
        #expect(Self.segments(videoOnly, .audio).isEmpty)
    }

    @Test func renditionsCarryCodecsSizeAndMeasuredBitrate() {
        let outputs = Self.run(keyframesMs: [0, 6000], seconds: 12)
        guard case .segment(let rendition, _, _)? = outputs.first(where: {
            if case .segment(let r, _, _) = $0 { return r.kind == .video }
            return false
        }) else { Issue.record("no video segment"); return }
        #expect(rendition.codecs == "avc1.64000C")
        #expect(rendition.width == 320 && rendition.height == 180)
        #expect(rendition.timescale == 90_000)
        #expect(rendition.peakBitrate > 0 && rendition.averageBitrate > 0)
    }

    /// Video frames at 25 fps from `fromMs` to `toMs` (keyframe every second) on `segmenter`.
    static func frames(_ segmenter: inout LiveSegmenter, from fromMs: Int64, to toMs: Int64) -> [LiveSegmenter.Output] {
        stride(from: fromMs, to: toMs, by: 40).flatMap { t in
            let isKey = t % 1000 == 0
            return segmenter.receive(ArrivedMediaEvent(.video(VideoFrame(dts: t, pts: t, isKeyframe: isKey, data: [0, 0, 0, 1, isKey ? 0x65 : 0x41])),
                                                       receivedAt: Double(t) / 1000))
        }
    }

    /// Each encoder configuration gets its own init name, numbered after the first segment that may use
    /// it; a number an unused init already holds is skipped, so a name never returns with other bytes.
    @Test func everyEncoderConfigurationGetsItsOwnInitName() {
        var other = CMAFBoxTests.avcC
        other[3] = 0x0D  // another level: another configuration record
        var segmenter = LiveSegmenter()
        segmenter.beginSession(discontinuity: false)
        var out = segmenter.receive(ArrivedMediaEvent(.videoConfig(avcC: CMAFBoxTests.avcC), receivedAt: 0))
        out += segmenter.receive(ArrivedMediaEvent(.videoConfig(avcC: other), receivedAt: 0))  // before any picture
        out += Self.frames(&segmenter, from: 0, to: 7000)
        out += segmenter.endSession()
        segmenter.beginSession(discontinuity: false)  // the same publisher, same parameters: no new init
        out += segmenter.receive(ArrivedMediaEvent(.videoConfig(avcC: other), receivedAt: 10))
        out += Self.frames(&segmenter, from: 0, to: 3000)
        out += segmenter.receive(ArrivedMediaEvent(.videoConfig(avcC: CMAFBoxTests.avcC), receivedAt: 13))  // mid-session change
        out += Self.frames(&segmenter, from: 3000, to: 5000)
        out += segmenter.endSession()

        let inits = out.compactMap { output -> Int? in
            if case .initSegment(_, let number, _) = output { return number }
            return nil
        }
        #expect(inits == [1, 2, 5])
        let video = Self.segments(out, .video)
        #expect(video.map(\.number) == [2, 3, 4, 5])
        #expect(video.map(\.initNumber) == [2, 2, 2, 5])
        // The change before the first picture already ended a (empty) session: segment 2 is flagged too.
        #expect(video.map(\.discontinuity) == [true, false, true, true])
    }
}

@Suite struct DVRRingTests {
    static func segments(_ count: Int, seconds: Int64 = 6) -> [SegmentInfo] {
        (0..<count).map { SegmentInfo(number: $0 + 1, start: Int64($0) * seconds * 90_000, duration: seconds * 90_000, size: 1) }
    }

    @Test func keepsWhatEndsInsideTheWindow() {
        let ring = DVRRing(window: 20)
        let (kept, expired) = ring.trim(Self.segments(10), timescale: 90_000)  // 60 s of segments
        // Horizon 60 - 20 = 40 s: segments ending after 40 s stay (7: 36-42, 8, 9, 10).
        #expect(kept.map(\.number) == [7, 8, 9, 10])
        #expect(expired.map(\.number) == [1, 2, 3, 4, 5, 6])
    }

    @Test func theNewestSegmentAlwaysStaysAndHugeWindowsKeepAll() {
        #expect(DVRRing(window: 1).trim(Self.segments(3), timescale: 90_000).kept.map(\.number) == [3])
        #expect(DVRRing(window: .infinity).trim(Self.segments(3), timescale: 90_000).expired.isEmpty)
        #expect(DVRRing(window: 1e300).trim(Self.segments(3), timescale: 90_000).expired.isEmpty)
        #expect(DVRRing(window: 7200).trim([], timescale: 90_000).kept.isEmpty)
    }
}
