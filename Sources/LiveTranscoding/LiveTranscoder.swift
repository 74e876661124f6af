import FFmpegKit
import Foundation
import Ingest
import LiveSegmenting
import Logging
import MediaCore
import RTMP

/// One live stream's transcode: the publisher's H.264 is decoded once on this transcoder's thread, and
/// every rung (`LiveRungEncoder`) scales and encodes it on a thread of its own. The publication only
/// queues media here (`submit` never waits), so neither the RTMP event loop nor the SRT reader is held up
/// by encoding. When the encoded output trails the source's arrival by more than
/// `settings.maxLagSeconds`, the most expensive rung is shed (`ShedPolicy`).
public final class LiveTranscoder: LiveRungTranscoder, @unchecked Sendable {
    enum Input {
        case config([UInt8])
        case picture(VideoFrame, receivedAt: Double)
        case frameRate(Rational)
        case flush(DispatchSemaphore)
        /// The source's session ended: encode what is held, then let the segmenter cut the rungs' last segments.
        case sessionEnd
    }

    private let stream: SafeName
    private let ladder: LiveTranscodeLadder
    private let settings: LiveTranscodeSettings
    private let sink: RungSink
    private let logger: Logger
    private let input: BoundedQueue<Input>
    private let threads = DispatchGroup()
    /// Guards `rungs`, `policy`, `overloaded` (rung threads report lag, the decoder thread adds rungs).
    private let lock = NSLock()
    private var rungs: [Int: LiveRungEncoder] = [:]
    private var policy: ShedPolicy
    private var overloaded = false
    private var lagReports = 0
    // Touched only by the decoding thread:
    private var decoder: Decoder?
    private var avcC: [UInt8]?
    private var planned = false
    private var frameRate = Rational(30, 1)
    private var waitingForKeyframe = true
    private var pending: [Int64: PictureTiming] = [:]
    private var decodeTimes: [Int64] = []
    private let decoded = Frame()

    public init(stream: SafeName, ladder: LiveTranscodeLadder, settings: LiveTranscodeSettings, sink: RungSink, logger: Logger) {
        self.stream = stream
        self.ladder = ladder
        self.settings = settings
        self.sink = sink
        self.logger = logger
        input = BoundedQueue(capacity: settings.inputCapacity)
        policy = ShedPolicy(budgetSeconds: settings.maxLagSeconds)
        spawn("decode") { [self] in decodeLoop() }
    }

    /// A factory for `LiveStreams`: every stream with a ladder gets a transcoder with these settings.
    public static func factory(settings: LiveTranscodeSettings, logger: Logger) -> LiveTranscoderFactory {
        { stream, ladder, sink in LiveTranscoder(stream: stream, ladder: ladder, settings: settings, sink: sink, logger: logger) }
    }

    public func submit(_ input: TranscoderInput) {
        switch input {
        case .media(let event): submit(event)
        case .sessionEnded: queue(.sessionEnd)
        }
    }

    private func submit(_ event: ArrivedMediaEvent) {
        let item: Input
        switch event.event {
        case .videoConfig(let record): item = .config(record)
        case .video(let frame): item = .picture(frame, receivedAt: event.receivedAt)
        case .metadata(let properties):
            guard let rate = Self.frameRate(properties) else { return }
            item = .frameRate(rate)
        default: return
        }
        queue(item)
    }

    /// Queues without waiting; a full queue means decoding fell too far behind: every rung is shed.
    private func queue(_ item: Input) {
        guard !isOverloaded, !input.offer(item) else { return }
        shedEverything(reason: "\(settings.inputCapacity) source pictures waiting to be decoded")
    }

    public func drain() {
        let done = DispatchSemaphore(value: 0)
        guard input.push(.flush(done)) else { return }
        done.wait()
    }

    public func stop() {
        drain()
        input.close()
        threads.wait()
    }

    // MARK: decoding thread

    private func decodeLoop() {
        while let item = input.pop() {
            switch item {
            case .config(let record):
                guard record != avcC else { continue }
                flushAll()
                avcC = record
            case .frameRate(let rate):
                if !planned { frameRate = rate }
            case .picture(let frame, let receivedAt):
                decode(frame, receivedAt: receivedAt)
            case .flush(let done):
                flushAll()
                done.signal()
            case .sessionEnd:
                flushAll()
                sink.sessionEnded()
            }
        }
        flushAll()
        lock.lock()
        let all = Array(rungs.values)
        lock.unlock()
        for rung in all { rung.queue.close() }
    }

    private func decode(_ frame: VideoFrame, receivedAt: Double) {
        guard let avcC, !isOverloaded else { return }
        if waitingForKeyframe {
            guard frame.isKeyframe else { return }
            waitingForKeyframe = false
        }
        do {
            let decoder = try self.decoder ?? Decoder.h264(avcC: avcC, subject: "live stream \(stream)")
            self.decoder = decoder
            pending[frame.pts] = PictureTiming(pts: frame.pts, dts: frame.dts, isKeyframe: frame.isKeyframe, receivedAt: receivedAt)
            decodeTimes.append(frame.dts)
            let packet = Packet(payload: frame.data, pts: frame.pts, dts: frame.dts, isKeyframe: frame.isKeyframe)
            while try !decoder.send(packet) { try receiveDecoded(decoder) }
            try receiveDecoded(decoder)
        } catch {
            logger.warning("live transcode skipped a picture it could not decode: \(error)", metadata: ["stream": "\(stream)"])
        }
    }

