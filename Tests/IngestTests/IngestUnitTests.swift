import Foundation
@testable import Ingest
import MediaCore
import Testing

/// Pure pieces: filter text, asset ids, progress figures, passthrough cut choice, the bounded queue.
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

    @Test func defaultAssetIDs() {
        #expect(AssetNaming.defaultID(forFile: "/videos/My Movie (2021).MOV").rawValue == "my-movie-2021")
        #expect(AssetNaming.defaultID(forFile: "__clip__.mp4").rawValue == "clip__")
        #expect(AssetNaming.defaultID(forFile: "Ünïcode.mkv").rawValue == "n-code")
        #expect(AssetNaming.defaultID(forFile: "!!!.mp4").rawValue == "asset")
        #expect(AssetNaming.defaultID(forFile: String(repeating: "a", count: 100) + ".mp4").rawValue.count == 64)
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
