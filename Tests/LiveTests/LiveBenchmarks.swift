import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Live

/// CPU and memory per stream with N RTMP publishers, mediaserve's server next to nginx-rtmp (HLS on) as
/// a reference. Off by default (about 2 minutes): `MEDIASERVE_BENCH=1 swift test --filter LiveBenchmarks`.
/// Publishers send a pre-encoded 720p30 3 Mb/s clip with `-c copy`, so their own CPU is small.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["MEDIASERVE_BENCH"] == "1"), .serialized)
struct LiveBenchmarks {
    static let seconds = 20
    static let counts = [1, 4, 8]

    struct Sample: CustomStringConvertible {
        var server: String
        var publishers: Int
        var cpuPercentOfOneCore: Double
        var rssMegabytes: Double
        var description: String {
            String(format: "%@ publishers=%d cpu=%.1f%% of a core (%.2f%% per stream) rss=%.1f MB",
                   server, publishers, cpuPercentOfOneCore, cpuPercentOfOneCore / Double(publishers), rssMegabytes)
        }
    }

    @Test func mediaserveAgainstNginxRTMP() async throws {
        let directory = try temporaryDirectory("bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = directory.appendingPathComponent("clip.flv")
        let encoded = try run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30",
                                         "-f", "lavfi", "-i", "sine", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3M",
                                         "-g", "60", "-c:a", "aac", "-t", "10", "-f", "flv", clip.path])
        #expect(encoded.status == 0)
        var samples: [Sample] = []
        for count in Self.counts {
            samples.append(try await measureMediaserve(publishers: count, clip: clip, directory: directory))
            samples.append(try await measureNginx(publishers: count, clip: clip, directory: directory))
        }
        for sample in samples { print("live benchmark:", sample) }
    }

    func publishAll(port: Int, count: Int, clip: URL, keyPrefix: String) async throws -> [RunResult] {
        try await withThrowingTaskGroup(of: RunResult.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await runDetached("ffmpeg", ["-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
                                                     "-i", clip.path, "-c", "copy", "-t", "\(Self.seconds)", "-f", "flv",
                                                     "rtmp://127.0.0.1:\(port)/live/\(keyPrefix)\(index)"])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    func measureMediaserve(publishers: Int, clip: URL, directory: URL) async throws -> Sample {
        let log = EventLog()
        let streams = LiveStreams(root: directory.appendingPathComponent("ms-\(publishers)"), onEvent: { log.append($0) })
        let server = RTMPServer(configuration: RTMPServerConfiguration(host: "127.0.0.1", port: 0), streams: streams,
                                validateKey: { SafeName($0) })
        let port = try await server.start()
        let before = ProcessStats.current(pid: getpid())
        let peak = PeakRSS(pid: getpid())
        let results = try await publishAll(port: port, count: publishers, clip: clip, keyPrefix: "bench-")
        _ = await log.wait(timeout: 15) { $0.filter(\.isPublishEnded).count >= publishers }
        let after = ProcessStats.current(pid: getpid())
        let rss = peak.stop()
        try await server.shutdown()
        #expect(results.allSatisfy { $0.status == 0 })
        let latencies = (0..<publishers).flatMap { _ in log.availabilityLatencies("video") }
        if let worst = latencies.max() { print("live benchmark: mediaserve publishers=\(publishers) worst availability latency \(String(format: "%.3f", worst)) s") }
        return Sample(server: "mediaserve", publishers: publishers,
                      cpuPercentOfOneCore: 100 * (after.cpuSeconds - before.cpuSeconds) / Double(Self.seconds),
                      rssMegabytes: rss - before.rssMegabytes)
    }

    func measureNginx(publishers: Int, clip: URL, directory: URL) async throws -> Sample {
        let prefix = directory.appendingPathComponent("nginx-\(publishers)")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("hls"), withIntermediateDirectories: true)
        let port = 19_350 + publishers
        let config = """
        load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
        daemon off; master_process off; worker_processes 1;
        error_log \(prefix.path)/error.log; pid \(prefix.path)/nginx.pid;
        events { worker_connections 1024; }
        rtmp { server { listen 127.0.0.1:\(port); application live { live on; hls on; hls_path \(prefix.path)/hls;
               hls_fragment 6s; hls_playlist_length 7200s; hls_nested on; } } }
        """
        let configURL = prefix.appendingPathComponent("nginx.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-p", prefix.path, "-c", configURL.path]
        try nginx.run()
        // nginx-rtmp in single-process mode does not stop on SIGTERM; it is only a reference, so kill it.
        defer { kill(nginx.processIdentifier, SIGKILL); nginx.waitUntilExit() }
        try await Task.sleep(for: .milliseconds(500))
        let pid = nginx.processIdentifier
        let before = ProcessStats.current(pid: pid)
        let peak = PeakRSS(pid: pid)
        let results = try await publishAll(port: port, count: publishers, clip: clip, keyPrefix: "bench-")
        try await Task.sleep(for: .milliseconds(500))
        let after = ProcessStats.current(pid: pid)
        let rss = peak.stop()
        #expect(results.allSatisfy { $0.status == 0 })
        return Sample(server: "nginx-rtmp", publishers: publishers,
                      cpuPercentOfOneCore: 100 * (after.cpuSeconds - before.cpuSeconds) / Double(Self.seconds),
                      rssMegabytes: rss - before.rssMegabytes)
    }
}

/// CPU time and resident memory of a process, from /proc.
struct ProcessStats {
    var cpuSeconds: Double
    var rssMegabytes: Double

    static func current(pid: Int32) -> ProcessStats {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // Fields after the command name (which may hold spaces) start after the last ')'.
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks = fields.count > 12 ? (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) : 0
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let rssKB = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?
            .split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return ProcessStats(cpuSeconds: ticks / Double(sysconf(Int32(_SC_CLK_TCK))), rssMegabytes: rssKB / 1024)
    }
}

/// Samples a process's RSS every 100 ms on a thread and keeps the peak.
final class PeakRSS: @unchecked Sendable {
    private let lock = NSLock()
    private var peak: Double = 0
    private var running = true

    init(pid: Int32) {
        Thread { [self] in
            while lock.withLock({ running }) {
                let rss = ProcessStats.current(pid: pid).rssMegabytes
                lock.withLock { peak = max(peak, rss) }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }.start()
    }

    func stop() -> Double {
        lock.withLock { running = false; return peak }
    }
}
