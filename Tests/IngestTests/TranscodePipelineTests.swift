import FFmpegKit
import Foundation
import Ingest
import MediaCore
import Testing
import TestSupport

/// Runs the real pipeline on generated sources and checks what ffprobe and an independent NAL reader see.
@Suite(.serialized)
struct TranscodePipelineTests {
    init() { FFmpegLog.setVerbose(false) }

    static let settings = TranscodeSettings(preset: "veryfast", encoderThreads: 1, queueCapacity: 4)
    /// Two rungs that fit under the 270p source, one High and one Main.
    static let smallLadder = [LadderRung(height: 270, videoKbps: 400, profile: .high),
                              LadderRung(height: 180, videoKbps: 200, profile: .main)]

    func transcode(_ source: URL, ladder: [LadderRung], settings: TranscodeSettings = settings) throws -> (IngestPlan, [RenditionIndex], URL) {
        let input = try InputFile(path: source.path)
        let plan = try LadderPlanner.plan(source: input.probe(), ladder: ladder)
        let out = TestSources.scratch(source.deletingPathExtension().lastPathComponent)
        let index = try TranscodePipeline(plan: plan, settings: settings).run(source: source.path, into: out)
        return (plan, index, out)
    }

    @Test func alignedLadderFromSmallSource() throws {
        let (plan, index, out) = try transcode(try TestSources.small13s(), ladder: Self.smallLadder)
        #expect(index.map(\.rendition.id.rawValue) == ["video-180p", "video-270p", "audio"])
        let video = index.filter { $0.rendition.kind == .video }
        // 25 fps: the video timescale is 25 doubled up to 12800, one frame 512 ticks, one segment 76800.
        #expect(plan.videoTimescale == 12_800)
        #expect(video.allSatisfy { $0.rendition.timescale == 12_800 })
        let frame = 512

        for (rendition, planned) in zip(video, plan.video) {
            let dir = out.appendingPathComponent(rendition.rendition.id.rawValue)
            let probe = try OutputInspection.stream(dir, segments: rendition.segments.count)
            #expect(probe["codec_name"] as? String == "h264")
            #expect(probe["profile"] as? String == (planned.profile == .high ? "High" : "Main"))
            #expect(probe["width"] as? Int == planned.width)
            #expect(probe["height"] as? Int == planned.height)
            #expect(probe["r_frame_rate"] as? String == "25/1")
            #expect(rendition.rendition.codecs.hasPrefix(planned.profile == .high ? "avc1.64" : "avc1.4D"))

            // 6 s segments (± one frame) except the last; keyframes exactly at 0, 6, 12 s and nowhere else.
            #expect(rendition.segments.count == 3)
            for segment in rendition.segments.dropLast() { #expect(abs(Int(segment.duration) - 76_800) <= frame) }
            #expect(try OutputInspection.keyframeTimes(dir, segments: 3).map { Int(($0 * 1000).rounded()) } == [0, 6000, 12000])
            for segment in rendition.segments {
                let file = dir.appendingPathComponent("seg-\(segment.number).m4s")
                #expect(try OutputInspection.firstPictureNALType(file) == 5, "seg-\(segment.number) must open with an IDR")
                #expect(segment.size == (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int))
            }
            #expect(rendition.rendition.peakBitrate >= rendition.rendition.averageBitrate)
        }
        // Identical boundaries across renditions.
        #expect(Set(video.map { $0.segments.map(\.start) }).count == 1)
        #expect(video[0].segments.map(\.start) == [0, 76_800, 153_600])

        let audio = try #require(index.last)
        let audioProbe = try OutputInspection.stream(out.appendingPathComponent("audio"), segments: audio.segments.count)
        #expect(audioProbe["codec_name"] as? String == "aac")
        #expect(audioProbe["profile"] as? String == "LC")
        #expect(audioProbe["sample_rate"] as? String == "48000")
        #expect(audioProbe["channels"] as? Int == 2)
        #expect(audio.rendition.codecs == "mp4a.40.2")
        #expect(audio.segments.count == 3)
        // Audio segments start within one AAC frame of the video boundaries, and both end together.
        for (a, v) in zip(audio.segments, video[0].segments) {
            let gap: Double = abs(Double(a.start) / 48_000 - Double(v.start) / 12_800)
            let aacFrame: Double = 1024.0 / 48_000
            #expect(gap <= aacFrame)
        }
        // The source's instant 0 is presented after x264's B-frame delay (two frames at veryfast); the audio
        // carries that lead as priming and silence, so it lasts that much longer and both end together.
        let lead = try #require(try OutputInspection.firstPresentation(out.appendingPathComponent(video[0].rendition.id.rawValue),
                                                                       segments: video[0].segments.count))
        #expect(abs(lead - 2.0 / 25) < 0.001)
        #expect(abs(audio.durationSeconds - video[0].durationSeconds - lead) < 0.05)
        #expect(abs(video[0].durationSeconds - 13) < 0.001)
    }
}

