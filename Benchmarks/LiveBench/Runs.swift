import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One server with N publishers: its CPU and memory while they published, and each stream's verdict.
struct RunResult {
    var server: String
    var count: Int
    var cpuSeconds: Double
    var wallSeconds: Double
    /// Sum over streams of the media each published: the denominator of "per stream".
    var streamSeconds: Double
    var idleRSS: Double
    var peakRSS: Double
    var publisherCPU: Double
    var verdicts: [String: StreamVerdict]

    var cpuPercent: Double { 100 * cpuSeconds / wallSeconds }
    var cpuPerStream: Double { 100 * cpuSeconds / max(streamSeconds, 0.001) }
    var rssPerStream: Double { (peakRSS - idleRSS) / Double(count) }
    var publisherPercent: Double { 100 * publisherCPU / wallSeconds }
    var keptUp: Int { verdicts.values.filter(\.keptUp).count }
}

struct Bench {
    let executable: String
    let work: URL
    let clip: URL
    let options: Options

    /// Publishers run in a child process; the server's CPU and peak memory are read around them. One
    /// second after the last publisher ends the servers should have written their last segments.
    private func drive(serverPID: Int32, port: Int, count: Int) throws
        -> (published: [PublishedStream], publisherCPU: Double, before: ProcessStats, after: ProcessStats, wall: Double) {
        let before = ProcessStats(pid: serverPID)
        let started = Date().timeIntervalSince1970
        let publisher = try Child(executable, ["publish", "\(port)", "\(count)", "\(options.seconds)", "\(options.stagger)",
                                               clip.path, "bench-"])
        let lines = publisher.lines()
        publisher.wait()
        Thread.sleep(forTimeInterval: 1)
        let after = ProcessStats(pid: serverPID)
        let wall = Date().timeIntervalSince1970 - started
        let published = lines.compactMap(PublishedStream.init(line:))
        let cpu = lines.first { $0.hasPrefix("cpu ") }.flatMap { Double($0.dropFirst(4)) } ?? 0
        guard published.count == count else { throw BenchError("the publisher process reported \(published.count) of \(count) streams") }
        return (published, cpu, before, after, wall)
    }

    func mediaserve(count: Int) throws -> RunResult {
        let directory = work.appendingPathComponent("mediaserve-\(count)")
        let server = try Child(executable, ["serve-mediaserve", directory.path])
        guard let line = server.readLine(), line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            throw BenchError("the mediaserve child did not report its port")
        }
        let run = try drive(serverPID: server.pid, port: port, count: count)
        server.closeInput()
        var segments: [String: [String: [SegmentRecord]]] = [:]
        for line in server.lines() {
            let parts = line.split(separator: " ")
            guard parts.count == 7, parts[0] == "segment", let number = Int(parts[3]) else { continue }
            let stream = String(parts[1]), rendition = String(parts[2])
            let file = directory.appendingPathComponent("\(stream)/\(rendition)/seg-\(number).m4s").path
            segments[stream, default: [:]][rendition, default: []].append(SegmentRecord(
                number: number, start: Double(parts[4]) ?? 0, duration: Double(parts[5]) ?? 0,
                availableAt: Double(parts[6]) ?? 0, fileExists: FileManager.default.fileExists(atPath: file)))
        }
        server.wait()
        var verdicts: [String: StreamVerdict] = [:]
        for stream in run.published {
            let renditions = segments[stream.name] ?? [:]
            var verdict = StreamVerdict(published: stream, segments: renditions["video"] ?? [], target: options.segmentSeconds)
            if (renditions["audio"] ?? []).count != verdict.segments {
                verdict.problems.append("\((renditions["audio"] ?? []).count) audio segments for \(verdict.segments) video")
            }
            verdicts[stream.name] = verdict
        }
        return result("mediaserve", count, run, verdicts)
    }

    func nginx(count: Int) throws -> RunResult {
        let prefix = work.appendingPathComponent("nginx-\(count)")
        let hls = prefix.appendingPathComponent("hls")
        try FileManager.default.createDirectory(at: hls, withIntermediateDirectories: true)
        let port = 21_935 + count
        let config = """
        load_module \(options.rtmpModule);
        daemon off; master_process off; worker_processes 1;
        error_log \(prefix.path)/error.log; pid \(prefix.path)/nginx.pid;
        events { worker_connections 4096; }
        rtmp { server { listen 127.0.0.1:\(port); application live { live on; hls on; hls_path \(hls.path);
               hls_fragment \(Int(options.segmentSeconds))s; hls_playlist_length 7200s; hls_nested on; } } }
        """
        let configURL = prefix.appendingPathComponent("nginx.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let server = try Child(options.nginx, ["-p", prefix.path, "-c", configURL.path], keepStdout: false)
        defer {
            kill(server.pid, SIGKILL)  // single-process nginx-rtmp ignores SIGTERM
            server.wait()
        }
        try waitForListener(port: port)
        let run = try drive(serverPID: server.pid, port: port, count: count)
        var verdicts: [String: StreamVerdict] = [:]
        for stream in run.published {
            let records = nginxSegments(streamDirectory: hls.appendingPathComponent(stream.name))
            verdicts[stream.name] = StreamVerdict(published: stream, segments: records, target: options.segmentSeconds)
        }
        return result("nginx-rtmp", count, run, verdicts)
    }

    private func result(_ server: String, _ count: Int,
                        _ run: (published: [PublishedStream], publisherCPU: Double, before: ProcessStats, after: ProcessStats, wall: Double),
                        _ verdicts: [String: StreamVerdict]) -> RunResult {
        RunResult(server: server, count: count, cpuSeconds: run.after.cpu - run.before.cpu, wallSeconds: run.wall,
                  streamSeconds: run.published.reduce(0) { $0 + $1.mediaSeconds }, idleRSS: run.before.rss,
                  peakRSS: run.after.peakRSS, publisherCPU: run.publisherCPU, verdicts: verdicts)
    }
}
