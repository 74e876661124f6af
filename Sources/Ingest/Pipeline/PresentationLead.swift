/// Where the source's first instant lands on the output timeline, chosen so that every player presents
/// audio and video in sync and every rendition's first `tfdt` is 0.
///
/// Two things sit before the first real sample. The AAC encoder's priming frame (1024 samples, 21.3 ms
/// at 48 kHz) must be decoded but not heard; x264's B-frame reordering makes the first picture's decode
/// time lie one or two frames before its presentation time. Neither may have a negative timestamp in
/// CMAF (`tfdt` is unsigned), so the source's instant 0 is presented at `seconds` > 0, the larger of the
/// two, on both tracks: the first video frame at `seconds`, the first real audio sample at `seconds`
/// too, with the priming frame (and silence, if video needed the longer lead) in front of it.
///
/// Why a shifted timeline rather than an edit list (`elst` media_time = priming): edit lists in
/// fragmented MP4 are honoured by some players (libavformat, Safari) and not by others (Media Source
/// Extensions players — hls.js, dash.js, Video.js/VHS — take `tfdt` and sample times as they are), so an
/// edit list that fixes one family puts the other out by 21 ms, over a frame at 60 fps. Timestamps that
/// are already right need no interpretation; libavformat's own fragmented output makes the same choice
/// (it shifts tracks instead of writing edit lists). The cost is a near-silent 21–80 ms lead-in the
/// players play before the first picture, and video segment starts (`tfdt`) that are decode times: a
/// segment's IDR is presented x264's reorder delay after its `tfdt` (segment 1's: `seconds` after 0),
/// the same on every rung.
///
/// Both tracks start at `tfdt` 0 because the packager maps each rendition's first segment start to the
/// period start (DASH `presentationTimeOffset`): equal first starts keep that mapping the same for all.
public struct PresentationLead: Hashable, Sendable {
    /// Output presentation time of the source's instant 0, seconds.
    public var seconds: Double

    /// The lead for an encoder priming of `audioPriming` seconds (0 without audio) and a video reorder
    /// delay of `videoReorder` seconds (0 without video or B-frames).
    public init(audioPriming: Double, videoReorder: Double) {
        seconds = max(audioPriming, videoReorder, 0)
    }

    /// The lead in ticks of a timeline with `timescale` ticks per second (rounded: ±half a tick).
    public func ticks(timescale: Int) -> Int64 {
        Int64((seconds * Double(timescale)).rounded())
    }

    /// Samples of silence to put before the first real sample so that, after `priming` encoder samples,
    /// it is presented at `seconds`.
    public func silenceSamples(priming: Int, sampleRate: Int) -> Int {
        max(Int(ticks(timescale: sampleRate)) - priming, 0)
    }
}
