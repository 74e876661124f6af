import FFmpegKit
import Foundation
import Ingest
import LiveSegmenting
import MediaCore

/// A decoded source picture on its way to one rung, with the source times it must come out with.
struct SourcePicture: @unchecked Sendable {
    // Each rung gets its own reference (`Frame.reference()`); only that rung's thread touches it.
    let frame: Frame
    let format: FilterSource
    let timing: PictureTiming
}

/// The source times of one picture (milliseconds on the publisher's clock) and when it arrived.
struct PictureTiming: Sendable {
    var pts: Int64
    var dts: Int64
    var isKeyframe: Bool
    var receivedAt: Double
}

/// One rung on its own thread: scale (filter graph), encode with x264 as an IDR wherever the source has
/// a keyframe, and hand each picture to the segmenter with the source's times. x264 runs with no
/// B-frames, so pictures leave in presentation order and each can carry its source picture's decode
/// time: the rung's segments then start exactly where the source's do.
final class LiveRungEncoder: @unchecked Sendable {
    enum Item {
        case picture(SourcePicture)
        /// Encode everything held, then leave the group (end of a session or of a decoder configuration).
        case flush(DispatchGroup)
    }

    let plan: VideoRenditionPlan
    let queue = BoundedQueue<Item>(capacity: 4)
    private let settings: LiveTranscodeSettings
    private let sink: RungSink
    private let measured: (_ height: Int, _ lagSeconds: Double) -> Void
    private let failed: (_ height: Int, _ error: Error) -> Void
    private let shedLock = NSLock()
    private var shedFlag = false
    // Touched only by the worker thread:
    private var encoder: Encoder?
    private var graph: FilterGraph?
    private var graphSource: FilterSource?
    /// Encoder timestamps are picture counts (a constant-rate timeline for x264's rate control); each
    /// maps back to its source picture's times.
    private var counter: Int64 = 0
    private var timings: [Int64: PictureTiming] = [:]
    private let filtered = Frame()
    private let packet = Packet()

    init(plan: VideoRenditionPlan, settings: LiveTranscodeSettings, sink: RungSink,
         measured: @escaping (Int, Double) -> Void, failed: @escaping (Int, Error) -> Void) {
        self.plan = plan
        self.settings = settings
        self.sink = sink
        self.measured = measured
        self.failed = failed
    }

    /// Shed: pictures still queued are skipped (flushes are still acknowledged) and the thread ends.
    func shed() {
        shedLock.lock()
        shedFlag = true
        shedLock.unlock()
        queue.close()
    }

    private var isShed: Bool {
        shedLock.lock(); defer { shedLock.unlock() }
        return shedFlag
    }

    func run() {
        while let item = queue.pop() {
            switch item {
            case .picture(let picture):
                guard !isShed else { continue }
                do {
                    try encode(picture)
                } catch {
                    failed(plan.height, error)
                }
            case .flush(let group):
                if !isShed { try? flushEncoder() }
                group.leave()
            }
        }
    }

    private func encode(_ picture: SourcePicture) throws {
        if graph == nil || graphSource != picture.format {
            graph = try FilterGraph(source: picture.format, filters: FilterText.video(plan, preparation: .asIs))
            graphSource = picture.format
        }
        try graph!.push(picture.frame)
        while try graph!.pull(into: filtered) {
            let encoder = try self.encoder ?? openEncoder()
            counter += 1
            timings[counter] = picture.timing
            filtered.pts = counter
            filtered.setForcedKeyframe(picture.timing.isKeyframe)
            while try !encoder.send(filtered) { try receivePackets(encoder) }
            try receivePackets(encoder)
        }
    }

    private func openEncoder() throws -> Encoder {
        let rate = plan.frameRate
        let encoder = try Encoder.h264(H264EncoderSettings(
            width: plan.width, height: plan.height, frameRate: rate, bitrateKbps: plan.bitrateKbps,
            maxrateKbps: plan.maxrateKbps, bufferKbits: plan.bufferKbits, profile: plan.profile.rawValue,
            preset: settings.preset, keyframeInterval: 100_000, threads: 1,
            timeBase: Rational(rate.denominator, rate.numerator),
            extraX264Params: ["bframes=0", settings.extraX264Params].compactMap { $0 }.joined(separator: ":"),
            tune: settings.tune))
        let units = AnnexB.nalUnits(encoder.extradata)
        guard let sps = units.first(where: { $0.first.map { $0 & 0x1F == 7 } ?? false }),
              let pps = units.first(where: { $0.first.map { $0 & 0x1F == 8 } ?? false }),
              let avcC = AnnexB.avcC(sps: Array(sps), pps: Array(pps)) else {
            throw LiveTranscodeError.noParameterSets(height: plan.height)
        }
        sink.configure(height: plan.height, avcC: avcC, width: plan.width, pictureHeight: plan.height)
        self.encoder = encoder
        return encoder
    }

    private func receivePackets(_ encoder: Encoder) throws {
        while try encoder.receive(into: packet) {
            guard let count = packet.pts, let timing = timings.removeValue(forKey: count) else { continue }
            let sample = AnnexB.lengthPrefixedSample(packet.bytes)
            let frame = RungFrame(dts: min(timing.dts, timing.pts), pts: timing.pts,
                                  isKeyframe: packet.isKeyframe || sample.hasIDR, data: sample.sample)
            sink.deliver(height: plan.height, frame, receivedAt: timing.receivedAt)
            measured(plan.height, Date().timeIntervalSince1970 - timing.receivedAt)
        }
    }

    /// Drains x264 (it cannot take pictures after that: the next one opens a new encoder, whose
    /// configuration the segmenter ignores when it is the same).
    private func flushEncoder() throws {
        guard let encoder else { return }
        while try !encoder.send(nil) { try receivePackets(encoder) }
        try receivePackets(encoder)
        self.encoder = nil
        timings = [:]
    }
}

/// Why a live rung could not be encoded, in a line a person can act on.
enum LiveTranscodeError: Error, CustomStringConvertible {
    case noParameterSets(height: Int)

    var description: String {
        switch self {
        case .noParameterSets(let height):
            return "libx264 gave the \(height)p rung no SPS/PPS in its extradata (global headers): cannot describe the rung's init segment"
        }
    }
}
