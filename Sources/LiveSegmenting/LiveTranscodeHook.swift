import Foundation
import MediaCore
import NIOConcurrencyHelpers
import RTMP

/// What decodes a stream's source once and encodes its rungs (the `LiveTranscoding` target's
/// `LiveTranscoder`). The segmenter side never waits on encoding: `submit` only queues.
public protocol LiveRungTranscoder: AnyObject, Sendable {
    /// A source media event the segmenter took (from whichever input is active), or the end of a session,
    /// in order, after the stream's lock was released.
    func submit(_ input: TranscoderInput)
    /// Returns once every picture submitted so far was encoded and handed to the sink (or dropped), so
    /// the segmenter can end a session (or a decoder configuration) with every rung complete.
    func drain()
    /// Drains, then releases the encoder threads; nothing is accepted afterwards.
    func stop()
}

/// What the segmenter hands its transcoder, in order.
public enum TranscoderInput: Sendable {
    case media(ArrivedMediaEvent)
    /// The session ended (an input switch onto another timeline, or a new decoder configuration): the
    /// transcoder encodes what it holds, then calls `RungSink.sessionEnded` so the rungs' last segments of
    /// that session are cut, before any picture of the next one.
    case sessionEnded
}

/// Makes a stream's transcoder when a publisher starts (nil: the stream is published as it arrives).
public typealias LiveTranscoderFactory = @Sendable (_ stream: SafeName, _ ladder: LiveTranscodeLadder, _ sink: RungSink) -> (any LiveRungTranscoder)?

/// A stream's transcode state as the API shows it (`GET /api/v1/live-streams/{id}`).
public struct LiveTranscodeStatus: Sendable, Equatable, Codable {
    /// Rung heights being encoded now, highest first.
    public var active: [Int] = []
    /// Rungs dropped because the encoders fell behind real time, in the order they were shed.
    public var shed: [Int] = []
    /// Rungs left out because they are above the source's height.
    public var aboveSource: [Int] = []
    /// How far the encoded output is behind the source's arrival (seconds), as last measured.
    public var lagSeconds: Double = 0
    /// The source's picture height once decoded.
    public var sourceHeight: Int?

    public init() {}
}

/// Where a transcoder hands back its work, from its own threads: rung configurations and pictures go
/// into the stream's segmenter (under the stream's lock, like the source's media), decisions into the
/// status the API and metrics read.
public final class RungSink: Sendable {
    public let stream: SafeName
    let slot: StreamSlot
    private let onEvent: @Sendable (LiveEvent) -> Void

    init(stream: SafeName, slot: StreamSlot, onEvent: @escaping @Sendable (LiveEvent) -> Void) {
        self.stream = stream
        self.slot = slot
        self.onEvent = onEvent
    }

    public func configure(height: Int, avcC: [UInt8], width: Int, pictureHeight: Int) {
        run { $0.configureRung(LiveTranscodeLadder.renditionID(height: height), avcC: avcC, width: width, height: pictureHeight) }
    }

    public func deliver(height: Int, _ frame: RungFrame, receivedAt: Double) {
        run { $0.receiveRung(LiveTranscodeLadder.renditionID(height: height), frame, receivedAt: receivedAt) }
    }

    /// The rungs that will be encoded, and those dropped for being above the source (`sourceHeight`).
    public func planned(active: [Int], aboveSource: [Int], sourceHeight: Int) {
        slot.updateTranscodeStatus {
            $0.active = active
            $0.aboveSource = aboveSource
            $0.sourceHeight = sourceHeight
        }
        if active.isEmpty { slot.showSource() }
    }

    /// Every picture of the session that ended was delivered: each rung's last segment of it is cut.
    public func sessionEnded() {
        run { $0.endRungSessions() }
    }

    public func measured(lagSeconds: Double) {
        slot.updateTranscodeStatus { $0.lagSeconds = lagSeconds }
    }

    /// Stops listing and segmenting rung `height`: its segments are removed (players switch to the
    /// renditions still listed) and the event is reported once.
    public func shed(height: Int, lagSeconds: Double) {
        let id = LiveTranscodeLadder.renditionID(height: height)
        slot.shed(id)
        var remaining: [Int] = []
        slot.updateTranscodeStatus {
            $0.active.removeAll { $0 == height }
            $0.shed.append(height)
            $0.lagSeconds = lagSeconds
            remaining = $0.active
        }
        if remaining.isEmpty { slot.showSource() }
        onEvent(.rungShed(stream: stream, rendition: id, lagSeconds: lagSeconds))
    }

    private func run(_ step: (inout LiveSegmenter) -> [LiveSegmenter.Output]) {
        // A rung's file that cannot be written is reported by the slot (storageFailed) like the source's.
        guard let events = try? slot.process(stream: stream, { (step(&$0.segmenter), nil) }) else { return }
        for event in events { onEvent(event) }
    }
}
