import FFmpegKit
import Foundation
import MediaCore

/// The audio rendition, run on the decoding thread (it is cheap next to video): resample to 48 kHz
/// stereo in frames of exactly 1024 samples, encode AAC-LC, write CMAF segments cut at the same
/// boundaries as the video.
final class AudioTrack {
    let plan: AudioRenditionPlan
    let encoder: Encoder
    let writer: RenditionWriter
    private let stage: FilterStage
    private let packet = Packet()
    private(set) var encodedSeconds = 0.0
    /// Where the source's first instant is presented (set before the first frame; see `PresentationLead`).
    var lead = PresentationLead(audioPriming: 0, videoReorder: 0)

    init(plan: AudioRenditionPlan, segmentSeconds: Int, directory: URL) throws {
        self.plan = plan
        let encoder = try Encoder.aac(sampleRate: plan.settings.sampleRate, channels: plan.settings.channels,
                                      bitrateKbps: plan.settings.bitrateKbps)
        self.encoder = encoder
        writer = try RenditionWriter(id: plan.id, directory: directory, muxer: FragmentedMP4Writer(encoder: encoder),
                                     timeBase: encoder.timeBase, segmentSeconds: segmentSeconds)
        stage = FilterStage { source in
            try FilterGraph(source: source, filters: FilterText.audio(plan.settings), frameSize: max(encoder.frameSize, 1))
        }
    }

    /// The encoder's priming (decoded, never meant to be heard), seconds.
    var primingSeconds: Double { Double(encoder.initialPadding) / Double(plan.settings.sampleRate) }

    func process(_ frame: Frame, format: FilterSource) throws {
        // Later by the silence the lead asks for: the resampler (`first_pts=0`) fills the gap before it.
        if case .audio(_, _, _, let timeBase) = format, let pts = frame.pts {
            let silence = lead.silenceSamples(priming: encoder.initialPadding, sampleRate: plan.settings.sampleRate)
            frame.pts = pts + Int64((Double(silence) / Double(plan.settings.sampleRate) / timeBase.value).rounded())
        }
        try stage.push(frame, format: format, deliver: encodeFiltered)
    }

    func finish() throws {
        try stage.drain(deliver: encodeFiltered)
        try encode(nil)
        try writer.finish()
    }

    private func encodeFiltered(_ filtered: Frame, timeBase: Rational) throws {
        filtered.rescaleTimestamp(from: timeBase, to: encoder.timeBase)
        try encode(filtered)
    }

    /// Sends a frame (nil: flush), taking packets out whenever the encoder is full, then all that is ready.
    private func encode(_ frame: Frame?) throws {
        while try !encoder.send(frame) { try receivePackets() }
        try receivePackets()
    }

    private func receivePackets() throws {
        let padding = Int64(encoder.initialPadding)
        while try encoder.receive(into: packet) {
            // The encoder dates its priming frame before the first sample it was given (silence, then the
            // source at `lead`); shifting by the priming puts that frame at 0.
            packet.shiftTimestamps(by: padding)
            guard (packet.pts ?? 0) >= 0 else { continue }
            try writer.write(packet, cuttable: true)
            encodedSeconds = max(encodedSeconds, Double((packet.pts ?? 0) + packet.duration) / Double(plan.settings.sampleRate))
        }
    }
}
