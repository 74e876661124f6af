import Foundation
import Ingest
import MediaCore
import Testing
import TestSupport

/// Ingest writes poster.jpg (the top rung's size) and thumbnail.jpg beside the renditions, from a frame
/// at 10 % of the duration that is not black.
@Suite struct PosterTests {
    /// 2 s of black, then 8 s of test pattern: 10 % of 10 s falls in the black part.
    static func blackLeader() throws -> URL {
        try TestSources.make("black-leader.mp4", [
            "-f", "lavfi", "-i", "color=c=black:s=480x270:r=25:d=2,format=yuv420p[b];testsrc2=s=480x270:r=25:d=8[t];[b][t]concat=n=2:v=1:a=0",
            "-f", "lavfi", "-i", "sine=f=440:r=44100:d=10",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        ])
    }

    @Test func posterIsANonBlackJPEGAtTheTopRungSize() throws {
        let source = try Self.blackLeader()
        let staging = TestSources.scratch("poster")
        defer { try? FileManager.default.removeItem(at: staging) }
        let output = try IngestRunner.run(IngestRequest(source: source.path, ladder: [], copy: true), into: staging)
        let top = try #require(output.renditions.first { $0.rendition.kind == .video }?.rendition)
        for (file, width, height) in [("poster.jpg", top.width!, top.height!), ("thumbnail.jpg", 320, 180)] {
            let path = staging.appendingPathComponent(file).path
            let probe = try ffprobeJSON(path, extra: ["-show_streams"])
            let stream = try #require((probe["streams"] as? [[String: Any]])?.first)
            #expect(stream["codec_name"] as? String == "mjpeg", "\(file)")
            #expect(stream["width"] as? Int == width && stream["height"] as? Int == height, "\(file)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.prefix(3) == Data([0xFF, 0xD8, 0xFF]), "\(file) is a JPEG")
        }
        // The frame at 1 s is black; the poster must be from the test pattern after it.
        let stats = try run("ffprobe", ["-v", "error", "-f", "lavfi", "movie=\(staging.appendingPathComponent("poster.jpg").path),signalstats",
                                        "-show_entries", "frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0"])
        let luma = try #require(Double(stats.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(luma > 40)
        #expect(!FileManager.default.fileExists(atPath: staging.appendingPathComponent("poster.jpg.tmp").path))
    }

    @Test func audioOnlyAssetsHaveNoPoster() {
        let audio = RenditionIndex(rendition: Rendition(id: SafeName("audio")!, kind: .audio, codecs: "mp4a.40.2", peakBitrate: 1,
                                                        averageBitrate: 1, timescale: 48_000), segments: [])
        #expect(PosterPlan(renditions: [audio], durationSeconds: 60) == nil)
    }
}
