import MediaCore

/// Turns a live publisher's non-AAC audio (RTMP's MP3 or G.711, MPEG-TS's MP2, MP3 or AC-3) into AAC-LC at
/// 48 kHz, mono or stereo (more channels are downmixed), so every live stream's audio is what HLS and DASH
/// players decode. Decode, resample (`aresample` in a filter graph, fed the input's millisecond times with
/// `async`: a gap in the input is filled with silence and drift is absorbed, so the output timeline stays
/// continuous and in step with the video) and one AAC encoder for the whole session. Not thread-safe: one
/// publisher's media arrive in order on one task.
public final class AACConverter {
    /// One AAC-LC access unit (raw, no ADTS header) and its presentation time in milliseconds on the
    /// publisher's clock.
    public struct Output: Sendable, Equatable {
        public var ptsMs: Int64
        public var data: [UInt8]
    }

    public static let sampleRate = 48_000
    public let codec: String
    private let subject: String
    private let decoder: Decoder
    private var graph: FilterGraph?
    private var graphSource: FilterSource?
    private var encoder: Encoder?
    private var channels = 0
    private let decoded = Frame()
    private let filtered = Frame()
    private let packet = Packet()

    /// - Parameters: `sampleRate` and `channels` where the coded frames do not say them (PCM, G.711).
    public init(codec: String, sampleRate: Int? = nil, channels: Int? = nil, subject: String) throws(FFmpegError) {
        self.codec = codec
        self.subject = subject
        decoder = try Decoder.audio(codec: codec, sampleRate: sampleRate, channels: channels, subject: subject)
    }

    /// The AAC encoder's AudioSpecificConfig, once the first decoded audio fixed the channel count; a
    /// different value after a call means the channel count changed (a new configuration for the segmenter).
    public var audioSpecificConfig: [UInt8]? { encoder?.extradata }

    /// Decodes one packet of the source codec (a corrupt one is thrown; the next may decode) and returns
    /// the AAC frames that are complete now.
    public func convert(_ data: [UInt8], ptsMs: Int64) throws(FFmpegError) -> [Output] {
        guard !data.isEmpty else { return [] }
        let input = Packet(payload: data, pts: ptsMs, dts: ptsMs, isKeyframe: true)
        var out: [Output] = []
        while try !decoder.send(input) { try drainDecoder(into: &out) }
        try drainDecoder(into: &out)
        return out
    }

    /// The end of the session: whatever the resampler and encoder still hold.
    public func finish() throws(FFmpegError) -> [Output] {
        var out: [Output] = []
        _ = try decoder.send(nil)
        try drainDecoder(into: &out)
        if let graph {
            try graph.push(nil)
            try drainGraph(graph, into: &out)
        }
        if let encoder {
            _ = try encoder.send(nil)
            try drainEncoder(encoder, into: &out)
        }
        return out
    }

    private func drainDecoder(into out: inout [Output]) throws(FFmpegError) {
        while try decoder.receive(into: decoded) {
            let format = decoder.sourceFormat(of: decoded)
            if graph == nil || format != graphSource {
                // A new source format (rate or layout change) needs a new graph; a new channel count a new
                // encoder too, whose configuration the caller hands on as a new audio configuration.
                let sourceChannels = Int(decoded.pointer.pointee.ch_layout.nb_channels)
                let wanted = sourceChannels == 1 ? 1 : 2
                if wanted != channels, let encoder {
                    _ = try encoder.send(nil)
                    try drainEncoder(encoder, into: &out)
                    self.encoder = nil
                }
                channels = wanted
                graph = try FilterGraph(source: format, filters: Self.filters(channels: wanted), frameSize: 1024)
                graphSource = format
            }
            try graph!.push(decoded)
            try drainGraph(graph!, into: &out)
        }
    }

    static func filters(channels: Int) -> String {
        "aresample=\(sampleRate):async=1:min_hard_comp=0.1,aformat=sample_fmts=fltp:sample_rates=\(sampleRate):channel_layouts="
            + (channels == 1 ? "mono" : "stereo")
    }

    private func drainGraph(_ graph: FilterGraph, into out: inout [Output]) throws(FFmpegError) {
        while try graph.pull(into: filtered) {
            // The sink's time base is 1/48000 after aresample; the encoder's is the same.
            filtered.rescaleTimestamp(from: graph.outputTimeBase, to: Rational(1, Self.sampleRate))
            let encoder: Encoder
            if let open = self.encoder {
                encoder = open
            } else {
                encoder = try Encoder.aac(sampleRate: Self.sampleRate, channels: channels, bitrateKbps: 64 * channels)
                self.encoder = encoder
            }
            while try !encoder.send(filtered) { try drainEncoder(encoder, into: &out) }
            try drainEncoder(encoder, into: &out)
        }
    }

    private func drainEncoder(_ encoder: Encoder, into out: inout [Output]) throws(FFmpegError) {
        while try encoder.receive(into: packet) {
            // The first packet is the encoder's priming (1024 samples before the first real one): kept, so
            // decoded audio lines up with the source; a time before the clock's zero is not representable.
            guard let pts = packet.pts else { continue }
            let ms = pts * 1000 / Int64(Self.sampleRate)
            guard pts >= 0 else { continue }
            out.append(Output(ptsMs: ms, data: packet.bytes))
        }
    }
}
