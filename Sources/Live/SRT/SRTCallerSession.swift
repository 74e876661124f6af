import FFmpegKit
import Foundation
import LiveSegmenting
import Logging
import MediaCore
import RTMP
import SRTKit

/// One accepted SRT caller, on its own thread: its messages (MPEG-TS, 7 packets each as a rule) are
/// demuxed by libavformat, turned into media events and fed to its publication until the caller leaves,
/// goes silent for `readTimeoutSeconds`, or the server stops. Then the last segments are written.
struct SRTCallerSession {
    let caller: SRTSocket
    let publication: LivePublication
    let readTimeoutSeconds: Double
    let isStopping: @Sendable () -> Bool
    let logger: Logger

    func run() {
        let stream = publication.stream
        logger.info("SRT publishing started", metadata: ["stream": "\(stream)", "input": "\(publication.input)", "peer": "\(caller.peer)"])
        do {
            // A receive returns at least every 250 ms, so a stop is noticed quickly.
            try caller.set(.receiveTimeoutMilliseconds(250))
            let reader = SRTMessageReader(caller: caller, readTimeoutSeconds: readTimeoutSeconds, isStopping: isStopping)
            let input = try NetworkInput(format: "mpegts", name: "SRT caller \(caller.peer)") { reader.read(into: $0) }
            try pump(input)
            if let ending = reader.ending { logger.info("SRT stream \(stream) ended: \(ending)") }
        } catch {
            logger.warning("SRT stream \(stream) ended: \(error)")
        }
        publication.finish()
        logger.info("SRT publishing ended", metadata: ["stream": "\(stream)"])
    }

    /// Demuxed packets to media events, in arrival order.
    private func pump(_ input: NetworkInput) throws {
        var adapter = TSMediaAdapter()
        let audio = AudioToAAC(stream: publication.stream, logger: logger)
        defer { for converted in audio.finish(receivedAt: Date().timeIntervalSince1970) { try? publication.receive(converted) } }
        let packet = Packet()
        while try input.readPacket(into: packet) {
            guard let stream = input.stream(at: packet.streamIndex), let pts = packet.pts else { continue }
            guard stream.timeBase == Rational(1, 90_000) else {
                throw LiveError.malformedMedia("SRT stream time base \(stream.timeBase) is not MPEG-TS's 1/90000")
            }
            let events: [LiveMediaEvent]
            switch (stream.kind, stream.codec) {
            case (.video?, "h264"):
                events = adapter.video(packet.bytes, pts: pts, dts: packet.dts ?? pts, isKeyframe: packet.isKeyframe)
            case (.audio?, "aac"):
                events = try adapter.audio(packet.bytes, pts: pts)
            case (.audio?, let codec) where TSMediaAdapter.convertedAudioCodecs.contains(codec):
                events = [adapter.codedAudio(packet.bytes, codec: codec, pts: pts)]
            case (.video?, let codec), (.audio?, let codec):
                throw LiveError.unsupportedCodec(codec)
            default:
                continue
            }
            let now = Date().timeIntervalSince1970
            for event in events {
                for converted in try audio.convert(ArrivedMediaEvent(event, receivedAt: now)) { try publication.receive(converted) }
            }
        }
    }
}

/// Hands libavformat the caller's bytes: one SRT message at a time, keeping what did not fit in the
/// buffer libavformat offered for its next call. Reading ends (returns 0) when the caller is gone, the
/// server stops, or no message came for `readTimeoutSeconds`; `ending` then says which.
final class SRTMessageReader {
    private let caller: SRTSocket
    private let readTimeoutSeconds: Double
    private let isStopping: @Sendable () -> Bool
    private var message = [UInt8](repeating: 0, count: SRTSocket.maxMessageSize)
    private var pending: ArraySlice<UInt8> = []
    private(set) var ending: String?

    init(caller: SRTSocket, readTimeoutSeconds: Double, isStopping: @escaping @Sendable () -> Bool) {
        self.caller = caller
        self.readTimeoutSeconds = readTimeoutSeconds
        self.isStopping = isStopping
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if pending.isEmpty {
            guard let count = nextMessage() else { return 0 }
            pending = message[0..<count]
        }
        let count = min(buffer.count, pending.count)
        pending.prefix(count).withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        pending = pending.dropFirst(count)
        return count
    }

    /// Blocks until a non-empty message arrives; nil when reading should end.
    private func nextMessage() -> Int? {
        let deadline = Date().addingTimeInterval(readTimeoutSeconds)
        while true {
            if isStopping() {
                ending = "the server is stopping"
                return nil
            }
            let caller = caller
            let result = message.withUnsafeMutableBytes { bytes in Result { () throws(SRTError) in try caller.receive(into: bytes) } }
            switch result {
            case .success(let received?) where received > 0:
                return received
            case .success:
                break
            case .failure(let error):
                ending = error.isConnectionGone ? "the caller disconnected" : "\(error)"
                return nil
            }
            if Date() > deadline {
                ending = "no data for \(Int(readTimeoutSeconds)) s"
                return nil
            }
        }
    }
}
