import Foundation
import MediaCore
import TestSupport

/// A small real asset made by the ffmpeg program in the layout mediaserve serves:
/// `<dir>/<rendition>/init.mp4` and `seg-<n>.m4s` (numbered from 1), two H.264 renditions and one AAC.
/// 7 s at 25 fps with a keyframe every 2 s, cut into 2 s CMAF segments. Made once per test run.
struct FFmpegAsset: Sendable {
    struct Spec: Sendable { var id: String; var arguments: [String] }

    let directory: URL
    static let duration = 7
    static let specs: [Spec] = [
        Spec(id: "video-180p", arguments: ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=\(duration)", "-c:v", "libx264",
                                           "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50",
                                           "-sc_threshold", "0", "-b:v", "300k"]),
        Spec(id: "video-90p", arguments: ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=\(duration)", "-c:v", "libx264",
                                          "-profile:v", "main", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50",
                                          "-sc_threshold", "0", "-b:v", "100k"]),
        Spec(id: "audio-aac", arguments: ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:d=\(duration)",
                                          "-ac", "2", "-c:a", "aac", "-b:a", "64k"]),
    ]

    static let shared: Result<FFmpegAsset, Error> = Result { try FFmpegAsset.make() }

    static func make() throws -> FFmpegAsset {
        // One fixed folder in the generated-media area (git-ignored), rebuilt each run so runs do not pile up.
        let dir = TestMedia.generated.appendingPathComponent("packaging-asset")
        try? FileManager.default.removeItem(at: dir)
        for spec in specs {
            let renditionDir = dir.appendingPathComponent(spec.id)
            try FileManager.default.createDirectory(at: renditionDir, withIntermediateDirectories: true)
            let result = try run("ffmpeg", ["-y", "-v", "error"] + spec.arguments + [
                "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2", "-hls_playlist_type", "vod",
                "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", "seg-%d.m4s", "-start_number", "1", "ffmpeg.m3u8",
            ], currentDirectory: renditionDir)
            guard result.status == 0 else { throw FixtureError("ffmpeg failed for \(spec.id): \(result.stderr)") }
        }
        return FFmpegAsset(directory: dir)
    }

    func renditionDirectory(_ id: String) -> URL { directory.appendingPathComponent(id) }

    /// Segment numbers present for a rendition, ascending.
    func segmentNumbers(_ id: String) throws -> [Int] {
        try FileManager.default.contentsOfDirectory(atPath: renditionDirectory(id).path)
            .compactMap { name in
                guard name.hasPrefix("seg-"), name.hasSuffix(".m4s") else { return nil }
                return Int(name.dropFirst(4).dropLast(4))
            }.sorted()
    }

    func bytes(_ id: String, _ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: renditionDirectory(id).appendingPathComponent(file)))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
