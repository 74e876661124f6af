import MediaCore
@testable import Packaging

/// Deterministic segment indexes shaped like ingest's output: video in 12800 Hz (libavformat's choice
/// for 25 fps), AAC in 48 kHz with segment ends on 1024-sample frame boundaries, so audio durations vary
/// the way real ones do.
enum Synthetic {
    static let ast = 1_767_225_600.0  // 2026-01-01T00:00:00Z

    static func name(_ raw: String) -> SafeName { SafeName(raw)! }

    static func video(_ id: String, height: Int, kbps: Int, codecs: String) -> Rendition {
        Rendition(id: name(id), kind: .video, codecs: codecs, peakBitrate: kbps * 1150, averageBitrate: kbps * 1000,
                  timescale: 12_800, width: height * 16 / 9, height: height, frameRate: Rational(25, 1))
    }

    static let audio = Rendition(id: name("audio-aac"), kind: .audio, codecs: "mp4a.40.2", peakBitrate: 131_000,
                                 averageBitrate: 128_000, timescale: 48_000, sampleRate: 48_000, channels: 2, language: "en")

    static let ladder: [Rendition] = [
        video("video-1080p", height: 1080, kbps: 5000, codecs: "avc1.640028"),
        video("video-360p", height: 360, kbps: 800, codecs: "avc1.4D401E"),
        video("video-720p", height: 720, kbps: 2800, codecs: "avc1.64001F"),
    ]

    /// Segment boundaries in seconds → segments of a rendition. Audio boundaries snap up to whole AAC frames.
    static func segments(_ rendition: Rendition, boundaries: [Double], firstNumber: Int = 1,
                         pdtBase: Double? = nil, discontinuityAt: Set<Int> = []) -> [SegmentInfo] {
        let ts = Double(rendition.timescale)
        func tick(_ seconds: Double) -> Int64 {
            let raw = Int64((seconds * ts).rounded())
            return rendition.kind == .audio ? (raw + 1023) / 1024 * 1024 : raw
        }
        var result: [SegmentInfo] = []
        for i in 0..<(boundaries.count - 1) {
            let start = tick(boundaries[i]), end = tick(boundaries[i + 1])
            let seconds = Double(end - start) / ts
            let number = firstNumber + i
            result.append(SegmentInfo(number: number, start: start, duration: end - start,
                                      size: Int(seconds * Double(rendition.averageBitrate) / 8),
                                      discontinuity: discontinuityAt.contains(number),
                                      programDateTime: pdtBase.map { $0 + Double(start) / ts }))
        }
        return result
    }

    static func boundaries(count: Int, segment: Double = 6, last: Double? = nil, from origin: Double = 0) -> [Double] {
        var b = (0...count).map { origin + Double($0) * segment }
        if let last { b[count] = b[count - 1] + last }
        return b
    }

    /// A VOD asset: the ladder plus audio, `count` segments, the last one shorter.
    static func vod(count: Int = 5, renditions: [Rendition]? = nil) -> [RenditionIndex] {
        let b = boundaries(count: count, last: 3.2)
        return (renditions ?? ladder + [audio]).map { RenditionIndex(rendition: $0, segments: segments($0, boundaries: b)) }
    }

    /// A live stream whose media time 0 is `ast`, segments `firstNumber...` with arrival clocks.
    static func live(firstNumber: Int, count: Int, renditions: [Rendition]? = nil) -> [RenditionIndex] {
        let b = boundaries(count: count, from: Double(firstNumber - 1) * 6)
        return (renditions ?? [ladder[1], ladder[2], audio]).map {
            RenditionIndex(rendition: $0, segments: segments($0, boundaries: b, firstNumber: firstNumber, pdtBase: ast))
        }
    }

    /// A live stream that restarted after segment 5: the encoder's clock began again at 0 at wall time
    /// ast + 40 s (10 s after the first run ended), numbering went on at 6.
    static func restarted(renditions: [Rendition]? = nil) -> [RenditionIndex] {
        (renditions ?? [ladder[1], audio]).map { r in
            let first = segments(r, boundaries: boundaries(count: 5), pdtBase: ast)
            let second = segments(r, boundaries: boundaries(count: 4), firstNumber: 6, pdtBase: ast + 40, discontinuityAt: [6])
            return RenditionIndex(rendition: r, segments: first + second)
        }
    }

    /// `restarted()` as the live segmenter writes it: each run's segments name their own init segment
    /// (`init-1.mp4`, then `init-6.mp4` after the encoder came back with other parameters).
    static func reinitialised(renditions: [Rendition]? = nil) -> [RenditionIndex] {
        restarted(renditions: renditions).map { index in
            var copy = index
            copy.segments = index.segments.map { segment in
                var s = segment
                s.initNumber = segment.number < 6 ? 1 : 6
                return s
            }
            return copy
        }
    }
}
