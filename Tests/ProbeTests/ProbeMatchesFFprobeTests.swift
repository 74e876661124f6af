import FFmpegKit
import Foundation
import MediaCore
import Testing
import TestSupport

/// Every readable fixture, probed by us and by ffprobe, compared field by field.
@Suite struct ProbeMatchesFFprobeTests {
    init() { FFmpegLog.setVerbose(false) }

    static let generated = [
        "1080p25_stereo.mp4", "2160p25.mp4", "720p5994.mp4", "odd_854x481.webm", "rotated90.mp4",
        "rotated270.mp4", "h264_10bit.mp4", "hevc.mp4", "hevc_main10.mp4", "vp9.webm", "av1.mkv",
        "interlaced_tff.ts", "vfr.mp4", "audio_only.m4a", "audio_cover.mp3", "video_only.mp4",
        "surround51.mp4", "audio44k.mp4", "anamorphic.mp4", "no_decoder.mp4", "broken_garbage_appended.mp4",
    ]

    /// File names, resolved inside the test so that a missing generated file fails its own case only.
    @Test(arguments: generated + ["committed/sample.mp4"])
    func matchesFFprobe(_ name: String) throws {
        let url = name.hasPrefix("committed/")
            ? TestMedia.committed.appendingPathComponent(String(name.dropFirst("committed/".count)))
            : try TestMedia.file(name)
        let probe = try InputFile.probe(path: url.path)
        let oracle = try FFprobeOracle(url)
        #expect(probe.path == url.path)
        #expect(probe.container == oracle.format.text("format_name"))
        #expect(probe.containerLongName == oracle.format.text("format_long_name"))
        #expect(close(probe.duration, oracle.format.double("duration")))
        #expect(probe.bitRate == oracle.format.int("bit_rate"))
        #expect(probe.size.map(Int.init) == oracle.format.int("size"))
        try #require(probe.streams.count == oracle.streams.count)
        for (ours, theirs) in zip(probe.streams, oracle.streams) {
            compare(ours, theirs)
        }
    }

    func compare(_ ours: StreamProbe, _ theirs: [String: Any]) {
        let type = theirs.text("codec_type")
        #expect(ours.index == theirs.int("index"))
        #expect(ours.type.rawValue == type)
        #expect(ours.codec == (theirs.text("codec_name") ?? "unknown"))
        #expect(ours.codecLongName == theirs.text("codec_long_name"))
        #expect(ours.profile == theirs.text("profile"))
        #expect(ours.bitRate == theirs.int("bit_rate"))
        #expect(ours.language == theirs.object("tags").text("language"))
        #expect(close(ours.duration, theirs.double("duration")))
        #expect(ours.isAttachedPicture == (theirs.object("disposition").int("attached_pic") == 1))
        if type == "video" { compareVideo(ours, theirs) }
        if type == "audio" { compareAudio(ours, theirs) }
    }

    func compareVideo(_ ours: StreamProbe, _ theirs: [String: Any]) {
        #expect(ours.width == theirs.int("width"))
        #expect(ours.height == theirs.int("height"))
        #expect(ours.sampleAspectRatio.map(colon) == theirs.text("sample_aspect_ratio"))
        #expect(ours.displayAspectRatio.map(colon) == theirs.text("display_aspect_ratio"))
        let rate = theirs.text("avg_frame_rate") ?? (ours.isAttachedPicture ? nil : theirs.text("r_frame_rate"))
        #expect(ours.frameRate.map(slash) == rate)
        #expect(ours.pixelFormat == theirs.text("pix_fmt"))
        let depth = theirs.text("pix_fmt").flatMap { FFprobeOracle.pixelFormatDepths[$0] }
        #expect(ours.bitDepth == (depth ?? theirs.int("bits_per_raw_sample")))
        if let raw = theirs.int("bits_per_raw_sample") { #expect(ours.bitDepth == raw) }
        #expect(ours.fieldOrder == theirs.text("field_order"))
        // ffprobe's rotation is counter-clockwise; ours is clockwise in [0, 360).
        let sideData = theirs["side_data_list"] as? [[String: Any]] ?? []
        let counterClockwise = sideData.compactMap { $0.int("rotation") }.first ?? 0
        #expect(ours.rotation == ((-counterClockwise % 360) + 360) % 360)
    }

    func compareAudio(_ ours: StreamProbe, _ theirs: [String: Any]) {
        #expect(ours.channels == theirs.int("channels"))
        #expect(ours.channelLayout == theirs.text("channel_layout"))
        #expect(ours.sampleRate == theirs.int("sample_rate"))
        #expect(ours.bitDepth == theirs.int("bits_per_raw_sample"))
        #expect(ours.width == nil && ours.frameRate == nil && ours.rotation == nil)
    }

    func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return abs(a - b) < 1e-5
        default: return false
        }
    }

    func colon(_ r: Rational) -> String { "\(r.numerator):\(r.denominator)" }
    func slash(_ r: Rational) -> String { "\(r.numerator)/\(r.denominator)" }
}
