import Foundation
import TestSupport

/// `mediaserve serve` run as a user would: the built binary, its own data directory, a free port read
/// back from the start-up banner. Stopped with SIGTERM (graceful) or SIGKILL (a crash).
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let rtmpPort: Int
    /// The SRT listener's UDP port; nil when the test turned SRT off (`srt.enabled=false`).
    let srtPort: Int?
    let dataDirectory: URL
    private let output = Pipe()

    init(dataDirectory: URL, apiKey: String, extra: [String] = []) throws {
        self.dataDirectory = dataDirectory
        process.executableURL = TestMedia.mediaserveBinary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDirectory.path,
                             "--set", "api.key=\(apiKey)", "--set", "log.level=warning", "--set", "rtmp.port=0", "--set", "srt.port=0"] + extra
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        (port, rtmpPort, srtPort) = try Self.readPorts(from: output.fileHandleForReading,
                                                       srt: !extra.contains("srt.enabled=false"))
        // Keep draining stdout so the server never blocks on a full pipe: on a thread of its own, because a
        // read that blocks for the server's whole life would hold one of the few threads libdispatch gives its
        // global queue on two cores, and a dozen servers at once stalled everything else queued there.
        let handle = output.fileHandleForReading
        Thread { while !handle.availableData.isEmpty {} }.start()
    }

    /// The HTTP, RTMP and SRT ports from the banner lines (`at http://127.0.0.1:P/`, `rtmp://127.0.0.1:P/`,
    /// `srt://127.0.0.1:P?`).
    private static func readPorts(from handle: FileHandle, srt: Bool) throws -> (Int, Int, Int?) {
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        func port(_ pattern: String) -> Int? {
            guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
            return Int(text[range].split(separator: ":").last!.dropLast())
        }
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let http = port(#"at https?://127\.0\.0\.1:\d+/"#), let rtmp = port(#"rtmp://127\.0\.0\.1:\d+/"#) {
                let srtPort = port(#"srt://127\.0\.0\.1:\d+\?"#)
                if !srt || srtPort != nil { return (http, rtmp, srtPort) }
            }
        }
        throw ServerProcessError.noBanner(text)
    }

    /// Graceful stop, bounded: SIGKILL after 10 s. Called from `defer`, so it blocks its thread, but never
    /// for longer than that (an unbounded `waitUntilExit` on the cooperative pool stalls every other test).
    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        waitForExit(process, killAfter: 10)
    }

    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }
}

enum ServerProcessError: Error, CustomStringConvertible {
    case noBanner(String)
    var description: String {
        switch self {
        case .noBanner(let text): return "mediaserve serve printed no URL; output was:\n\(text)"
        }
    }
}
