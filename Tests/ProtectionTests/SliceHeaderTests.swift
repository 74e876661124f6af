import Foundation
import MediaCore
import MP4
import Protection
import Testing
import TestSupport

/// Slice header lengths (H.264 7.3.3) against FFmpeg's own bitstream reader: `trace_headers` prints every
/// slice header element with its bit position, so where the last one ends is where ours must end. Two
/// streams: the 720p fixture (CABAC, B-frames, weighted prediction) and one made here with CAVLC, three
/// slices per picture, interlacing (field pictures), four references and weighted P prediction.
@Suite struct SliceHeaderTests {
    /// H.264 in Annex B form from `arguments` (an ffmpeg input and encoder options).
    static func annexB(_ name: String, _ arguments: [String]) throws -> URL {
        let out = try temporaryDirectory("slice-header").appendingPathComponent(name + ".h264")
        let result = try run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y"] + arguments + ["-an", "-f", "h264", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    /// Where FFmpeg's trace says each slice header ends, in bits from the start of the NAL unit.
    static func tracedSliceHeaderEnds(_ file: URL) throws -> [Int] {
        let trace = try run("ffmpeg", ["-hide_banner", "-i", file.path, "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"])
        let element = try Regex(#"\]\s+(\d+)\s+(\S+)\s+([01]+) = "#)
        var ends: [Int] = []
        var inSlice = false
        for line in trace.stderr.split(separator: "\n") {
            if let match = line.firstMatch(of: element) {
                guard inSlice, match.output[2].substring != "cabac_alignment_one_bit",
                      let position = Int(match.output[1].substring ?? ""), let bits = match.output[3].substring else { continue }
                ends[ends.count - 1] = position + bits.count
            } else {
                inSlice = line.hasSuffix("Slice Header")
                if inSlice { ends.append(0) }
            }
        }
        return ends
    }

    /// `prefixBytes`: how much of each slice is unescaped first (the parser reads the whole NAL when the
    /// header runs past it; a tiny prefix makes every slice take that path).
    static func parsedSliceHeaderEnds(_ file: URL, prefixBytes: Int = 256) throws -> [Int] {
        var sets = H264ParameterSets()
        var ends: [Int] = []
        for nal in AnnexB.nalUnits([UInt8](try Data(contentsOf: file))) {
            guard let header = nal.first else { continue }
            if (1...5).contains(header & 0x1F) {
                ends.append(try H264SliceHeader.bitLength(nal: nal, parameterSets: sets, prefixBytes: prefixBytes))
            } else {
                try sets.add(nal)
            }
        }
        return ends
    }

    @Test func fixtureSliceHeadersEndWhereFFmpegSays() throws {
        let file = try Self.annexB("fixture", ["-i", try TestMedia.file("720p5994.mp4").path, "-frames:v", "90", "-c:v", "copy",
                                               "-bsf:v", "h264_mp4toannexb"])
        let traced = try Self.tracedSliceHeaderEnds(file)
        #expect(traced.count >= 90)
        #expect(try Self.parsedSliceHeaderEnds(file) == traced)
        #expect(try Self.parsedSliceHeaderEnds(file, prefixBytes: 3) == traced)
    }

    @Test func cavlcFieldSlicesEndWhereFFmpegSays() throws {
        let file = try Self.annexB("cavlc", ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "30", "-c:v", "libx264",
                                             "-x264-params", "slices=3:cabac=0:weightp=2:bframes=3:ref=4:interlaced=1:b-pyramid=normal"])
        let traced = try Self.tracedSliceHeaderEnds(file)
        #expect(traced.count >= 90)
        #expect(try Self.parsedSliceHeaderEnds(file) == traced)
        #expect(try Self.parsedSliceHeaderEnds(file, prefixBytes: 3) == traced)
    }

    /// In a cbcs sample map, every slice NAL is clear exactly to the end of its slice header (whole bytes):
    /// nothing of the header is encrypted, nothing after it is left clear.
    @Test func cbcsSubsamplesStartAfterTheSliceHeader() throws {
        let file = try Self.annexB("map", ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "10", "-c:v", "libx264",
                                           "-x264-params", "slices=2:bframes=2"])
        var sets = H264ParameterSets()
        var checked = 0
        for nal in AnnexB.nalUnits([UInt8](try Data(contentsOf: file))) {
            let type = nal.first.map { $0 & 0x1F } ?? 0
            guard (1...5).contains(type) else { try sets.add(nal); continue }
            let sample = withUnsafeBytes(of: UInt32(nal.count).bigEndian, Array.init) + nal
            let map = try #require(try SubsampleMap.subsamples(of: sample[...], layout: .avc(lengthSize: 4, parameterSets: sets), scheme: .cbcs))
            let headerBytes = try H264SliceHeader.byteLength(nal: nal, parameterSets: sets)
            #expect(headerBytes == 1 + (try H264SliceHeader.bitLength(nal: nal, parameterSets: sets) - 8 + 7) / 8)
            if nal.count - headerBytes >= 16 {
                #expect(map == [Subsample(clearBytes: 4 + headerBytes, protectedBytes: nal.count - headerBytes)])
                checked += 1
            }
        }
        #expect(checked >= 10)
    }

    @Test func damagedSliceIsAnErrorNotACrash() throws {
        var sets = H264ParameterSets()
        #expect(throws: H264Error.self) { try H264SliceHeader.bitLength(nal: [0x65, 0x88], parameterSets: sets) }
        #expect(throws: H264Error.self) { try sets.add([0x67, 0x64]) }
        #expect(throws: H264Error.self) { try H264ParameterSets(avcC: [1, 0x64, 0, 0x1F, 0xFF, 0xE1, 0, 9, 0x67]) }
    }
}
