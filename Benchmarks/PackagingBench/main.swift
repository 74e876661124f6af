// `make bench-packaging`: how long one manifest request takes, from the segment index to the text.
// Each figure includes resolving the request (filters, periods, window) because the origin does that
// per request too. Median of many runs, release build.
import Foundation
import MediaCore
import Packaging

func name(_ raw: String) -> SafeName { SafeName(raw)! }

let ladder: [(String, Int, Int, String)] = [
    ("video-360p", 360, 800, "avc1.4D401E"), ("video-480p", 480, 1400, "avc1.64001E"),
    ("video-540p", 540, 2000, "avc1.64001F"), ("video-720p", 720, 2800, "avc1.64001F"),
    ("video-1080p", 1080, 5000, "avc1.640028"), ("video-1440p", 1440, 9000, "avc1.640032"),
]

/// `count` six-second segments per rendition from segment `first`: 6 video renditions + AAC audio whose
/// segment ends snap to 1024-sample frames (so audio durations vary, as real ones do).
func asset(first: Int, count: Int, pdtBase: Double?) -> [RenditionIndex] {
    var result: [RenditionIndex] = []
    for (id, height, kbps, codecs) in ladder {
        let r = Rendition(id: name(id), kind: .video, codecs: codecs, peakBitrate: kbps * 1150, averageBitrate: kbps * 1000,
                          timescale: 12_800, width: height * 16 / 9, height: height, frameRate: Rational(25, 1))
        let segments = (0..<count).map { i -> SegmentInfo in
            let n = first + i
            let start = Int64(n - 1) * 76_800
            return SegmentInfo(number: n, start: start, duration: 76_800, size: kbps * 750,
                               programDateTime: pdtBase.map { $0 + Double(start) / 12_800 })
        }
        result.append(RenditionIndex(rendition: r, segments: segments))
    }
    let audio = Rendition(id: name("audio-aac"), kind: .audio, codecs: "mp4a.40.2", peakBitrate: 131_000,
                          averageBitrate: 128_000, timescale: 48_000, sampleRate: 48_000, channels: 2, language: "en")
    func tick(_ n: Int) -> Int64 { (Int64(n - 1) * 288_000 + 1023) / 1024 * 1024 }
    let audioSegments = (0..<count).map { i -> SegmentInfo in
        let n = first + i
        return SegmentInfo(number: n, start: tick(n), duration: tick(n + 1) - tick(n), size: 96_000,
                           programDateTime: pdtBase.map { $0 + Double(tick(n)) / 48_000 })
    }
    result.append(RenditionIndex(rendition: audio, segments: audioSegments))
    return result
}

func median(_ runs: Int, _ body: () throws -> String) rethrows -> (micros: Double, bytes: Int) {
    var times: [Double] = []
    var bytes = 0
    let clock = ContinuousClock()
    for _ in 0..<runs {
        var text = ""
        let elapsed = try clock.measure { text = try body() }
        bytes = text.utf8.count
        times.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    times.sort()
    return (times[times.count / 2], bytes)
}

let runs = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 301
let ast = 1_767_225_600.0
let vod = ManifestRequest(renditions: asset(first: 1, count: 1200, pdtBase: nil), kind: .vod)
// A stream running for 2 h 30 min whose ring still holds it all; the 2 h DVR window cuts 1200 segments.
let live = ManifestRequest(renditions: asset(first: 1, count: 1500, pdtBase: ast), kind: .liveSlidingWindow,
                           hlsLiveSegmentCount: nil, now: ast + 9001, availabilityStartTime: ast,
                           urls: ManifestURLs(utcTimingURL: "/time"))
var liveDefault = live
liveDefault.hlsLiveSegmentCount = 10
let video = name("video-1080p")

print("manifest build time, median of \(runs) runs (µs), 6 video + 1 audio renditions")
for (label, request) in [("VOD 2 h", vod), ("live 2 h DVR (HLS: whole window)", live),
                         ("live 2 h DVR (HLS: newest 10, the default)", liveDefault)] {
    let master = try median(runs) { try Presentation(request).hlsMultivariantPlaylist() }
    let media = try median(runs) { try Presentation(request).hlsMediaPlaylist(for: video) }
    let mpd = try median(runs) { try Presentation(request).dashMPD() }
    print(label)
    print(String(format: "  HLS multivariant   %8.1f µs  (%d bytes)", master.micros, master.bytes))
    print(String(format: "  HLS media (1080p)  %8.1f µs  (%d bytes)", media.micros, media.bytes))
    print(String(format: "  DASH MPD           %8.1f µs  (%d bytes)", mpd.micros, mpd.bytes))
}
