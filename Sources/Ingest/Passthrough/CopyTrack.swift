import FFmpegKit
import Foundation
import MediaCore

/// One copied stream: shifts timestamps to the common origin and cuts at the planned times.
final class CopyTrack {
    let streamIndex: Int
    let template: Rendition
    let writer: RenditionWriter
    private let timeBase: Rational
    private let originTicks: Int64
    private let leadTicks: Int64
    private let cutTicks: [Int64]
    private let keyframesOnly: Bool
    private let grid: Bool
    private let stripsADTS: Bool
    /// Silent AAC frames written before the first source packet, from 0 (see `SourceScan.lead`).
    private var silence: [[UInt8]]
    // Segment 1 opens with the first packet written (audio priming may come before the first cut).
    private var nextCut = 1
    private(set) var writtenSeconds = 0.0

    init(input: InputFile, stream: Int, template: Rendition, directory: URL, cuts: [Double], origin: Double,
         lead: PresentationLead, keyframesOnly: Bool, gridSeconds: Int? = nil, codecConfig: [UInt8]? = nil,
         stripsADTS: Bool = false, silence: [[UInt8]] = []) throws {
        streamIndex = stream
        self.template = template
        let timeBase = input.timeBase(ofStream: stream)
        self.timeBase = timeBase
        originTicks = Int64((origin / timeBase.value).rounded())
        leadTicks = Int64((lead.seconds / timeBase.value).rounded())
        cutTicks = cuts.map { Int64(($0 / timeBase.value).rounded()) }
        self.keyframesOnly = keyframesOnly
        grid = gridSeconds != nil
        self.stripsADTS = stripsADTS
        self.silence = silence
        writer = try RenditionWriter(id: template.id, directory: directory.appendingPathComponent(template.id.rawValue),
                                     muxer: FragmentedMP4Writer(copying: input, streamIndex: stream, extradata: codecConfig),
                                     timeBase: timeBase,
                                     segmentSeconds: gridSeconds ?? 6)
    }

    /// Writes one source packet: moved to the output timeline (source start + lead), cut as planned.
    func write(_ packet: Packet) throws {
        packet.shiftTimestamps(by: -originTicks)
        // Video from the source's start and its first keyframe on; audio from the lead on (its priming).
        guard let pts = packet.pts, pts >= (keyframesOnly ? 0 : -leadTicks) else { return }
        if keyframesOnly, writer.segmentCount == 0, !packet.isKeyframe { return }
        if !silence.isEmpty { try writeSilence() }
        let first = writer.segmentCount == 0
        if stripsADTS, let header = ADTSHeader(Array(packet.bytes.prefix(9))) { packet.dropLeadingBytes(header.length) }
        packet.shiftTimestamps(by: leadTicks)
        // A first picture decoded after 0 (its lead is longer than the reorder delay) is decoded at 0.
        if first, keyframesOnly, let dts = packet.dts, dts > 0 { packet.setDecodeTimestamp(0) }
        if grid {
            try writer.write(packet, cuttable: true)
        } else {
            var cut = false
            // A video cut falls exactly on a keyframe; audio cuts at its first packet at or after it.
            while nextCut < cutTicks.count, pts >= cutTicks[nextCut] {
                if keyframesOnly, !packet.isKeyframe { break }
                cut = true
                nextCut += 1
            }
            try writer.write(packet, startingSegment: cut && !first)
        }
        writtenSeconds = max(writtenSeconds, Double(pts + packet.duration) * timeBase.value)
    }

    /// The padding frames, at 0, 1024, … samples in the stream's time base; the first opens segment 1.
    private func writeSilence() throws {
        let sampleRate = Double(template.sampleRate ?? 48_000)
        for (index, bytes) in silence.enumerated() {
            let start = Int64((Double(index) * 1024 / sampleRate / timeBase.value).rounded())
            let end = Int64((Double(index + 1) * 1024 / sampleRate / timeBase.value).rounded())
            try writer.write(Packet(bytes: bytes, pts: start, duration: end - start), startingSegment: index == 0)
        }
        silence = []
    }
}
