import Foundation

/// `mediaserve serve` on a free port (RTMP on a free port, SRT off) with the data directory and the
/// rest of its configuration (a bucket, a PostgreSQL catalog) in its environment.
public final class ServeProcess: @unchecked Sendable {
    let process = Process()
    public let port: Int
    public let output = OutputLines()

    public init(data: URL, environment: [String: String]) throws {
        process.executableURL = TestMedia.mediaserveBinary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data.path,
                             "--set", "log.level=warning", "--set", "rtmp.port=0", "--set", "srt.enabled=false"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output.pipe
        process.standardError = output.pipe
        try process.run()
        guard output.wait(forLineContaining: "http://127.0.0.1:", timeout: 60),
              let range = output.text.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression),
              let port = Int(output.text[range].split(separator: ":").last!) else {
            process.terminate()
            throw TestServerError("mediaserve serve printed no URL: \(output.text)")
        }
        self.port = port
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The HTTP status of a GET (curl, at most `maxTime` seconds).
    public static func status(_ url: String, maxTime: Int = 30, headers: [String] = []) throws -> Int {
        let result = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", String(maxTime)]
                                      + headers.flatMap { ["-H", $0] } + [url])
        return Int(result.stdout) ?? 0
    }
}