    private func receiveDecoded(_ decoder: Decoder) throws {
        while try decoder.receive(into: decoded) {
            guard let pts = decoded.bestEffortTimestamp else { continue }
            // Pictures leave the decoder in presentation order; the n-th one takes the n-th decode time
            // fed in, so a rung's decode times are the source's (never after the picture's own pts).
            let dts = decodeTimes.isEmpty ? pts : min(decodeTimes.removeFirst(), pts)
            guard var timing = pending.removeValue(forKey: pts) else { continue }
            timing.dts = dts
            if !planned { plan(width: decoded.width, height: decoded.height) }
            let format = decoder.sourceFormat(of: decoded)
            for rung in activeRungs() {
                rung.queue.push(.picture(SourcePicture(frame: decoded.reference(), format: format, timing: timing)))
            }
        }
    }

    /// The first picture gives the source's size: the rungs above it are dropped (logged once), the
    /// others get their encoders' threads.
    private func plan(width: Int, height: Int) {
        planned = true
        let plan = LiveRungPlan(ladder: ladder, sourceWidth: width, sourceHeight: height, frameRate: frameRate)
        if !plan.aboveSource.isEmpty {
            logger.notice("live transcode rungs above the source's \(height)p left out: \(plan.aboveSource.map { "\($0)p" }.joined(separator: ", "))",
                          metadata: ["stream": "\(stream)"])
        }
        sink.planned(active: plan.rungs.map(\.height), aboveSource: plan.aboveSource, sourceHeight: height)
        for rendition in plan.rungs {
            let rung = LiveRungEncoder(plan: rendition, settings: settings, sink: sink,
                                       measured: { [weak self] height, lag in self?.measured(height: height, lagSeconds: lag) },
                                       failed: { [weak self] height, error in self?.failed(height: height, error: error) })
            lock.lock()
            rungs[rendition.height] = rung
            lock.unlock()
            spawn("rung-\(rendition.height)") { rung.run() }
        }
    }

    /// Decodes what the decoder holds, and has every rung encode what it holds; the next picture opens
    /// a new decoder (from the same or a new configuration) at a keyframe.
    private func flushAll() {
        if let decoder {
            _ = try? decoder.send(nil)
            try? receiveDecoded(decoder)
        }
        decoder = nil
        waitingForKeyframe = true
        pending = [:]
        decodeTimes = []
        let group = DispatchGroup()
        for rung in activeRungs() {
            group.enter()
            if !rung.queue.push(.flush(group)) { group.leave() }
        }
        group.wait()
    }

    // MARK: shedding

    private func activeRungs() -> [LiveRungEncoder] {
        lock.lock(); defer { lock.unlock() }
        return rungs.values.sorted { $0.plan.height > $1.plan.height }
    }

    private var isOverloaded: Bool {
        lock.lock(); defer { lock.unlock() }
        return overloaded
    }

    private func measured(height: Int, lagSeconds: Double) {
        lock.lock()
        lagReports += 1
        let report = lagReports % 30 == 0
        let shed = policy.shouldShed(lagSeconds: lagSeconds, now: ProcessInfo.processInfo.systemUptime)
            ? LiveRungPlan.mostExpensive(Array(rungs.keys)).flatMap { rungs.removeValue(forKey: $0) } : nil
        lock.unlock()
        if report { sink.measured(lagSeconds: lagSeconds) }
        guard let shed else { return }
        logger.warning("live transcode fell \(String(format: "%.1f", lagSeconds)) s behind real time (budget \(settings.maxLagSeconds) s): rung \(shed.plan.height)p shed",
                       metadata: ["stream": "\(stream)"])
        shed.shed()
        sink.shed(height: shed.plan.height, lagSeconds: lagSeconds)
    }

    private func failed(height: Int, error: Error) {
        lock.lock()
        let rung = rungs.removeValue(forKey: height)
        lock.unlock()
        guard let rung else { return }
        logger.error("live transcode rung \(height)p stopped: \(error)", metadata: ["stream": "\(stream)"])
        rung.shed()
        sink.shed(height: height, lagSeconds: 0)
    }

    /// The input queue overflowed: every rung is shed at once and the source is no longer decoded.
    private func shedEverything(reason: String) {
        lock.lock()
        let wasOverloaded = overloaded
        overloaded = true
        let all = rungs.values.sorted { $0.plan.height > $1.plan.height }
        rungs = [:]
        lock.unlock()
        guard !wasOverloaded else { return }
        logger.error("live transcode cannot keep up (\(reason)): every rung shed", metadata: ["stream": "\(stream)"])
        for rung in all {
            rung.shed()
            sink.shed(height: rung.plan.height, lagSeconds: settings.maxLagSeconds)
        }
    }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let thread = Thread { [threads] in
            body()
            threads.leave()
        }
        thread.name = "live-transcode-\(name)"
        thread.start()
    }

    static func frameRate(_ properties: [AMF0Property]) -> Rational? {
        let metadata = AMF0Value.ecmaArray(properties)
        guard let rate = metadata["framerate"]?.numberValue ?? metadata["fps"]?.numberValue, rate > 0, rate <= 120 else { return nil }
        let milli = Int((rate * 1000).rounded())
        return milli % 1000 == 0 ? Rational(milli / 1000, 1) : Rational(milli, 1000)
    }
}
