import Foundation
import MediaCore
import Testing
import TestSupport

/// The display size MediaCore's one SPS reader gives (live init segments announce it; encryption reads the
/// same parameter sets), against pictures x264 made at sizes that need frame cropping: 4:2:0 with odd
/// rows and columns, 4:4:4 (crop unit 1) and interlaced field coding (crop unit doubled vertically).
@Suite struct SequenceParameterSetSizeTests {
    /// The SPS NAL unit (header byte first) of two pictures x264 encodes at `width`x`height`.
    static func sequenceParameterSetNAL(width: Int, height: Int, options: [String]) throws -> [UInt8] {
        let out = try temporaryDirectory("sps-size").appendingPathComponent("\(width)x\(height).h264")
        let result = try run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=25",
                                        "-frames:v", "2", "-c:v", "libx264"] + options + ["-f", "h264", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(AnnexB.nalUnits([UInt8](try Data(contentsOf: out))).first { ($0.first ?? 0) & 0x1F == 7 }.map { Array($0) })
    }

    @Test(arguments: [
        (1918, 1078, ["-pix_fmt", "yuv420p"]),
        (642, 362, ["-pix_fmt", "yuv444p"]),
        (720, 572, ["-pix_fmt", "yuv420p", "-flags", "+ilme+ildct", "-x264-params", "interlaced=1"]),
        (320, 180, ["-pix_fmt", "yuv420p", "-profile:v", "baseline"]),
    ])
    func displaySizeIsTheEncodedSize(width: Int, height: Int, options: [String]) throws {
        let sps = try H264SequenceParameterSet(nal: try Self.sequenceParameterSetNAL(width: width, height: height, options: options))
        #expect(sps.width == width)
        #expect(sps.height == height)
    }

    @Test func aCutSequenceParameterSetIsAnErrorOrTheSameSize() throws {
        let whole = try Self.sequenceParameterSetNAL(width: 1918, height: 1078, options: [])
        var refused = 0
        for length in 1..<whole.count {
            do {
                let sps = try H264SequenceParameterSet(nal: whole.prefix(length))
                #expect(sps.width == 1918 && sps.height == 1078, "cut at \(length) of \(whole.count) bytes")
            } catch is H264Error {
                refused += 1
            }
        }
        // The size fields sit in the first bytes: cuts there must be refused, not read as another size.
        #expect(refused >= 5)
    }
}
