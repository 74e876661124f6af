import FFmpegKit
import Foundation
import MediaCore

/// A decoded picture shared with one rung, plus the format it was decoded in (a rung rebuilds its filter
/// graph when a source changes size mid-stream).
struct SourceFrame: @unchecked Sendable {
    // Each rung receives its own reference (`Frame.reference()`); only that rung's thread touches it.
    let frame: Frame
    let format: FilterSource
}

/// One rung of the ladder on its own thread: scale (filter graph), force an IDR at each segment boundary,
/// encode with x264, write CMAF segments. Fed by a bounded queue from the single decoding thread.
final class VideoRungWorker: @unchecked Sendable {
    // Touched only by the worker thread between `run()` start and end, except `position` (locked).
    let plan: VideoRenditionPlan
    let queue: BoundedQueue<SourceFrame>
    let encoder: Encoder
    let writer: RenditionWriter
    private let preparation: VideoPreparation
    private let flag: CancellationFlag
    private let ticksPerSegment: Int64
    private let stage: FilterStage
    private var nextIDR: Int64 = 0
    private var lastPts: Int64 = .min
    private var lastDts: Int64?
    private let packet = Packet()
    private let lock = NSLock()
    private var encodedSeconds = 0.0
    private var encodedFrames = 0
    /// Ticks (encoder time base) at which the source's first instant is presented; set before `run()`.
    var leadTicks: Int64 = 0

    init(plan: VideoRenditionPlan, preparation: VideoPreparation, settings: TranscodeSettings, keyframeInterval: Int,
         timescale: Int, encoderThreads: Int, segmentSeconds: Int, directory: URL, flag: CancellationFlag) throws {
        self.plan = plan
        self.preparation = preparation
        self.flag = flag
        ticksPerSegment = Int64(segmentSeconds) * Int64(timescale)
        queue = BoundedQueue(capacity: settings.queueCapacity)
        encoder = try Encoder.h264(H264EncoderSettings(
            width: plan.width, height: plan.height, frameRate: plan.frameRate, bitrateKbps: plan.bitrateKbps,
            maxrateKbps: plan.maxrateKbps, bufferKbits: plan.bufferKbits, profile: plan.profile.rawValue,
            preset: settings.preset, keyframeInterval: keyframeInterval, threads: encoderThreads,
            timeBase: Rational(1, timescale), extraX264Params: settings.extraX264Params))
        writer = try RenditionWriter(id: plan.id, directory: directory, muxer: FragmentedMP4Writer(encoder: encoder),
                                     timeBase: encoder.timeBase, segmentSeconds: segmentSeconds)
        let filters = FilterText.video(plan, preparation: preparation)
        stage = FilterStage { source in try FilterGraph(source: source, filters: filters) }
    }

    /// How long x264 holds pictures back for B-frames, seconds: the first packet's decode time lies this
    /// far before its presentation time.
    var reorderSeconds: Double {
        plan.frameRate.value > 0 ? Double(encoder.reorderDelayFrames) / plan.frameRate.value : 0
    }

    /// Seconds of output encoded so far and frames, for progress.
    var progress: (seconds: Double, frames: Int) {
        lock.lock(); defer { lock.unlock() }
        return (encodedSeconds, encodedFrames)
    }

    func run() {
        do {
            while let item = queue.pop() {
                if flag.isCancelled { break }
                try stage.push(item.frame, format: item.format, deliver: encodeFiltered)
            }
            guard !flag.isCancelled else { return }
            try stage.drain(deliver: encodeFiltered)
            try encode(nil)
            try writer.finish()
        } catch {
            flag.fail(error)
            queue.abandon()
        }
    }

    /// Moves a scaled picture onto the output timeline (source time + lead), forces an IDR on each
    /// segment boundary of the source's time, and encodes it.
    private func encodeFiltered(_ filtered: Frame, timeBase: Rational) throws {
        filtered.rescaleTimestamp(from: timeBase, to: encoder.timeBase)
        guard let sourcePts = filtered.pts, sourcePts + leadTicks > lastPts else { return }  // x264 needs rising timestamps
        lastPts = sourcePts + leadTicks
        filtered.pts = lastPts
        let boundary = sourcePts >= nextIDR
        if boundary { nextIDR = (sourcePts / ticksPerSegment + 1) * ticksPerSegment }
        filtered.setForcedKeyframe(boundary)
        try encode(filtered)
    }

    /// Sends a frame (nil: flush), taking packets out whenever the encoder is full, then all that is ready.
    private func encode(_ frame: Frame?) throws {
        while try !encoder.send(frame) { try receivePackets() }
        try receivePackets()
    }

    private func receivePackets() throws {
        while try encoder.receive(into: packet) {
            // The first picture is decoded at 0 even when its presentation lead is longer than x264's
            // reorder delay (audio priming above it), so every rendition's first tfdt is 0. A source whose
            // first frames are further apart than its nominal rate makes x264's delay longer than the
            // lead: its first decode times would be negative, so they are raised (still rising, still at
            // or before each picture's presentation time).
            if let dts = packet.dts {
                let fixed = lastDts.map { max(dts, $0 + 1) } ?? 0
                if fixed != dts { packet.setDecodeTimestamp(fixed) }
                lastDts = fixed
            }
            let end = Double((packet.pts ?? 0) + packet.duration) * encoder.timeBase.value
            try writer.write(packet, cuttable: packet.isKeyframe)
            lock.lock()
            encodedSeconds = max(encodedSeconds, end)
            encodedFrames += 1
            lock.unlock()
        }
    }
}
