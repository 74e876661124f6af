import FFmpegKit
import Foundation
import MediaCore
import Testing
import TestSupport

/// What the fixtures were made to be (scripts/make-fixtures.sh), checked without ffprobe: catches the
/// mistakes a shared misunderstanding with ffprobe would hide (the rotation sign above all).
@Suite struct ProbeFactsTests {
    init() { FFmpegLog.setVerbose(false) }

    func probe(_ name: String) throws -> SourceProbe { try InputFile.probe(path: TestMedia.file(name).path) }

    @Test func phonePortraitIsRotatedClockwise() throws {
        let video = try #require(try probe("rotated90.mp4").primaryVideo)
        #expect(video.width == 640 && video.height == 360)
        #expect(video.rotation == 90)
        #expect(video.displaySize?.width == 360 && video.displaySize?.height == 640)
        // The fixture is what we think: ffprobe (counter-clockwise) says -90, as for a phone's portrait clip.
        let side = try FFprobeOracle(try TestMedia.file("rotated90.mp4")).streams[0]["side_data_list"] as? [[String: Any]]
        #expect(side?.first?.int("rotation") == -90)
        #expect(try probe("rotated270.mp4").primaryVideo?.rotation == 270)
        #expect(try probe("video_only.mp4").primaryVideo?.rotation == 0)
    }

    @Test func rotationConvention() {
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: -90) == 90)
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: 90) == 270)
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: 180) == 180)
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: -180) == 180)
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: 0) == 0)
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: -89.6) == 90)
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: 450) == 270)
        #expect(StreamProbe.clockwiseRotation(displayMatrixDegrees: .nan) == 0)
    }

    @Test func anamorphicDisplaysWide() throws {
        let video = try #require(try probe("anamorphic.mp4").primaryVideo)
        #expect(video.sampleAspectRatio == Rational(64, 45))
        #expect(video.displayAspectRatio == Rational(16, 9))
        #expect(video.displaySize?.width == 1024 && video.displaySize?.height == 576)
    }

    @Test func interlacedTopFieldFirst() throws {
        let video = try #require(try probe("interlaced_tff.ts").primaryVideo)
        #expect(video.fieldOrder == "tt")
        #expect(video.isInterlaced)
        #expect(try probe("1080p25_stereo.mp4").primaryVideo?.isInterlaced == false)
    }

    @Test func frameRatesAndDepths() throws {
        #expect(try probe("720p5994.mp4").primaryVideo?.frameRate == Rational(60000, 1001))
        #expect(try probe("1080p25_stereo.mp4").primaryVideo?.frameRate == Rational(25, 1))
        let vfr = try #require(try probe("vfr.mp4").primaryVideo?.frameRate)
        #expect(vfr.value > 10 && vfr.value < 30)  // a mean between the two rates, not either
        #expect(try probe("h264_10bit.mp4").primaryVideo?.bitDepth == 10)
        #expect(try probe("hevc_main10.mp4").primaryVideo?.bitDepth == 10)
        #expect(try probe("hevc_main10.mp4").primaryVideo?.profile == "Main 10")
        #expect(try probe("odd_854x481.webm").primaryVideo.map { [$0.width, $0.height] } == [854, 481])
        #expect(try probe("2160p25.mp4").primaryVideo?.height == 2160)
    }

    @Test func audioLayouts() throws {
        let surround = try #require(try probe("surround51.mp4").primaryAudio)
        #expect(surround.channels == 6 && surround.channelLayout == "5.1" && surround.language == "fra")
        #expect(try probe("audio44k.mp4").primaryAudio?.sampleRate == 44100)
        let stereo = try #require(try probe("1080p25_stereo.mp4").primaryAudio)
        #expect(stereo.channels == 2 && stereo.sampleRate == 48000 && stereo.language == "eng")
        let audioOnly = try probe("audio_only.m4a")
        #expect(audioOnly.primaryVideo == nil && audioOnly.primaryAudio?.codec == "aac")
    }

    @Test func coverPictureIsNotTheVideo() throws {
        let probe = try probe("audio_cover.mp3")
        #expect(probe.streams.contains { $0.type == .video && $0.isAttachedPicture })
        #expect(probe.primaryVideo == nil)
        #expect(probe.primaryAudio?.codec == "mp3")
    }

    @Test func streamWithoutDecoderStillProbes() throws {
        let video = try #require(try probe("no_decoder.mp4").streams.first)
        #expect(video.type == .video && video.codec == "unknown")
        #expect(video.width == 320 && video.height == 180)
    }

    @Test func garbageAfterAValidFileStillProbes() throws {
        let clean = try probe("video_only.mp4")
        let dirty = try probe("broken_garbage_appended.mp4")
        #expect(dirty.streams.map { [$0.codec, "\($0.width ?? 0)"] } == clean.streams.map { [$0.codec, "\($0.width ?? 0)"] })
        #expect(dirty.duration == clean.duration)
        #expect((dirty.size ?? 0) > (clean.size ?? 0))
    }
}
