import MediaCore

/// Fits a configured ladder to one source (pure): which rungs exist, at what size, rate and bitrate.
///
/// Rules: never upscale; when the source height lies between two rungs it becomes
/// the top rung with an interpolated bitrate; width follows the display aspect ratio (rotation and
/// non-square pixels applied) rounded to even; frame rate kept up to 60 fps, halved above; a source
/// smaller than the lowest rung gets one rung at its own size.
public enum LadderPlanner {
    /// VBV peak as a multiple of the target bitrate, and buffer length in seconds of target bitrate.
    public static let maxrateFactor = 1.2
    public static let bufferSeconds = 2.0
    public static let maximumFrameRate = 60.0

    public static func plan(source: SourceProbe, ladder: [LadderRung], audio: AudioSettings = .standard,
                            segmentSeconds: Int = 6, maxFrameRate: Double = maximumFrameRate) throws(IngestError) -> IngestPlan {
        let video = source.primaryVideo
        let sound = source.primaryAudio
        guard video != nil || sound != nil else { throw .noMediaStreams(path: source.path) }
        var renditions: [VideoRenditionPlan] = []
        var preparation = VideoPreparation(deinterlace: false, rotation: 0, outputFrameRate: nil)
        if let video {
            guard let display = video.displaySize else { throw .unreadableVideo(path: source.path, reason: "no picture size") }
            guard !ladder.isEmpty else { throw .emptyLadder }
            let rate = outputFrameRate(video.frameRate, limit: maxFrameRate)
            preparation = VideoPreparation(deinterlace: video.isInterlaced, rotation: normalizedRotation(video.rotation),
                                           outputFrameRate: rate.halved ? rate.rate : nil)
            renditions = fit(ladder: ladder, displayWidth: display.width, displayHeight: display.height)
                .map { rendition(for: $0, displayWidth: display.width, displayHeight: display.height, frameRate: rate.rate) }
        }
        let audioPlan = sound.map { _ in AudioRenditionPlan(id: SafeName("audio")!, settings: audio) }
        return IngestPlan(videoStream: video?.index, audioStream: sound?.index, video: renditions, audio: audioPlan,
                          preparation: preparation, segmentSeconds: segmentSeconds,
                          duration: source.duration ?? video?.duration ?? sound?.duration)
    }

    /// The rungs that fit under a source of this display height (ascending), the source's own height
    /// added as top rung when it lies between two configured rungs.
    static func fit(ladder: [LadderRung], displayWidth: Int, displayHeight: Int) -> [LadderRung] {
        let sorted = ladder.sorted { $0.height < $1.height }
        let sourceHeight = max(evenFloor(displayHeight), 2)
        guard let lowest = sorted.first, sourceHeight >= lowest.height else {
            // Smaller than every rung: one rendition at the source's own size.
            let base = sorted.first ?? LadderRung(height: 360, videoKbps: 800, profile: .main)
            let kbps = max(Int((Double(base.videoKbps) * area(sourceHeight) / area(base.height)).rounded()), 100)
            return [LadderRung(height: sourceHeight, videoKbps: kbps, profile: base.profile)]
        }
        var fitted = sorted.filter { $0.height <= sourceHeight }
        if let below = fitted.last, below.height < sourceHeight,
           let above = sorted.first(where: { $0.height > sourceHeight }) {
            fitted.append(interpolated(height: sourceHeight, below: below, above: above))
        }
        return fitted
    }

    /// A rung between two configured ones; bitrate interpolated by pixel count, which tracks how much
    /// picture there is to code better than height does.
    static func interpolated(height: Int, below: LadderRung, above: LadderRung) -> LadderRung {
        let t = (area(height) - area(below.height)) / (area(above.height) - area(below.height))
        let kbps = Double(below.videoKbps) + t * Double(above.videoKbps - below.videoKbps)
        return LadderRung(height: height, videoKbps: Int(kbps.rounded()), profile: above.profile)
    }

    public static func rendition(for rung: LadderRung, displayWidth: Int, displayHeight: Int, frameRate: Rational) -> VideoRenditionPlan {
        let width = max(evenRound(Double(rung.height) * Double(displayWidth) / Double(displayHeight)), 2)
        return VideoRenditionPlan(
            id: SafeName("video-\(rung.height)p")!, width: width, height: rung.height, frameRate: frameRate,
            bitrateKbps: rung.videoKbps, maxrateKbps: Int((Double(rung.videoKbps) * maxrateFactor).rounded()),
            bufferKbits: Int((Double(rung.videoKbps) * bufferSeconds).rounded()), profile: rung.profile)
    }

    /// The source rate, halved (repeatedly) while above 60 fps; 30 fps when the source does not say.
    static func outputFrameRate(_ source: Rational?, limit: Double = maximumFrameRate) -> (rate: Rational, halved: Bool) {
        guard var rate = source, rate.numerator > 0, rate.denominator > 0 else { return (Rational(30, 1), false) }
        var halved = false
        while rate.value > limit + 0.01 {
            rate = rate.numerator % 2 == 0 ? Rational(rate.numerator / 2, rate.denominator) : Rational(rate.numerator, rate.denominator * 2)
            halved = true
        }
        return (rate, halved)
    }

    static func normalizedRotation(_ rotation: Int?) -> Int {
        let r = (((rotation ?? 0) % 360) + 360) % 360
        return [0, 90, 180, 270].min { abs($0 - r) < abs($1 - r) } ?? 0
    }

    static func area(_ height: Int) -> Double { Double(height) * Double(height) }
    static func evenFloor(_ value: Int) -> Int { value - value % 2 }
    static func evenRound(_ value: Double) -> Int { Int((value / 2).rounded()) * 2 }
}
