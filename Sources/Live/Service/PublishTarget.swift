import LiveSegmenting
import MediaCore

/// What a publisher's key opens: a stream, and which of its inputs (the stream key is the primary, the
/// backup key the standby that takes over when the primary fails).
public struct PublishTarget: Sendable, Equatable {
    public var stream: SafeName
    public var input: LiveInput

    public init(_ stream: SafeName, input: LiveInput = .primary) {
        self.stream = stream
        self.input = input
    }
}
