import MediaCore
import RTMP
/// Turns demuxed MPEG-TS packets (Annex B H.264, ADTS AAC, 90 kHz times) into the same media events an
/// RTMP publisher produces, so SRT feeds the same segmenter.
struct TSMediaAdapter: Sendable {
    private var avcC: [UInt8]?
    private var sps: [UInt8]?
    private var pps: [UInt8]?
    private var asc: [UInt8]?
    private var videoClock = TimestampUnwrapper33()
    private var audioClock = TimestampUnwrapper33()

    /// One H.264 access unit; `pts`/`dts` in 90 kHz ticks.
    mutating func video(_ bytes: [UInt8], pts: Int64, dts: Int64, isKeyframe: Bool) -> [LiveMediaEvent] {
        var events: [LiveMediaEvent] = []
        var sample: [UInt8] = []
        var hasIDR = false
        for unit in AnnexB.nalUnits(bytes) {
            switch unit.first! & 0x1F {
            case 7: sps = Array(unit)
            case 8: pps = Array(unit)
            case 9: continue  // access unit delimiter: not stored in MP4 samples
            default:
                if unit.first! & 0x1F == 5 { hasIDR = true }
                sample.appendBigEndian(UInt32(unit.count))
                sample += unit
            }
        }
        if let sps, let pps, let record = AnnexB.avcC(sps: sps, pps: pps), record != avcC, AVCConfig(record) != nil {
            avcC = record
            events.append(.videoConfig(avcC: record))
        }
        guard avcC != nil, !sample.isEmpty else { return events }
        let decode = videoClock.unwrap(dts)
        let present = videoClock.unwrapNear(pts)
        events.append(.video(VideoFrame(dts: decode / 90, pts: present / 90, isKeyframe: isKeyframe || hasIDR, data: sample)))
        return events
    }

    /// One PES of ADTS frames starting at `pts` (90 kHz); frames after the first follow at 1024 samples each.
    mutating func audio(_ bytes: [UInt8], pts: Int64) throws -> [LiveMediaEvent] {
        var events: [LiveMediaEvent] = []
        let start = audioClock.unwrap(pts)
        for (index, frame) in try ADTS.frames(bytes).enumerated() {
            if frame.audioSpecificConfig != asc {
                asc = frame.audioSpecificConfig
                events.append(.audioConfig(asc: frame.audioSpecificConfig))
            }
            let millis = (start + Int64(index) * 1024 * 90_000 / Int64(frame.sampleRate)) / 90
            events.append(.audio(AudioFrame(pts: millis, data: frame.payload)))
        }
        return events
    }
}

extension TSMediaAdapter {
    /// Audio codecs MPEG-TS feeds carry besides AAC that are converted to AAC (libavcodec decoder names).
    static let convertedAudioCodecs: Set<String> = ["mp2", "mp3", "ac3", "eac3"]

    /// One demuxed packet of MP2, MP3 or AC-3 at `pts` (90 kHz), for the AAC conversion.
    mutating func codedAudio(_ bytes: [UInt8], codec: String, pts: Int64) -> LiveMediaEvent {
        .codedAudio(CodedAudio(codec: codec, pts: audioClock.unwrap(pts) / 90, data: bytes))
    }
}

/// MPEG-TS times are 33-bit 90 kHz counters that wrap every ~26.5 hours.
struct TimestampUnwrapper33: Sendable {
    private var last: Int64?
    private var epoch: Int64 = 0
    static let range: Int64 = 1 << 33

    mutating func unwrap(_ value: Int64) -> Int64 {
        let wrapped = value & (TimestampUnwrapper33.range - 1)
        if let last {
            if wrapped < last, last - wrapped > TimestampUnwrapper33.range / 2 { epoch += TimestampUnwrapper33.range }
        }
        last = wrapped
        return epoch + wrapped
    }

    /// A time near the last one (a pts next to its dts) on the same unwrapped timeline, without moving it.
    func unwrapNear(_ value: Int64) -> Int64 {
        let wrapped = value & (TimestampUnwrapper33.range - 1)
        guard let last else { return wrapped }
        var candidate = epoch + wrapped
        if wrapped < last, last - wrapped > TimestampUnwrapper33.range / 2 { candidate += TimestampUnwrapper33.range }
        return candidate
    }
}
