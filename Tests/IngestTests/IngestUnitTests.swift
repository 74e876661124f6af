import Foundation
@testable import Ingest
import MediaCore
import Testing

/// Pure pieces: filter text, progress figures, passthrough cut choice, the bounded queue.
struct IngestUnitTests {
    let rung = VideoRenditionPlan(id: SafeName("video-720p")!, width: 1280, height: 720, frameRate: Rational(25, 1),
                                  bitrateKbps: 3000, maxrateKbps: 3600, bufferKbits: 6000, profile: .high)

    @Test func videoFilterText() {
        let plain = VideoPreparation(deinterlace: false, rotation: 0, outputFrameRate: nil)
        #expect(FilterText.video(rung, preparation: plain) == "scale=1280:720:flags=bicubic,setsar=1,format=yuv420p")
        let everything = VideoPreparation(deinterlace: true, rotation: 90, outputFrameRate: Rational(60, 1))
        let text = FilterText.video(rung, preparation: everything)
        #expect(text.hasPrefix("bwdif="))
        // Scaled to the pre-rotation shape, then turned: the output is 1280x720.
        #expect(text.contains("fps=fps=60/1,scale=720:1280:flags=bicubic,transpose=clock,setsar=1,format=yuv420p"))
        #expect(FilterText.video(rung, preparation: VideoPreparation(deinterlace: false, rotation: 270, outputFrameRate: nil))
            .contains("transpose=cclock"))
    }

    @Test func audioFilterText() {
        #expect(FilterText.audio(.standard)
            == "aresample=48000:async=1:first_pts=0,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo")
    }

    @Test func progressFigures() {
        let half = ProgressSnapshot(TranscodeProgress(encodedSeconds: 30, totalSeconds: 60, frames: 750, elapsed: 10))
        #expect(half.percent == 50)
        #expect(half.fps == 75)
        #expect(half.speed == 3)
        #expect(half.etaSeconds == 10)
        #expect(half.barLine(width: 10) == "[#####-----]   50.0%  75 fps  3.0x  ETA 0:10")
        let unknown = ProgressSnapshot(TranscodeProgress(encodedSeconds: 5, totalSeconds: nil, frames: 0, elapsed: 0))
        #expect(unknown.percent == nil && unknown.etaSeconds == nil && unknown.speed == 0)
        #expect(ProgressSnapshot.clock(3725) == "1:02:05")
    }

    @Test func progressReporterStyles() {
        var out: [String] = []
        let progress = TranscodeProgress(encodedSeconds: 6, totalSeconds: 12, frames: 150, elapsed: 2)
        ProgressReporter(style: .jsonLines) { out.append($0) }.report(progress)
        let object = try? JSONSerialization.jsonObject(with: Data(out[0].utf8)) as? [String: Any]
        #expect(object?["event"] as? String == "progress")
        #expect((object?["progress"] as? [String: Any])?["percent"] as? Double == 50)
        out.removeAll()
        ProgressReporter(style: .quiet) { out.append($0) }.report(progress)
        #expect(out.isEmpty)
        #expect(ProgressReporter.style(json: false, isTerminal: true) == .bar)
        #expect(ProgressReporter.style(json: false, isTerminal: false) == .quiet)
        #expect(ProgressReporter.style(json: true, isTerminal: true) == .jsonLines)
    }

    @Test func passthroughCutsAtNearestKeyframes() {
        // Keyframes every 2.5 s: nearest to 6 is 5, to 12 is 12.5, to 18 is 17.5.
        let keyframes = stride(from: 0.0, through: 20, by: 2.5).map { $0 }
        #expect(CopyPlan.cutTimes(keyframes: keyframes, segmentSeconds: 6) == [0, 5, 12.5, 17.5])
        // Sparse keyframes: never a segment shorter than half the target.
        #expect(CopyPlan.cutTimes(keyframes: [0, 10, 11, 25], segmentSeconds: 6) == [0, 10, 25])
        #expect(CopyPlan.cutTimes(keyframes: [], segmentSeconds: 6).isEmpty)
    }

    @Test func copyPlanRefusesWhatNeedsATranscode() throws {
        let hevc = SourceProbe(path: "x.mp4", container: "mov", streams: [
            StreamProbe(index: 0, type: .video, codec: "hevc", width: 640, height: 360)])
        #expect(throws: IngestError.cannotCopy(path: "x.mp4", reason: "video is hevc, not H.264")) { try CopyPlan.make(source: hevc) }
        let opus = SourceProbe(path: "y.mkv", container: "matroska", streams: [
            StreamProbe(index: 0, type: .video, codec: "h264", width: 640, height: 360, pixelFormat: "yuv420p"),
            StreamProbe(index: 1, type: .audio, codec: "opus")])
        #expect(throws: IngestError.cannotCopy(path: "y.mkv", reason: "audio is opus, not AAC")) { try CopyPlan.make(source: opus) }
        #expect(IngestError.cannotCopy(path: "y.mkv", reason: "r").description.contains("without --copy"))
    }

    @Test func boundedQueueKeepsOrderAndBlocksWhenFull() async {
        let queue = BoundedQueue<Int>(capacity: 2)
        let producer = Thread {
            for i in 0..<100 { queue.push(i) }
            queue.close()
        }
        producer.start()
        var received: [Int] = []
        while let value = queue.pop() { received.append(value) }
        #expect(received == Array(0..<100))
        #expect(queue.push(1) == false)
    }
}