extension TranscodePipelineTests {
    /// The one tall source: 2160p gets all six rungs. Ten frames and tiny bitrates keep it quick.
    @Test func uhdSourceGetsTheWholeLadder() throws {
        let source = try TestSources.make("uhd.mp4", ["-f", "lavfi", "-i", "testsrc2=s=3840x2160:r=10:d=1",
                                                      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"])
        let tiny = DefaultLadder.rungs.map { LadderRung(height: $0.height, videoKbps: $0.height / 4, profile: $0.profile) }
        let settings = TranscodeSettings(preset: "ultrafast", encoderThreads: 1, queueCapacity: 2)
        let (plan, index, out) = try transcode(source, ladder: tiny, settings: settings)
        #expect(plan.video.map(\.height) == [360, 480, 720, 1080, 1440, 2160])
        #expect(index.count == 6)
        for (rendition, planned) in zip(index, plan.video) {
            let dir = out.appendingPathComponent(rendition.rendition.id.rawValue)
            let probe = try OutputInspection.stream(dir, segments: rendition.segments.count)
            #expect(probe["width"] as? Int == planned.width)
            #expect(probe["height"] as? Int == planned.height)
            #expect(rendition.segments.count == 1)
            #expect(try OutputInspection.firstPictureNALType(dir.appendingPathComponent("seg-1.m4s")) == 5)
        }
    }
}

extension TranscodePipelineTests {
    /// MPEG-TS starts its clock at 1.4 s: the ladder still starts at zero with audio and video together.
    @Test func nonZeroStartTimeBecomesZero() throws {
        let source = try TestSources.make("offset.ts", [
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=7", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=7",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", "-output_ts_offset", "10"])
        let input = try InputFile(path: source.path)
        #expect((input.startTime(ofStream: 0) ?? 0) > 9)
        let (_, index, out) = try transcode(source, ladder: [LadderRung(height: 180, videoKbps: 200, profile: .main)])
        let video = try #require(index.first { $0.rendition.kind == .video })
        let audio = try #require(index.first { $0.rendition.kind == .audio })
        #expect(video.segments.first?.start == 0)
        #expect(audio.segments.first?.start == 0)
        #expect(video.segments.count == 2)
        #expect(abs(video.durationSeconds - 7) < 0.05)
        // Audio also holds the lead before the first picture (see alignedLadderFromSmallSource).
        let lead = try #require(try OutputInspection.firstPresentation(out.appendingPathComponent(video.rendition.id.rawValue),
                                                                       segments: video.segments.count))
        #expect(abs(audio.durationSeconds - video.durationSeconds - lead) < 0.05)
    }

    /// Interlaced pictures are deinterlaced (bwdif) before scaling; the output is progressive H.264.
    @Test func interlacedSourceIsDeinterlaced() throws {
        let source = try TestSources.make("interlaced.mp4", [
            "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast",
            "-flags", "+ilme+ildct", "-x264-params", "tff=1", "-field_order", "tt"])
        let input = try InputFile(path: source.path)
        let probe = input.probe()
        #expect(probe.primaryVideo?.isInterlaced == true)
        let (plan, index, out) = try transcode(source, ladder: [LadderRung(height: 360, videoKbps: 400, profile: .main)])
        #expect(plan.preparation.deinterlace)
        let stream = try OutputInspection.stream(out.appendingPathComponent("video-360p"), segments: index[0].segments.count)
        #expect(stream["field_order"] as? String ?? "progressive" == "progressive")
        #expect(stream["height"] as? Int == 360)
    }
}
