// `make bench-live`: CPU and memory per RTMP passthrough stream with N concurrent publishers at 3 Mb/s,
// mediaserve's live ingest (RTMP -> CMAF segments on disk) next to nginx-rtmp with HLS on (RTMP ->
// MPEG-TS segments) as the reference, and whether every stream kept up with real time.
//
// One 10 s 720p30 3 Mb/s H.264/AAC clip is encoded once; a publisher process replays it to every
// stream, paced by tag timestamps, so neither server pays for encoding and the publishers' CPU is
// reported on its own. Each server runs in its own process (CPU from /proc, peak RSS from VmHWM).
// Settings: LIVEBENCH_PUBLISHERS (1,10,25,50), LIVEBENCH_SECONDS (36), LIVEBENCH_STAGGER (6),
// LIVEBENCH_SERVERS (mediaserve,nginx).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
do {
    switch arguments.dropFirst().first {
    case "publish" where arguments.count == 8:
        try PublishRole.run(port: Int(arguments[2]) ?? 0, count: Int(arguments[3]) ?? 0, seconds: Double(arguments[4]) ?? 0,
                            stagger: Double(arguments[5]) ?? 0, clipPath: arguments[6], keyPrefix: arguments[7])
    case "serve-mediaserve" where arguments.count == 3:
        try await ServeRole.run(directory: arguments[2])
    case nil:
        try runBenchmark(Options())
    default:
        FileHandle.standardError.write(Data("usage: LiveBench (settings in LIVEBENCH_* variables)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("LiveBench: \(error)\n".utf8))
    exit(1)
}

func runBenchmark(_ options: Options) throws {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("mediaserve-live-bench-\(getpid())")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let clip = work.appendingPathComponent("clip.flv")
    let encode = try Child("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30",
                                               "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "10",
                                               "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3M", "-maxrate", "3M", "-bufsize", "3M",
                                               "-x264-params", "keyint=60:min-keyint=60:scenecut=0",
                                               "-c:a", "aac", "-b:a", "128k", "-f", "flv", clip.path], keepStdout: false)
    encode.wait()
    guard encode.process.terminationStatus == 0 else { throw BenchError("ffmpeg could not encode the clip") }
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let bench = Bench(executable: executable, work: work, clip: clip, options: options)
    print(String(format: "live ingest, %.0f s of a 720p30 3 Mb/s clip per publisher, starts spread over %.0f s", options.seconds, options.stagger))
    var results: [RunResult] = []
    for count in options.counts {
        for server in options.servers {
            let result = server == "nginx" ? try bench.nginx(count: count) : try bench.mediaserve(count: count)
            report(result)
            results.append(result)
        }
    }
    summarize(results)
}

func report(_ result: RunResult) {
    print(String(format: "%-10@ N=%-3d cpu %5.1f%% of a core, %5.2f%% per stream, rss %6.1f MB peak (%5.2f MB per stream), "
                 + "kept up %d/%d, publishers %4.1f%% cpu",
                 result.server as NSString, result.count, result.cpuPercent, result.cpuPerStream, result.peakRSS, result.rssPerStream,
                 result.keptUp, result.count, result.publisherPercent))
    for (stream, verdict) in result.verdicts.sorted(by: { $0.key < $1.key }) where !verdict.keptUp {
        print("           \(stream): \(verdict.problems.joined(separator: "; "))")
    }
    fflush(nil)
}

func summarize(_ results: [RunResult]) {
    print("")
    print("server       N   cpu%core  cpu%/stream  MB/stream  peak MB  kept up  late segs  worst latency  max pub lag  publisher cpu%")
    for result in results {
        let late = result.verdicts.values.reduce(0) { $0 + $1.late }
        let latency = result.verdicts.values.map(\.worstLatency).max() ?? 0
        print(String(format: "%-10@ %3d  %8.1f  %11.2f  %9.2f  %7.1f  %3d/%-3d  %9d  %11.2f s  %9.2f s  %14.1f",
                     result.server as NSString, result.count, result.cpuPercent, result.cpuPerStream, result.rssPerStream,
                     result.peakRSS, result.keptUp, result.count, late, latency, result.verdicts.values.map(\.maxLag).max() ?? 0,
                     result.publisherPercent))
    }
    print("")
    for count in Set(results.map(\.count)).sorted() {
        guard let ours = results.first(where: { $0.count == count && $0.server == "mediaserve" }),
              let nginx = results.first(where: { $0.count == count && $0.server == "nginx-rtmp" }) else { continue }
        print(String(format: "N=%-3d mediaserve / nginx-rtmp: cpu per stream x%.2f, memory per stream x%.2f", count,
                     ours.cpuPerStream / max(nginx.cpuPerStream, 0.0001), ours.rssPerStream / max(nginx.rssPerStream, 0.0001)))
    }
}
