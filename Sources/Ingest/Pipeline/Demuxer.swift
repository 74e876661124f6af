import FFmpegKit
import Foundation
import MediaCore

/// The decoding side of the pipeline (runs on the caller's thread): read packets, decode the chosen video
/// and audio streams, move timestamps so the source starts at zero, hand pictures to the rung queues and
/// sound to the audio track, and report progress.
struct Demuxer {
    let input: InputFile
    let plan: IngestPlan
    let workers: [VideoRungWorker]
    let audio: AudioTrack?
    let flag: CancellationFlag
    private let videoDecoder: Decoder?
    private let audioDecoder: Decoder?
    /// Source start (seconds): the video stream's first timestamp, else the audio's.
    private let origin: Double
    private var decodedVideo = 0
    private var decodedAudio = 0
    private var corruptPackets = 0
    private var lastVideoPts: Int64?
    private let started = Date()
    private var lastReport = Date.distantPast

    init(input: InputFile, plan: IngestPlan, workers: [VideoRungWorker], audio: AudioTrack?, flag: CancellationFlag) throws {
        self.input = input
        self.plan = plan
        self.workers = workers
        self.audio = audio
        self.flag = flag
        videoDecoder = try plan.videoStream.map { try Decoder(input: input, streamIndex: $0) }
        audioDecoder = try plan.audioStream.map { try Decoder(input: input, streamIndex: $0) }
        origin = (plan.videoStream ?? plan.audioStream).flatMap { input.startTime(ofStream: $0) } ?? 0
    }

    mutating func run(progress: (TranscodeProgress) -> Void) throws {
        let packet = Packet()
        let frame = Frame()
        while !flag.isCancelled, try input.readPacket(into: packet) {
            if packet.streamIndex == plan.videoStream, let decoder = videoDecoder {
                try decode(packet, with: decoder, into: frame, video: true)
            } else if packet.streamIndex == plan.audioStream, let decoder = audioDecoder {
                try decode(packet, with: decoder, into: frame, video: false)
            }
            report(progress)
        }
        guard !flag.isCancelled else { return }
        if let videoDecoder { try decode(nil, with: videoDecoder, into: frame, video: true) }
        if let audioDecoder { try decode(nil, with: audioDecoder, into: frame, video: false) }
        if (videoDecoder != nil && decodedVideo == 0) || (videoDecoder == nil && decodedAudio == 0) {
            throw IngestError.noFramesDecoded(path: input.path)
        }
    }

    /// Feeds one packet (nil: drain) and hands on every frame that comes out. A packet the decoder refuses
    /// as corrupt is skipped, as players do; a file with nothing decodable fails in `run`.
    private mutating func decode(_ packet: Packet?, with decoder: Decoder, into frame: Frame, video: Bool) throws {
        var accepted = false
        while !accepted {
            do {
                accepted = try decoder.send(packet)
            } catch {
                if packet == nil { throw error }
                corruptPackets += 1
                return
            }
            // Either the packet went in, or the decoder wants its output taken first.
            try receiveFrames(from: decoder, into: frame, video: video)
        }
    }

    private mutating func receiveFrames(from decoder: Decoder, into frame: Frame, video: Bool) throws {
        while true {
            let got: Bool
            do { got = try decoder.receive(into: frame) } catch { corruptPackets += 1; break }
            guard got else { break }
            guard let pts = frame.bestEffortTimestamp else { continue }
            let originTicks = Int64((origin / decoder.timeBase.value).rounded())
            frame.pts = pts - originTicks
            if video { try deliverVideo(frame, decoder: decoder) } else { try deliverAudio(frame, decoder: decoder) }
        }
    }

    private mutating func deliverVideo(_ frame: Frame, decoder: Decoder) throws {
        guard let pts = frame.pts, pts >= 0 else { return }  // before the source's start (edit list lead-in)
        if let last = lastVideoPts, pts <= last { return }
        lastVideoPts = pts
        decodedVideo += 1
        let format = decoder.sourceFormat(of: frame)
        for worker in workers {
            guard worker.queue.push(SourceFrame(frame: frame.reference(), format: format)) else {
                if let failure = flag.firstFailure { throw failure }
                throw IngestError.cancelled
            }
        }
    }

    private mutating func deliverAudio(_ frame: Frame, decoder: Decoder) throws {
        guard let audio else { return }
        decodedAudio += 1
        try audio.process(frame, format: decoder.sourceFormat(of: frame))
    }

    private mutating func report(_ progress: (TranscodeProgress) -> Void) {
        let now = Date()
        guard now.timeIntervalSince(lastReport) >= 0.25 else { return }
        lastReport = now
        let positions = workers.map(\.progress)
        let seconds = positions.map(\.seconds).min() ?? audio?.encodedSeconds ?? 0
        progress(TranscodeProgress(encodedSeconds: seconds, totalSeconds: plan.duration,
                                   frames: positions.map(\.frames).min() ?? 0, elapsed: now.timeIntervalSince(started)))
    }
}
