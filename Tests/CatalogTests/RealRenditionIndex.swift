import Foundation
import MediaCore
import TestSupport

/// A RenditionIndex read from real CMAF output: ffmpeg encodes a 3 s 29.97 fps clip into fMP4 HLS
/// segments, and the index is built from the bytes (avcC for the codec string, mdhd timescale, tfdt
/// start times, file sizes) the way ingest will, so the round trip covers real-world values.
enum RealRenditionIndex {
    static func make(in directory: URL) throws -> RenditionIndex {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try run("ffmpeg", [
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30000/1001:duration=3",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
            "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
            "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", "seg-%d.m4s", "-start_number", "1",
            "v.m3u8",
        ], currentDirectory: directory)
        guard result.status == 0 else { throw Failure("ffmpeg failed: \(result.stderr)") }

        let initBytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("init.mp4")))
        guard let avcC = payload(of: "avcC", in: initBytes), let codecs = CodecString.avc1(avcC: Array(avcC)),
              let mdhd = payload(of: "mdhd", in: initBytes), mdhd.count >= 16 else { throw Failure("init.mp4 has no avcC/mdhd") }
        let timescale = Int32(BigEndian.uint32(Array(mdhd), at: mdhd.first == 1 ? 20 : 12))

        var segments: [SegmentInfo] = []
        var number = 1
        while case let url = directory.appendingPathComponent("seg-\(number).m4s"), FileManager.default.fileExists(atPath: url.path) {
            let bytes = try [UInt8](Data(contentsOf: url))
            guard let tfdt = payload(of: "tfdt", in: bytes).map(Array.init) else { throw Failure("seg-\(number).m4s has no tfdt") }
            let start = tfdt[0] == 1 ? Int64(BigEndian.uint32(tfdt, at: 4)) << 32 | Int64(BigEndian.uint32(tfdt, at: 8)) : Int64(BigEndian.uint32(tfdt, at: 4))
            segments.append(SegmentInfo(number: number, start: start, duration: 0, size: bytes.count))
            number += 1
        }
        guard segments.count >= 2 else { throw Failure("ffmpeg wrote \(segments.count) segments") }
        // Durations from consecutive tfdt; the last from the clip length (3 s).
        for i in segments.indices {
            let end = i + 1 < segments.count ? segments[i + 1].start : Int64(3 * Int(timescale))
            segments[i].duration = end - segments[i].start
        }
        let bits = segments.map { Double($0.size * 8) / (Double($0.duration) / Double(timescale)) }
        let rendition = Rendition(id: SafeName("video-90p")!, kind: .video, codecs: codecs,
                                  peakBitrate: Int(bits.max()!), averageBitrate: Int(bits.reduce(0, +) / Double(bits.count)),
                                  timescale: timescale, width: 160, height: 90, frameRate: Rational(30000, 1001))
        return RenditionIndex(rendition: rendition, segments: segments)
    }

    /// The bytes after the 8-byte header of the first box of that type (a byte search: enough for
    /// the small files ffmpeg writes here; the real box reader belongs to Packaging).
    private static func payload(of type: String, in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        let tag = Array(type.utf8)
        guard bytes.count > 8 else { return nil }
        for i in 4..<(bytes.count - 4) where bytes[i..<(i + 4)].elementsEqual(tag) {
            let size = Int(BigEndian.uint32(bytes, at: i - 4))
            guard size >= 8, i - 4 + size <= bytes.count else { continue }
            return bytes[(i + 4)..<(i - 4 + size)]
        }
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
