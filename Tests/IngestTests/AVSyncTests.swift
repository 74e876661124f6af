import FFmpegKit
import Foundation
import Ingest
import MediaCore
import Testing
import TestSupport

/// Audio and video stay in sync through ingest, to well within a frame at 59.94 and 60 fps: the AAC
/// priming and x264's B-frame delay sit before the source's first instant on both tracks (`PresentationLead`).
/// ffmpeg decodes what we wrote and finds the white flash and the tone onset, which start together in
/// the source.
@Suite(.serialized)
struct AVSyncTests {
    init() { FFmpegLog.setVerbose(false) }

    static let ladder = [LadderRung(height: 180, videoKbps: 300, profile: .high)]

    /// Tone minus flash in the source and in our output, and the output's first tfdt per rendition.
    func measure(_ source: URL, copy: Bool, extraX264Params: String? = nil) throws -> (source: Double, output: Double, starts: [Int64]) {
        let probe = try InputFile(path: source.path).probe()
        let out = TestSources.scratch("sync")
        let index: [RenditionIndex]
        if copy {
            index = try PassthroughRemux(plan: CopyPlan.make(source: probe)).run(source: source.path, into: out)
        } else {
            let plan = try LadderPlanner.plan(source: probe, ladder: Self.ladder)
            let settings = TranscodeSettings(preset: "veryfast", encoderThreads: 1, queueCapacity: 4, extraX264Params: extraX264Params)
            index = try TranscodePipeline(plan: plan, settings: settings).run(source: source.path, into: out)
        }
        let video = try #require(index.first { $0.rendition.kind == .video })
        let audio = try #require(index.first { $0.rendition.kind == .audio })
        let videoFile = try OutputInspection.joined(out.appendingPathComponent(video.rendition.id.rawValue), segments: video.segments.count)
        let audioFile = try OutputInspection.joined(out.appendingPathComponent(audio.rendition.id.rawValue), segments: audio.segments.count)
        let sourceOffset = try #require(try SyncMeasurement.offset(video: source, audio: source))
        let outputOffset = try #require(try SyncMeasurement.offset(video: videoFile, audio: audioFile))
        return (sourceOffset, outputOffset, index.compactMap { $0.segments.first?.start })
    }

    @Test(arguments: ["60", "60000/1001"])
    func transcodeKeepsSync(rate: String) throws {
        let frame = 1 / (rate == "60" ? 60.0 : 60_000.0 / 1001)
        let source = try SyncMeasurement.source(rate: rate, bFrames: true)
        let result = try measure(source, copy: false)
        #expect(abs(result.source) < 0.001, "the source itself: \(result.source)")
        #expect(abs(result.output - result.source) < frame, "tone minus flash: \(result.output * 1000) ms")
        #expect(abs(result.output - result.source) < 0.002, "tone minus flash: \(result.output * 1000) ms")
        // Every rendition starts at 0, so the DASH packager maps all of them to the period start alike.
        #expect(result.starts == [0, 0])
    }

    @Test func transcodeWithoutBFramesKeepsSync() throws {
        // Without B-frames the lead is the AAC priming alone and the first picture's decode time moves to 0.
        let source = try SyncMeasurement.source(rate: "60", bFrames: true)
        let result = try measure(source, copy: false, extraX264Params: "bframes=0")
        #expect(abs(result.output - result.source) < 0.002, "tone minus flash: \(result.output * 1000) ms")
        #expect(result.starts == [0, 0])
    }

    @Test(arguments: [true, false])
    func copyKeepsSync(bFrames: Bool) throws {
        // An MP4 from ffmpeg: AAC with its priming hidden by an edit list, H.264 with or without B-frames.
        let source = try SyncMeasurement.source(rate: "60", bFrames: bFrames)
        let result = try measure(source, copy: true)
        #expect(abs(result.output - result.source) < 0.002, "tone minus flash: \(result.output * 1000) ms")
        // With B-frames the video's lead (33 ms) exceeds the priming: silent AAC frames pad the audio to 0.
        #expect(result.starts == [0, 0])
    }

    @Test func copyOfTransportStreamKeepsSync() throws {
        // The same clip rewrapped as MPEG-TS: no edit list, audio simply starts before the video.
        let mp4 = try SyncMeasurement.source(rate: "60", bFrames: true)
        let source = try TestSources.make("sync-60-b.ts", ["-i", mp4.path, "-c", "copy", "-f", "mpegts"])
        let result = try measure(source, copy: true)
        #expect(abs(result.output - result.source) < 0.002, "tone minus flash: \(result.output * 1000) ms")
        #expect(result.starts == [0, 0])
    }
}
