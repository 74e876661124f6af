// `make bench-live`: CPU and memory per RTMP stream with N publishers, mediaserve's live ingest (RTMP ->
// CMAF segments on disk) next to nginx-rtmp with HLS on (RTMP -> MPEG-TS segments) as the reference.
// Publishers send a pre-encoded 720p30 3 Mb/s clip with `-c copy`, so their own CPU stays small.
import Foundation
import Live
import MediaCore
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}
let counts = option("--publishers", "1,4,8").split(separator: ",").compactMap { Int($0) }
let seconds = Int(option("--seconds", "20")) ?? 20
let nginxBinary = option("--nginx", "/usr/sbin/nginx")
let rtmpModule = option("--rtmp-module", "/usr/lib/nginx/modules/ngx_rtmp_module.so")

/// CPU seconds and peak resident megabytes (VmHWM: no sampling thread that would cost CPU itself) of a
/// process, from /proc.
func processStats(_ pid: Int32) -> (cpu: Double, rss: Double) {
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
    let ticks = fields.count > 12 ? (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) : 0
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let rssKB = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }?
        .split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
    return (ticks / Double(sysconf(Int32(_SC_CLK_TCK))), rssKB / 1024)
}

func runProcess(_ path: String, _ args: [String]) -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try! process.run()
    return process
}

/// N ffmpeg publishers for `seconds`, all started together; returns when every one has exited.
func publishAll(port: Int, count: Int, clip: URL) -> [Int32] {
    let publishers = (0..<count).map { index in
        runProcess("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip.path,
                                       "-c", "copy", "-t", "\(seconds)", "-f", "flv", "rtmp://127.0.0.1:\(port)/live/bench-\(index)"])
    }
    for publisher in publishers { publisher.waitUntilExit() }
    return publishers.map(\.terminationStatus)
}

func report(_ server: String, _ count: Int, cpu: Double, rss: Double, failures: Int) {
    let percent = 100 * cpu / Double(seconds)
    print(String(format: "%-11@ publishers=%-2d cpu=%5.1f%% of a core  per stream=%5.2f%%  peak rss %6.1f MB  failed publishers=%d",
                 server as NSString, count, percent, percent / Double(count), rss, failures))
}

let work = FileManager.default.temporaryDirectory.appendingPathComponent("mediaserve-live-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
let clip = work.appendingPathComponent("clip.flv")
let encode = runProcess("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30",
                                            "-f", "lavfi", "-i", "sine", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3M",
                                            "-g", "60", "-c:a", "aac", "-t", "10", "-f", "flv", clip.path])
encode.waitUntilExit()

for count in counts {
    // mediaserve, in this process.
    let latencies = LatencyLog()
    let streams = LiveStreams(root: work.appendingPathComponent("mediaserve-\(count)"), onEvent: { latencies.record($0) })
    let server = RTMPServer(configuration: RTMPServerConfiguration(host: "127.0.0.1", port: 0), streams: streams,
                            validateKey: { SafeName($0) })
    let port = try await server.start()
    let before = processStats(getpid())
    let statuses = await Task.detached { publishAll(port: port, count: count, clip: clip) }.value
    while !streams.publishingStreams.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
    let after = processStats(getpid())
    try await server.shutdown()
    report("mediaserve", count, cpu: after.cpu - before.cpu, rss: after.rss, failures: statuses.filter { $0 != 0 }.count)
    print(String(format: "            segment availability after its last frame: worst %.3f s", latencies.worst))

    // nginx-rtmp with HLS, single process.
    let prefix = work.appendingPathComponent("nginx-\(count)")
    try FileManager.default.createDirectory(at: prefix.appendingPathComponent("hls"), withIntermediateDirectories: true)
    let nginxPort = 21_935 + count
    let config = """
    load_module \(rtmpModule);
    daemon off; master_process off; worker_processes 1;
    error_log \(prefix.path)/error.log; pid \(prefix.path)/nginx.pid;
    events { worker_connections 1024; }
    rtmp { server { listen 127.0.0.1:\(nginxPort); application live { live on; hls on; hls_path \(prefix.path)/hls;
           hls_fragment 6s; hls_playlist_length 7200s; hls_nested on; } } }
    """
    try config.write(to: prefix.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
    let nginx = runProcess(nginxBinary, ["-p", prefix.path, "-c", prefix.appendingPathComponent("nginx.conf").path])
    try await Task.sleep(for: .milliseconds(500))
    let nginxBefore = processStats(nginx.processIdentifier)
    let nginxStatuses = await Task.detached { publishAll(port: nginxPort, count: count, clip: clip) }.value
    try await Task.sleep(for: .milliseconds(500))
    let nginxAfter = processStats(nginx.processIdentifier)
    kill(nginx.processIdentifier, SIGKILL)  // single-process nginx-rtmp ignores SIGTERM
    nginx.waitUntilExit()
    report("nginx-rtmp", count, cpu: nginxAfter.cpu - nginxBefore.cpu, rss: nginxAfter.rss,
           failures: nginxStatuses.filter { $0 != 0 }.count)
}

/// Seconds from a segment's last frame arriving to it being on disk, worst case.
final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0.0
    var worst: Double { lock.withLock { value } }
    func record(_ event: LiveEvent) {
        guard case .segment(_, let rendition, let info) = event, rendition.kind == .video,
              let pdt = info.programDateTime else { return }
        let latency = Date().timeIntervalSince1970 - (pdt + Double(info.duration) / Double(rendition.timescale))
        lock.withLock { value = max(value, latency) }
    }
}
