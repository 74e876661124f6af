import Ingest
import MediaCore
import Testing

/// The planner is pure: sources are described as probe values, no files.
struct LadderPlannerTests {
    func source(width: Int, height: Int, rate: Rational = Rational(25, 1), sar: Rational? = nil, rotation: Int? = nil,
                fieldOrder: String? = nil, audio: Bool = true) -> SourceProbe {
        var streams = [StreamProbe(index: 0, type: .video, codec: "h264", width: width, height: height,
                                   sampleAspectRatio: sar, frameRate: rate, fieldOrder: fieldOrder, rotation: rotation)]
        if audio { streams.append(StreamProbe(index: 1, type: .audio, codec: "aac", channels: 2, sampleRate: 44_100)) }
        return SourceProbe(path: "in.mp4", container: "mov", duration: 10, streams: streams)
    }

    func plan(_ probe: SourceProbe, ladder: [LadderRung] = DefaultLadder.rungs) throws -> IngestPlan {
        try LadderPlanner.plan(source: probe, ladder: ladder)
    }

    @Test func uhdSourceGetsAllSixRungs() throws {
        let p = try plan(source(width: 3840, height: 2160))
        #expect(p.video.map(\.height) == [360, 480, 720, 1080, 1440, 2160])
        #expect(p.video.map(\.width) == [640, 854, 1280, 1920, 2560, 3840])
        #expect(p.video.map(\.id.rawValue) == ["video-360p", "video-480p", "video-720p", "video-1080p", "video-1440p", "video-2160p"])
        #expect(p.video.first?.profile == .main)
        #expect(p.video.last?.profile == .high)
        #expect(p.video.last?.bitrateKbps == 16000)
        #expect(p.audio?.settings == AudioSettings(bitrateKbps: 128, sampleRate: 48_000, channels: 2))
    }

    @Test func sdSourceGetsTwoRungsAndNeverUpscales() throws {
        let p = try plan(source(width: 854, height: 480))
        #expect(p.video.map(\.height) == [360, 480])
        #expect(p.video.map(\.width) == [640, 854])
    }

    @Test func sourceBetweenRungsBecomesTopRungWithInterpolatedBitrate() throws {
        let p = try plan(source(width: 960, height: 540))
        #expect(p.video.map(\.height) == [360, 480, 540])
        let top = try #require(p.video.last)
        #expect(top.width == 960)
        #expect(top.bitrateKbps > 1400 && top.bitrateKbps < 3000)
        #expect(top.maxrateKbps > top.bitrateKbps)
    }

    @Test func oddSizeRoundsToEvenWithoutUpscaling() throws {
        let p = try plan(source(width: 854, height: 481))
        #expect(p.video.map(\.height) == [360, 480])
        #expect(p.video.allSatisfy { $0.width % 2 == 0 && $0.height % 2 == 0 })
    }

    @Test func rotatedPortraitSourceUsesDisplayOrientation() throws {
        // A phone clip: coded 1920x1080 with a 90° display rotation is a 1080x1920 picture.
        let p = try plan(source(width: 1920, height: 1080, rotation: 90))
        #expect(p.preparation.rotation == 90)
        #expect(p.video.map(\.height) == [360, 480, 720, 1080, 1440, 1920])
        #expect(p.video.first?.width == 202)
        #expect(p.video.last?.width == 1080)
    }

    @Test func anamorphicSourceWidthFollowsDisplayAspect() throws {
        // DVD widescreen: 720x480 stored, 32:27 pixels, shown 16:9.
        let p = try plan(source(width: 720, height: 480, sar: Rational(32, 27)))
        #expect(p.video.map(\.height) == [360, 480])
        #expect(p.video.map(\.width) == [640, 854])
    }

    @Test func ntscRateIsKept() throws {
        let p = try plan(source(width: 1280, height: 720, rate: Rational(60000, 1001)))
        #expect(p.video.map(\.height) == [360, 480, 720])
        #expect(p.video.allSatisfy { $0.frameRate == Rational(60000, 1001) })
        #expect(p.preparation.outputFrameRate == nil)
    }

    @Test func highFrameRateIsHalved() throws {
        let p = try plan(source(width: 1920, height: 1080, rate: Rational(120, 1)))
        #expect(p.video.allSatisfy { $0.frameRate == Rational(60, 1) })
        #expect(p.preparation.outputFrameRate == Rational(60, 1))
    }

    @Test func tinySourceGetsOneRungAtItsOwnSize() throws {
        let p = try plan(source(width: 320, height: 240))
        #expect(p.video.count == 1)
        #expect(p.video[0].width == 320 && p.video[0].height == 240)
        #expect(p.video[0].bitrateKbps < 800)
    }

    @Test func interlacedSourceIsDeinterlaced() throws {
        let p = try plan(source(width: 1920, height: 1080, fieldOrder: "tt"))
        #expect(p.preparation.deinterlace)
    }

    @Test func audioOnlyAndVideoOnly() throws {
        let audioOnly = SourceProbe(path: "a.m4a", container: "mov", streams: [
            StreamProbe(index: 0, type: .audio, codec: "aac", channels: 1, sampleRate: 22_050)])
        let a = try plan(audioOnly)
        #expect(a.video.isEmpty && a.audio != nil && a.videoStream == nil && a.audioStream == 0)
        let v = try plan(source(width: 640, height: 360, audio: false))
        #expect(v.audio == nil && v.video.count == 1)
    }

    @Test func noStreamsIsAnError() {
        let empty = SourceProbe(path: "x.mkv", container: "matroska", streams: [])
        #expect(throws: IngestError.noMediaStreams(path: "x.mkv")) { try plan(empty) }
    }

    @Test func rungSelectionInterpolatesUnknownHeights() throws {
        let chosen = try DefaultLadder.select(heights: [1080, 720, 360, 540], from: DefaultLadder.rungs)
        #expect(chosen.map(\.height) == [360, 540, 720, 1080])
        #expect(chosen[1].videoKbps > 1400 && chosen[1].videoKbps < 3000)
        #expect(throws: IngestError.invalidRungHeight(721)) { try DefaultLadder.select(heights: [721], from: DefaultLadder.rungs) }
    }
}

extension LadderPlannerTests {
    @Test func videoTimescaleHoldsWholeFramesAndSegments() throws {
        #expect(try plan(source(width: 1280, height: 720, rate: Rational(25, 1))).videoTimescale == 12_800)
        #expect(try plan(source(width: 1280, height: 720, rate: Rational(30000, 1001))).videoTimescale == 30_000)
        #expect(try plan(source(width: 1280, height: 720, rate: Rational(60, 1))).videoTimescale == 15_360)
        #expect(try plan(source(width: 1280, height: 720, rate: Rational(24000, 1001))).videoTimescale == 24_000)
    }
}
