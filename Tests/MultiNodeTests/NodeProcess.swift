import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One `mediaserve serve --roles ...` node as its own process: its own data directory (staging, uploads,
/// object cache), the shared store and catalog from `environment`, ports read back from its banner.
final class NodeProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    let data: URL
    let port: Int
    /// The RTMP port of a node with the live role.
    let rtmpPort: Int?
    let output = OutputLines()

    init(_ name: String, roles: String, root: URL, environment: [String: String], extra: [String] = []) throws {
        self.name = name
        data = root.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        process.executableURL = TestMedia.mediaserveBinary
        process.arguments = ["serve", "--roles", roles, "--host", "127.0.0.1", "--port", "0", "--data-dir", data.path,
                             "--set", "rtmp.port=0", "--set", "srt.enabled=false", "--set", "log.level=info"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output.pipe
        process.standardError = output.pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let live = roles.contains("live")
        guard output.wait(forLineContaining: "http://127.0.0.1:", timeout: 90),
              !live || output.wait(forLineContaining: "rtmp://127.0.0.1:", timeout: 30),
              let port = Self.port(#"http://127\.0\.0\.1:\d+"#, in: output.text) else {
            process.terminate()
            throw TestServerError("node \(name) (\(roles)) printed no URL: \(output.text.suffix(3_000))")
        }
        self.port = port
        rtmpPort = live ? Self.port(#"rtmp://127\.0\.0\.1:\d+"#, in: output.text) : nil
    }

    static func port(_ pattern: String, in text: String) -> Int? {
        guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
        return Int(text[range].split(separator: ":").last!)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A crash: no clean-up of any kind runs.
    func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill9() }
}

/// HTTP through curl (the nodes are separate processes; nothing of theirs is in this one).
enum HTTP {
    struct Answer {
        var status: Int
        var body: String
    }

    static func get(_ url: String, headers: [String] = [], method: String = "GET", bodyFile: URL? = nil) throws -> Answer {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "60", "-X", method]
        for header in headers { arguments += ["-H", header] }
        if let bodyFile { arguments += ["--data-binary", "@\(bodyFile.path)"] }
        let result = try run("curl", arguments + [url])
        let text = result.stdout
        guard let newline = text.lastIndex(of: "\n") else { return Answer(status: 0, body: text) }
        return Answer(status: Int(text[text.index(after: newline)...]) ?? 0, body: String(text[..<newline]))
    }
}
