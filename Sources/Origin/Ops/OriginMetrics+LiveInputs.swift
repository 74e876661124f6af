import CoreMetrics
import LiveSegmenting
import MediaCore
import Synchronization

extension OriginMetrics {
    /// `mediaserve_live_input_switches_total{stream, reason}`: redundant-input switches (issue 15), read from
    /// the live streams before each exposition and counted up by what happened since the last one.
    public func followInputSwitches(of live: LiveStreams) {
        let seen = Mutex<[String: Int]>([:])
        let factory = factory
        addCollector {
            for (stream, counts) in live.inputSwitchCounts() {
                for (reason, count) in counts {
                    let key = "\(stream) \(reason.rawValue)"
                    let added = seen.withLock { seen -> Int in
                        defer { seen[key] = count }
                        return count - (seen[key] ?? 0)
                    }
                    guard added > 0 else { continue }
                    CoreMetrics.Counter(label: "mediaserve_live_input_switches_total",
                                        dimensions: [("stream", stream.rawValue), ("reason", reason.rawValue)], factory: factory)
                        .increment(by: added)
                }
            }
        }
    }
}
