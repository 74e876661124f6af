import Analytics
import Foundation
import Synchronization

/// A server clock tests move by hand (ms since 1970).
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func set(_ ms: Int64) { value.withLock { $0 = ms } }
    var read: @Sendable () -> Int64 { { [self] in now } }
}

/// 2027-01-15T08:00:00Z: the synthetic sessions' player clock starts here.
let t0: Int64 = 1_800_000_000_000

func event(_ session: String, _ type: PlaybackEventType, _ offset: Int64, asset: String = "movie",
           bitrate: Int? = nil, error: String? = nil) -> PlaybackEvent {
    PlaybackEvent(sessionID: session, type: type, time: t0 + offset, subject: .asset(asset), bitrate: bitrate, error: error)
}

/// JSON text of a batch, as a player would send it.
func batchJSON(_ events: [[String: Any]]) -> [UInt8] {
    Array(try! JSONSerialization.data(withJSONObject: ["events": events]))
}
