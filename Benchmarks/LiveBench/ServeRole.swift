import LiveSegmenting
import Foundation
import Live
import Logging
import MediaCore
#if canImport(Glibc)
import Glibc
#endif

/// `LiveBench serve-mediaserve <dir>`: mediaserve's live ingest (RTMP server + segmenter writing CMAF
/// segments under `<dir>`), alone in its own process so its CPU time and peak memory are its own.
///
/// Prints `port <n>`, serves until its standard input closes, shuts down (publishers' last segments
/// written), then prints one line per segment: `segment <stream> <rendition> <number> <start s>
/// <duration s> <unix time it was on disk>`.
enum ServeRole {
    static func run(directory: String) async throws {
        let log = SegmentLog()
        let streams = LiveStreams(root: URL(fileURLWithPath: directory), onEvent: { log.record($0) })
        let server = RTMPServer(configuration: RTMPServerConfiguration(host: "127.0.0.1", port: 0, maxConnections: 4096),
                                streams: streams, validateKey: { SafeName($0).map { PublishTarget($0) } },
                                logger: Logger(label: "livebench.rtmp", factory: { StreamLogHandler.standardError(label: $0) }).withLevel(.warning))
        let port = try await server.start()
        print("port \(port)")
        fflush(nil)
        await Task.detached { while readLine() != nil {} }.value
        try await server.shutdown(grace: .seconds(30))
        for line in log.lines() { print(line) }
        fflush(nil)
    }
}

extension Logger {
    func withLevel(_ level: Logger.Level) -> Logger {
        var copy = self
        copy.logLevel = level
        return copy
    }
}

/// Segment events as they happen; formatting waits until the end so the hot path only appends.
final class SegmentLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(stream: SafeName, rendition: Rendition, info: SegmentInfo, at: Double)] = []

    func record(_ event: LiveEvent) {
        guard case .segment(let stream, let rendition, let info) = event else { return }
        let now = Date().timeIntervalSince1970
        lock.withLock { entries.append((stream, rendition, info, now)) }
    }

    func lines() -> [String] {
        lock.withLock { entries }.map { entry in
            let scale = Double(entry.rendition.timescale)
            return String(format: "segment %@ %@ %d %.4f %.4f %.4f", entry.stream.rawValue, entry.rendition.id.rawValue,
                          entry.info.number, Double(entry.info.start) / scale, Double(entry.info.duration) / scale, entry.at)
        }
    }
}
