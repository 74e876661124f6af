import Config
import MediaCore
import Ingest

extension IngestRequest {
    /// The request the ladder configuration asks for, the same for `mediaserve ingest` and the job
    /// worker: rungs, audio, segment length (whole seconds, at least 1), frame-rate cap and x264 preset.
    /// `rungs` narrows the ladder (already selected by the caller); `preset` is the one that won between
    /// the flag, `ingest.preset` and the ladder file.
    public init(source: String, ladder: LadderConfig, rungs: [LadderRung]? = nil, preset: String, copy: Bool = false) {
        self.init(source: source, ladder: rungs ?? ladder.rungs,
                  audio: AudioSettings(bitrateKbps: ladder.audio.bitrateKbps, sampleRate: ladder.audio.sampleRate,
                                       channels: ladder.audio.channels),
                  segmentSeconds: max(Int(ladder.segmentSeconds.rounded()), 1), maxFrameRate: ladder.maxFrameRate,
                  settings: TranscodeSettings(preset: preset), copy: copy)
    }
}
