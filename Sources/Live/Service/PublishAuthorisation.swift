import Foundation
import MediaCore
import NIOConcurrencyHelpers

/// One publisher asking to go on the air, after its stream key matched a stream: what an external
/// authorisation service (`live.publish_webhook_url`) is told. The key is the publisher's credential and
/// goes to that service only, never into a log line.
public struct PublishAttempt: Sendable, Equatable {
    public enum Transport: String, Sendable {
        case rtmp
        case srt
    }

    public var stream: SafeName
    public var key: String
    /// The publisher's address, when the listener knows it.
    public var address: String?
    public var transport: Transport

    public init(stream: SafeName, key: String, address: String?, transport: Transport) {
        self.stream = stream
        self.key = key
        self.address = address
        self.transport = transport
    }
}

/// Asked after the stream key check, beside it (both must allow): nil allows, a reason refuses. It may
/// wait (an HTTP round trip) and must bound its own time, failing closed.
public typealias PublishAuthoriser = @Sendable (PublishAttempt) async -> String?

enum PublishAuthorisation {
    /// The authoriser's answer on a thread that is not Swift's cooperative pool (SRT callers run on
    /// threads of their own): blocks that thread only, and refuses when no answer came within `limit`.
    static func waitBlocking(_ authorise: @escaping PublishAuthoriser, _ attempt: PublishAttempt,
                             limit: TimeInterval = 30) -> String? {
        let answer = NIOLockedValueBox<String??>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            let reason = await authorise(attempt)
            answer.withLockedValue { $0 = .some(reason) }
            done.signal()
        }
        guard done.wait(timeout: .now() + limit) == .success else {
            task.cancel()
            return "the publish authorisation gave no answer within \(Int(limit)) s"
        }
        return answer.withLockedValue { $0 } ?? "the publish authorisation gave no answer"
    }
}
