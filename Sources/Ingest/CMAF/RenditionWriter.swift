import FFmpegKit
import Foundation
import MediaCore

/// Writes one rendition's CMAF files, `<directory>/init.mp4` and `seg-1.m4s`, `seg-2.m4s`, …, cutting a
/// new segment at the first cuttable packet (a keyframe for video, any packet for audio) at or after each
/// multiple of the segment duration. Boundaries are exact in the packet time base (k × 6 s), which is
/// what makes segment N of every rendition start at the same time.
final class RenditionWriter {
    let id: SafeName
    let directory: URL
    private let muxer: FragmentedMP4Writer
    private let ticksPerSegment: Int64
    private var nextCut: Int64 = 0
    private(set) var segmentCount = 0

    init(id: SafeName, directory: URL, muxer: FragmentedMP4Writer, timeBase: Rational, segmentSeconds: Int) throws {
        self.id = id
        self.directory = directory
        self.muxer = muxer
        // Time bases here are 1/N, so a whole number of ticks is exactly one segment.
        ticksPerSegment = Int64(segmentSeconds) * Int64(timeBase.denominator) / Int64(max(timeBase.numerator, 1))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try muxer.writeInit(to: directory.appendingPathComponent("init.mp4").path)
    }

    /// Writes a packet, starting a new segment first when it is cuttable and at or past the next boundary.
    func write(_ packet: Packet, cuttable: Bool) throws {
        let time = packet.pts ?? packet.dts ?? 0
        let cut = segmentCount == 0 || (cuttable && time >= nextCut)
        if cut { nextCut = time < 0 ? ticksPerSegment : (time / ticksPerSegment + 1) * ticksPerSegment }
        try write(packet, startingSegment: cut)
    }

    /// Writes a packet, starting a new segment first when the caller decided one starts here (passthrough
    /// cuts at the source's own keyframes).
    func write(_ packet: Packet, startingSegment: Bool) throws {
        if startingSegment || segmentCount == 0 {
            segmentCount += 1
            try muxer.startSegment(at: directory.appendingPathComponent("seg-\(segmentCount).m4s").path)
        }
        try muxer.write(packet)
    }

    func finish() throws {
        try muxer.finish()
    }
}

/// RFC 6381 strings from encoder configuration bytes.
enum EncodedCodec {
    /// `avc1.PPCCLL` from x264's Annex B extradata (the first SPS NAL unit: profile, constraints, level).
    static func avc1(annexB bytes: [UInt8]) -> String? {
        if let avcC = CodecString.avc1(avcC: bytes) { return avcC }
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 {
                let header = i + 3
                if bytes[header] & 0x1F == 7, header + 3 < bytes.count {
                    return CodecString.avc1(profile: bytes[header + 1], constraints: bytes[header + 2], level: bytes[header + 3])
                }
                i = header
            } else {
                i += 1
            }
        }
        return nil
    }
}
