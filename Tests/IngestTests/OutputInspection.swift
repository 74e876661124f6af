import Foundation
import MediaCore
import TestSupport

/// Independent readers of what ingest wrote: ffprobe on init+segments joined, and a NAL-unit look at
/// each video segment's first picture.
enum OutputInspection {
    /// init.mp4 followed by every segment, as one file ffprobe can read.
    static func joined(_ directory: URL, segments: Int) throws -> URL {
        var data = try Data(contentsOf: directory.appendingPathComponent("init.mp4"))
        for n in 1...segments { data.append(try Data(contentsOf: directory.appendingPathComponent("seg-\(n).m4s"))) }
        let url = directory.appendingPathComponent("joined.mp4")
        try data.write(to: url)
        return url
    }

    static func stream(_ directory: URL, segments: Int) throws -> [String: Any] {
        let json = try ffprobeJSON(joined(directory, segments: segments).path)
        return ((json["streams"] as? [[String: Any]]) ?? []).first ?? [:]
    }

    /// Presentation time (seconds) of the earliest packet ffprobe finds: where a rendition's first picture
    /// or first (priming) audio frame is shown.
    static func firstPresentation(_ directory: URL, segments: Int) throws -> Double? {
        let file = try joined(directory, segments: segments)
        let result = try run("ffprobe", ["-v", "error", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file.path])
        return result.stdout.split(separator: "\n").compactMap { Double($0.split(separator: ",").first ?? "") }.min()
    }

    /// Decode times (seconds) of the keyframe packets ffprobe finds. Ingest gives the source's instant 0 a
    /// lead equal to x264's reorder delay, so an IDR's decode time is its segment boundary (k × 6 s).
    static func keyframeTimes(_ directory: URL, segments: Int) throws -> [Double] {
        let file = try joined(directory, segments: segments)
        let result = try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=dts_time,flags",
                                         "-of", "csv=p=0", file.path])
        return result.stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ",")
            guard parts.count >= 2, parts[1].hasPrefix("K"), let t = Double(parts[0]) else { return nil }
            return t
        }.sorted()
    }

    /// The NAL unit type of the first picture (VCL NAL, type 1...5) in a segment's mdat; 5 is an IDR.
    static func firstPictureNALType(_ segment: URL) throws -> Int? {
        let bytes = [UInt8](try Data(contentsOf: segment))
        var offset = 0
        while offset + 8 <= bytes.count {
            let size = Int(BigEndian.uint32(bytes, at: offset))
            let type = String(decoding: bytes[offset + 4 ..< offset + 8], as: UTF8.self)
            if type == "mdat" {
                var nal = offset + 8
                while nal + 5 <= offset + size {
                    let length = Int(BigEndian.uint32(bytes, at: nal))
                    let nalType = Int(bytes[nal + 4] & 0x1F)
                    if (1...5).contains(nalType) { return nalType }
                    nal += 4 + length
                }
                return nil
            }
            guard size >= 8 else { return nil }
            offset += size
        }
        return nil
    }
}
