import Foundation

/// The benchmark's settings, from the environment (`make bench-live` passes it through).
struct Options {
    /// LIVEBENCH_PUBLISHERS: concurrent publishers per run, comma-separated.
    var counts = [1, 10, 25, 50]
    /// LIVEBENCH_SECONDS: media each publisher sends.
    var seconds = 36.0
    /// LIVEBENCH_STAGGER: publishers start spread over this many seconds, as independent encoders would
    /// (0 = all at once, so every stream cuts its segments at the same instant).
    var stagger = 6.0
    /// LIVEBENCH_SERVERS: which servers to run, of `mediaserve` and `nginx`.
    var servers = ["mediaserve", "nginx"]
    var nginx = "/usr/sbin/nginx"
    var rtmpModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
    /// Both servers cut at the first keyframe after 6 s; the clip has a keyframe every 2 s.
    let segmentSeconds = 6.0

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let text = environment["LIVEBENCH_PUBLISHERS"] {
            counts = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        }
        if let text = environment["LIVEBENCH_SECONDS"], let value = Double(text), value > 0 { seconds = value }
        if let text = environment["LIVEBENCH_STAGGER"], let value = Double(text), value >= 0 { stagger = value }
        if let text = environment["LIVEBENCH_SERVERS"] { servers = text.split(separator: ",").map(String.init) }
        nginx = environment["LIVEBENCH_NGINX"] ?? nginx
        rtmpModule = environment["LIVEBENCH_RTMP_MODULE"] ?? rtmpModule
    }
}