/// Passthrough's byte-level pieces and the presentation lead.
struct PassthroughUnitTests {
    @Test func adtsHeaderGivesTheAudioSpecificConfig() throws {
        // First header of ffmpeg's AAC-LC in MPEG-TS: 48 kHz mono, no CRC; and 44.1 kHz mono.
        let ts = try #require(ADTSHeader([0xFF, 0xF1, 0x4C, 0x40, 0x25, 0xBF, 0xFC, 0xDE, 0x02]))
        #expect([ts.length, ts.objectType, ts.samplingFrequencyIndex, ts.channelConfiguration, ts.rawFrames] == [7, 2, 3, 1, 1] as [Int])
        #expect(ts.audioSpecificConfig == [0x11, 0x88])
        #expect(CodecString.mp4a(audioSpecificConfig: ts.audioSpecificConfig) == "mp4a.40.2")
        let cd = try #require(ADTSHeader([0xFF, 0xF1, 0x50, 0x40, 0x21, 0x3F, 0xFC]))
        #expect(cd.audioSpecificConfig == [0x12, 0x08])
        // With a CRC (protection_absent 0) the header is 9 bytes; stereo is channel configuration 2.
        #expect(ADTSHeader([0xFF, 0xF0, 0x4C, 0x80, 0x25, 0xBF, 0xFC])?.length == 9)
        #expect(ADTSHeader([0xFF, 0xF0, 0x4C, 0x80, 0x25, 0xBF, 0xFC])?.channelConfiguration == 2)
        // Raw AAC (what an MP4 holds) is not mistaken for ADTS.
        #expect(ADTSHeader([0x21, 0x10, 0x04, 0x60, 0x8C, 0x1C, 0x00]) == nil)
    }

    @Test func parameterSetsComeFromAnAnnexBKeyframe() {
        let sps: [UInt8] = [0x67, 0x64, 0x00, 0x1F, 0xAC]
        let pps: [UInt8] = [0x68, 0xEE, 0x3C, 0x80]
        let aud: [UInt8] = [0x09, 0xF0]
        let idr: [UInt8] = [0x65, 0x88, 0x84, 0x00]
        let unit = [0, 0, 0, 1] + aud + [0, 0, 0, 1] + sps + [0, 0, 1] + pps + [0, 0, 0, 1] + idr
        let config = AnnexB.parameterSets(in: unit)
        #expect(config == [0, 0, 0, 1] + sps + [0, 0, 0, 1] + pps)
        #expect(EncodedCodec.avc1(annexB: config) == "avc1.64001F")
        #expect(AnnexB.parameterSets(in: [0, 0, 1] + idr).isEmpty)
    }

    @Test func leadCoversPrimingAndReorderDelay() {
        // x264 veryfast at 60 fps holds two frames (33.3 ms), more than AAC's 1024 samples (21.3 ms).
        let bFrames = PresentationLead(audioPriming: 1024.0 / 48_000, videoReorder: 2.0 / 60)
        #expect(bFrames.ticks(timescale: 15_360) == 512)
        #expect(bFrames.silenceSamples(priming: 1024, sampleRate: 48_000) == 576)
        // Without B-frames the priming decides, and the audio needs no silence.
        let intra = PresentationLead(audioPriming: 1024.0 / 48_000, videoReorder: 0)
        #expect(intra.ticks(timescale: 60_000) == 1280)
        #expect(intra.silenceSamples(priming: 1024, sampleRate: 48_000) == 0)
        #expect(PresentationLead(audioPriming: 0, videoReorder: 0).ticks(timescale: 12_800) == 0)
    }

    @Test func copiedAudioIsPaddedToTheVideoLead() {
        // An ffmpeg MP4 at 60 fps with B-frames: video decodes 33.3 ms early, AAC priming is 21.3 ms.
        var scan = SourceScan()
        scan.firstVideoDecode = -2.0 / 60
        scan.firstAudio = -1024.0 / 48_000
        let frame = 1024.0 / 48_000
        let padded = scan.lead(audioFrameSeconds: frame)
        #expect(padded.silentFrames == 1)
        #expect(abs(padded.lead.seconds - 2 * frame) < 1e-9)
        // Audio that cannot be padded (HE-AAC) keeps the video's lead and starts after 0.
        #expect(scan.lead(audioFrameSeconds: nil).silentFrames == 0)
        #expect(abs(scan.lead(audioFrameSeconds: nil).lead.seconds - 2.0 / 60) < 1e-9)
        // No B-frames: the priming alone, no padding; audio long before the video is not a lead.
        scan.firstVideoDecode = 0
        #expect(scan.lead(audioFrameSeconds: frame).silentFrames == 0)
        scan.firstAudio = -0.5
        #expect(scan.lead(audioFrameSeconds: frame).lead.seconds == 0)
    }
}

/// Encoder threads per rung for the default ladder on two cores.
struct EncoderThreadTests {
    @Test func largeRungsGetTwoThreads() {
        let top = 1920 * 1080
        let settings = TranscodeSettings()
        #expect([1920 * 1080, 1280 * 720, 854 * 480, 640 * 360].map { settings.threads(forPixels: $0, topPixels: top) } == [2, 2, 1, 1])
        #expect(TranscodeSettings(encoderThreads: 4).threads(forPixels: 640 * 360, topPixels: top) == 4)
    }
}
