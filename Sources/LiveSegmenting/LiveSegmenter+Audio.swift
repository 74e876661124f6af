import MediaCore
import RTMP

/// Audio side of the segmenter: AAC frames get sample-exact times (1024 samples each) re-synchronised
/// to the publisher's millisecond clock only when they drift by more than 100 ms (a real gap), and are
/// cut where the video was cut.
extension LiveSegmenter {
    static let aacFrameSamples: Int64 = 1024

    /// Works on `audio` in place, like `receiveVideo`, so appending never copies the pending samples.
    mutating func receiveAudio(_ frame: AudioFrame, receivedAt: Double) -> [Output] {
        guard audio != nil, let config = audioConfig else { return [] }
        let rate = Int64(config.sampleRate)
        // Before the first video keyframe nothing is being cut; keep audio only once video runs (or never
        // will: audio-only streams cut on their own below).
        var out: [Output] = []
        let measured = audio!.outputTime(forInput: frame.pts * rate / 1000)
        var dts = measured
        if let last = audio!.lastPendingDTS ?? audio!.lastEnd.map({ $0 - LiveSegmenter.aacFrameSamples }) {
            let expected = last + LiveSegmenter.aacFrameSamples
            let drift: Int64 = measured > expected ? measured - expected : expected - measured
            if drift <= rate / 10 { dts = expected }
        }
        out += flushAudioCuts(upTo: (frame.pts, dts))
        if video == nil { out += cutAudioOnly(frame, dts: dts) }
        if let partMs = partDurationMs, audio!.pendingDuration(until: dts + LiveSegmenter.aacFrameSamples) > partMs * rate / 1000,
           let part = audio!.cutPart(number: audioCuts.first?.number ?? openNumber, nextDTS: dts) {
            out.append(.part(audio!.rendition(frameRate: nil), part.0, bytes: part.1))
        }
        audio!.append(dts: dts, compositionOffset: 0, isSync: true, data: frame.data, receivedAt: receivedAt)
        return out
    }

    /// Emits audio segments for every video cut this audio frame reached (`upTo` is its input ms and
    /// output dts).
    mutating func flushAudioCuts(upTo frame: (ms: Int64, dts: Int64)) -> [Output] {
        var out: [Output] = []
        while let cut = audioCuts.first, frame.ms >= cut.timeMs {
            audioCuts.removeFirst()
            out += cutAudio(number: cut.number, nextDTS: frame.dts)
        }
        return out
    }

    /// Audio-only streams: cut at the first frame at or after each boundary.
    private mutating func cutAudioOnly(_ frame: AudioFrame, dts: Int64) -> [Output] {
        guard let boundary = audioOnlyBoundaryMs else {
            audioOnlyBoundaryMs = frame.pts + targetDurationMs
            return []
        }
        guard frame.pts >= boundary else { return [] }
        var next = boundary
        while next <= frame.pts { next += targetDurationMs }
        audioOnlyBoundaryMs = next
        let out = cutAudio(number: openNumber, nextDTS: dts)
        openNumber += 1
        return out
    }

    mutating func cutAudio(number: Int, nextDTS: Int64?) -> [Output] {
        guard audio != nil, let cut = audio!.cut(number: number, nextDTS: nextDTS) else { return [] }
        return Self.outputs(cut, rendition: audio!.rendition(frameRate: nil))
    }

    /// `onMetaData` gives the picture size when the SPS does not parse, and the frame rate.
    mutating func absorbMetadata(_ properties: [AMF0Property]) {
        let metadata = AMF0Value.ecmaArray(properties)
        if let width = metadata["width"]?.numberValue, let height = metadata["height"]?.numberValue,
           width > 0, height > 0, width < 100_000, height < 100_000 {
            metadataSize = (Int(width), Int(height))
        }
        if let rate = metadata["framerate"]?.numberValue ?? metadata["fps"]?.numberValue, rate > 0, rate < 1000 {
            let milli = Int((rate * 1000).rounded())
            frameRate = milli % 1000 == 0 ? Rational(milli / 1000, 1) : Rational(milli, 1000)
        }
    }
}
