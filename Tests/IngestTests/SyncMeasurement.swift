import Foundation
import TestSupport

/// An A/V sync check from the outside: a source whose picture turns white on the same instant a 1 kHz
/// tone starts, and ffmpeg (which presents by the stored timestamps, as every player must) telling when
/// each happens in what ingest wrote.
enum SyncMeasurement {
    /// 320x180 at `rate` ("60", "60000/1001"), 4 s: black then white from frame `2 × rate` (rounded up), and
    /// silence then a tone from that frame's time, to the sample (aevalsrc computes every sample).
    static func source(rate: String, bFrames: Bool) throws -> URL {
        let parts = rate.split(separator: "/").compactMap { Double($0) }
        let fps = parts.count == 2 ? parts[0] / parts[1] : parts[0]
        let flashFrame = Int((2 * fps).rounded(.up))
        let onset = Double(flashFrame) / fps
        let name = "sync-\(rate.replacingOccurrences(of: "/", with: "_"))-\(bFrames ? "b" : "i").mp4"
        return try TestSources.make(name, [
            "-f", "lavfi", "-i", "color=c=black:s=320x180:r=\(rate):d=4,drawbox=c=white:t=fill:enable='gte(n,\(flashFrame))'",
            "-f", "lavfi", "-i", "aevalsrc='if(gte(t,\(onset)),0.5*sin(2*PI*1000*(t-\(onset))),0)':s=48000:d=4",
            "-c:v", "libx264", "-preset", bFrames ? "veryfast" : "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k",
        ])
    }

    /// Presentation time (s) of the first picture whose mean luma is over half scale.
    static func flashTime(_ file: URL) throws -> Double? {
        let result = try run("ffprobe", ["-v", "error", "-f", "lavfi", "-i", "movie=\(file.path),signalstats",
                                         "-show_entries", "frame=pts_time:frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0"])
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: ",").compactMap { Double($0) }
            if fields.count == 2, fields[1] > 128 { return fields[0] }
        }
        return nil
    }

    /// Time (s) of the first decoded sample above 30 % of the loudest: the first frame's timestamp plus
    /// the sample's position (the decoded stream is continuous from there).
    static func toneTime(_ file: URL) throws -> Double? {
        let first = try run("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "frame=pts_time",
                                        "-of", "csv=p=0", file.path])
        guard let start = first.stdout.split(separator: "\n").first.flatMap({ Double($0) }) else { return nil }
        let raw = file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".f32")
        let decoded = try run("ffmpeg", ["-v", "error", "-y", "-i", file.path, "-map", "0:a:0", "-ac", "1", "-ar", "48000",
                                         "-f", "f32le", raw.path])
        guard decoded.status == 0 else { return nil }
        let samples = try Data(contentsOf: raw).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let peak = samples.map(abs).max() ?? 0
        guard peak > 0, let index = samples.firstIndex(where: { abs($0) > 0.3 * peak }) else { return nil }
        return start + Double(index) / 48_000
    }

    /// Tone onset minus flash, seconds, for a video file and an audio file (or one file holding both).
    static func offset(video: URL, audio: URL) throws -> Double? {
        guard let flash = try flashTime(video), let tone = try toneTime(audio) else { return nil }
        return tone - flash
    }
}
