import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `LiveBench publish`: one process running every publisher of a run, one thread each, so the servers'
/// CPU figures exclude the publishers and the publishers' own CPU can be reported separately.
///
/// Each publisher replays the clip in a loop paced by its tag timestamps against the wall clock (tags
/// due within 20 ms go out together), starting `stagger * index / count` seconds after the first, as
/// independent encoders would. It prints one line per stream: `stream <name> start=<unix s>
/// media=<s> maxlag=<s> lastlag=<s> error=<text>`, where lag is how late a tag left the publisher
/// (a server that stops reading makes writes block, and the lag grows).
enum PublishRole {
    /// The threads' results, each written once by its own thread.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Result]
        init(count: Int) { values = Array(repeating: Result(), count: count) }
        func set(_ index: Int, _ value: Result) { lock.withLock { values[index] = value } }
        func get(_ index: Int) -> Result { lock.withLock { values[index] } }
    }

    struct Result {
        var start = 0.0
        var mediaSeconds = 0.0
        var maxLag = 0.0
        var lastLag = 0.0
        var error = ""
    }

    static func run(port: Int, count: Int, seconds: Double, stagger: Double, clipPath: String, keyPrefix: String) throws {
        let clip = try FLVClip(contentsOf: URL(fileURLWithPath: clipPath))
        let results = Results(count: count)
        let origin = Date().timeIntervalSince1970 + 0.5
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                let start = origin + stagger * Double(index) / Double(count)
                results.set(index, publish(clip: clip, port: port, key: "\(keyPrefix)\(index)", start: start, seconds: seconds))
                group.leave()
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        group.wait()
        for index in 0..<count {
            let result = results.get(index)
            print(String(format: "stream %@%d start=%.6f media=%.3f maxlag=%.3f lastlag=%.3f error=%@", keyPrefix, index,
                         result.start, result.mediaSeconds, result.maxLag, result.lastLag, result.error.isEmpty ? "-" : result.error))
        }
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        print(String(format: "cpu %.3f", cpu))
        fflush(nil)
    }

    private static func publish(clip: FLVClip, port: Int, key: String, start: Double, seconds: Double) -> Result {
        var result = Result(start: start)
        sleep(until: start - 0.3)  // connect and handshake just before the first tag is due
        do {
            let publisher = try RTMPPublisher(port: port, application: "live", key: key)
            let endMs = UInt32(seconds * 1000)
            var loop: UInt32 = 0
            outer: while true {
                for tag in clip.tags where loop == 0 || (!tag.isSequenceHeader && tag.type != 18) {
                    let timestamp = loop * clip.durationMs + tag.timestamp
                    if timestamp >= endMs { break outer }
                    let due = start + Double(timestamp) / 1000
                    if due > Date().timeIntervalSince1970 + 0.02 { sleep(until: due) }
                    try publisher.send(tag: tag, timestamp: timestamp)
                    let lag = Date().timeIntervalSince1970 - due
                    result.maxLag = max(result.maxLag, lag)
                    result.lastLag = lag
                    result.mediaSeconds = Double(timestamp) / 1000
                }
                loop += 1
            }
        } catch {
            result.error = "\(error)".replacingOccurrences(of: " ", with: "_")
        }
        return result
    }

    private static func sleep(until time: Double) {
        let wait = time - Date().timeIntervalSince1970
        if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
    }
}
