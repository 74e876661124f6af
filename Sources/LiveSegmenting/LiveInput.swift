import MediaCore

/// Which of a stream's two publishers a connection is: the one on the stream key, or the standby on its
/// backup key (issue 15, redundant inputs).
public enum LiveInput: String, Sendable, Codable, CaseIterable {
    case primary
    case backup

    var other: LiveInput { self == .primary ? .backup : .primary }
}

/// What brings a stream back to its primary input after it failed over to the backup (`live.failback`).
public enum FailbackMode: String, Sendable, CaseIterable {
    /// Back to the primary at its next keyframe once it has sent media steadily for a segment duration.
    case auto
    /// Only when asked (`POST /api/v1/live-streams/<id>/failback`), at the primary's next keyframe.
    case manual
}

/// One change of the input that feeds a stream's segments: an event of the API, the log and /metrics.
public struct InputSwitch: Sendable, Equatable, Codable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// The active publisher's connection ended.
        case connectionLost = "connection_lost"
        /// The active publisher stayed connected but sent no media for `live.input_loss_seconds`.
        case inputLoss = "input_loss"
        /// `live.failback: auto`: the primary was steady again.
        case failback
        /// `live.failback: manual`: an operator asked for the primary.
        case manualFailback = "manual_failback"
    }

    /// Wall-clock seconds since 1970 when the switch was made.
    public var at: Double
    public var from: LiveInput
    public var to: LiveInput
    public var reason: Reason
    /// The first segment number with the new input's media (numbering simply continues).
    public var segment: Int
    /// Whether the playlists mark a discontinuity there: only when the inputs' timelines or encoder
    /// settings differ; two encoders on one clock with the same settings switch seamlessly.
    public var discontinuity: Bool

    public init(at: Double, from: LiveInput, to: LiveInput, reason: Reason, segment: Int, discontinuity: Bool) {
        self.at = at
        self.from = from
        self.to = to
        self.reason = reason
        self.segment = segment
        self.discontinuity = discontinuity
    }
}

/// A stream's inputs as the API shows them (`GET /api/v1/live-streams/<id>`).
public struct LiveInputStatus: Sendable, Equatable {
    /// The input whose media is written now; nil while none is (nobody connected, or waiting for the
    /// standby's first keyframe after the active one was lost).
    public var active: LiveInput?
    /// Inputs with a publisher connected.
    public var connected: [LiveInput]
    /// The newest switches, oldest first (at most `InputFailover.keptSwitches`).
    public var switches: [InputSwitch]
    /// `live.failback: manual` and a failback was asked for, waiting for the primary's next keyframe.
    public var failbackPending: Bool
}

/// Why `LiveStreams.failback` cannot switch a stream back to its primary input.
public enum FailbackRefusal: Error, Equatable, CustomStringConvertible {
    case unknownStream(SafeName)
    case primaryNotConnected(SafeName)
    case alreadyOnPrimary(SafeName)

    public var description: String {
        switch self {
        case .unknownStream(let stream): return "live stream '\(stream)' has no publisher in this process"
        case .primaryNotConnected(let stream): return "live stream '\(stream)' has no publisher on its primary key to go back to"
        case .alreadyOnPrimary(let stream): return "live stream '\(stream)' is already on its primary input"
        }
    }
}
