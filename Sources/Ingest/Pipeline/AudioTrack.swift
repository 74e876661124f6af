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
    private var graph: FilterGraph?
    private var graphSource: FilterSource?
    private let filtered = Frame()
    private let packet = Packet()
    private(set) var encodedSeconds = 0.0

    init(plan: AudioRenditionPlan, segmentSeconds: Int, directory: URL) throws {
        self.plan = plan
        encoder = try Encoder.aac(sampleRate: plan.settings.sampleRate, channels: plan.settings.channels,
                                  bitrateKbps: plan.settings.bitrateKbps)
        writer = try RenditionWriter(id: plan.id, directory: directory, muxer: FragmentedMP4Writer(encoder: encoder),
                                     timeBase: encoder.timeBase, segmentSeconds: segmentSeconds)
    }

    func process(_ frame: Frame, format: FilterSource) throws {
        if graphSource != format {
            // A mid-stream change of rate or layout: finish the old chain and start a new one.
            try drainGraph()
            graph = try FilterGraph(source: format, filters: FilterText.audio(plan.settings), frameSize: max(encoder.frameSize, 1))
            graphSource = format
        }
        try graph?.push(frame)
        try pullFiltered()
    }

    func finish() throws {
        try drainGraph()
        try encode(nil)
        try writer.finish()
    }

    private func drainGraph() throws {
        guard let graph else { return }
        try graph.push(nil)
        try pullFiltered()
        self.graph = nil
    }

    private func pullFiltered() throws {
        guard let graph else { return }
        while try graph.pull(into: filtered) {
            filtered.rescaleTimestamp(from: graph.outputTimeBase, to: encoder.timeBase)
            try encode(filtered)
        }
    }

    /// Sends a frame (nil: flush), taking packets out whenever the encoder is full, then all that is ready.
    private func encode(_ frame: Frame?) throws {
        while try !encoder.send(frame) { try receivePackets() }
        try receivePackets()
    }

    private func receivePackets() throws {
        let padding = Int64(encoder.initialPadding)
        while try encoder.receive(into: packet) {
            // The encoder dates its priming frame before zero; shift so the first real sample is at zero.
            packet.shiftTimestamps(by: padding)
            guard (packet.pts ?? 0) >= 0 else { continue }
            try writer.write(packet, cuttable: true)
            encodedSeconds = max(encodedSeconds, Double((packet.pts ?? 0) + packet.duration) / Double(plan.settings.sampleRate))
        }
    }
}
