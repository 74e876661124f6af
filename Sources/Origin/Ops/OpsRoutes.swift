import Foundation
import Hummingbird

/// Liveness, readiness, the clock for DASH `UTCTiming`, and Prometheus metrics. None of them is cached.
struct OpsRoutes: Sendable {
    let metrics: OriginMetrics
    /// Flushed before `/metrics` answers, so its counts include every request answered before it.
    let recorder: RequestRecorder
    /// Seconds since 1970 for `/time`: the same clock the live manifests use, so a DASH player's
    /// `UTCTiming` agrees with their `publishTime` and availability start.
    let clock: @Sendable () -> Double
    /// Returns nil when ready, otherwise what is not (catalog closed, data directory not writable).
    let readiness: @Sendable () async -> String?

    func register(on router: Router<OriginRequestContext>) {
        router.get("healthz") { _, _ in Self.text("ok\n") }
        router.get("readyz") { _, _ in
            if let problem = await readiness() {
                throw OriginError.unavailable(problem)
            }
            return Self.text("ready\n")
        }
        router.get("time") { _, _ in
            let millis = Int((clock() * 1000).rounded(.down))
            return Self.text(HTTPDate.iso8601(milliseconds: millis))
        }
        router.get("metrics") { _, _ in
            recorder.flush()
            return Self.text(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    static func text(_ body: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .cacheControl: CachePolicy.noStore.headerValue],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Writes and removes a probe file: the data directory is there and writable.
    static func dataDirectoryWritable(_ directory: URL) -> String? {
        let probe = directory.appendingPathComponent(".readyz-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data("ok".utf8)) else {
            return "data directory \(directory.path) is not writable"
        }
        try? FileManager.default.removeItem(at: probe)
        return nil
    }
}
