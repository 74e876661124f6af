import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real server a test starts itself (rclone, moto, PostgreSQL) as a child process on a free loopback
/// port, stopped by `stop()` or when the value goes. Programs come from `scripts/test-servers.sh`, which
/// installs them on first use.
public final class TestServerProcess: @unchecked Sendable {
    public let name: String
    public let port: Int
    public let directory: URL
    let process: Process
    let output: OutputLines

    init(name: String, port: Int, directory: URL, program: String, arguments: [String],
         environment: [String: String] = [:], readyTimeout: TimeInterval = 90) throws {
        self.name = name
        self.port = port
        self.directory = directory
        process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        output = OutputLines()
        process.standardOutput = output.pipe
        process.standardError = output.pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(readyTimeout)
        while !Self.accepts(port: port) {
            guard process.isRunning, Date() < deadline else {
                let text = output.text
                stop()
                throw TestServerError("\(name) did not accept connections on 127.0.0.1:\(port) within \(Int(readyTimeout)) s: \(text.suffix(2_000))")
            }
            usleep(50_000)
        }
    }

    /// Ends the server (SIGTERM, then SIGKILL after 10 s) and removes its directory.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the server abruptly (SIGKILL) and keeps its directory, for fault tests that restart it.
    public func kill9() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// Everything the server printed, for failure messages.
    public var log: String { output.text }

    static func accepts(port: Int) -> Bool {
        guard let fd = try? Loopback.connect(port: port, receiveTimeoutSeconds: 1) else { return false }
        close(fd)
        return true
    }

    /// A port nothing listens on now (bound to 0 and released: the kernel does not hand it out again at once).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestServerError("bind to 127.0.0.1:0 failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `scripts/test-servers.sh <group>`: installs what is missing and returns the programs' directory.
    static func programs(_ group: String) throws -> URL {
        let script = TestMedia.packageRoot.appendingPathComponent("scripts/test-servers.sh").path
        let result = try run(script, [group])
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw TestServerError("scripts/test-servers.sh \(group) failed: \(result.stderr.suffix(2_000))")
        }
        return URL(fileURLWithPath: String(line))
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// An S3-compatible server for tests: `rclone serve s3` or moto's server, with its endpoint and keys.
public final class S3TestServer: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case rclone, moto
    }

    public let kind: Kind
    public let server: TestServerProcess
    public let accessKey = "mediaserve-test"
    public let secretKey = "mediaserve-test-secret"
    public var endpoint: String { "http://127.0.0.1:\(server.port)" }

    public init(_ kind: Kind) throws {
        self.kind = kind
        let bin = try TestServerProcess.programs("s3")
        let directory = try temporaryDirectory("s3-\(kind.rawValue)")
        let port = try TestServerProcess.freePort()
        switch kind {
        case .rclone:
            let root = directory.appendingPathComponent("buckets")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            server = try TestServerProcess(
                name: "rclone serve s3", port: port, directory: directory,
                program: bin.appendingPathComponent("rclone").path,
                arguments: ["serve", "s3", "--addr", "127.0.0.1:\(port)", "--auth-key", "\(accessKey),\(secretKey)",
                            "--config", "/dev/null", root.path])
        case .moto:
            server = try TestServerProcess(
                name: "moto_server", port: port, directory: directory,
                program: bin.appendingPathComponent("moto_server").path,
                arguments: ["-H", "127.0.0.1", "-p", String(port)])
        }
    }

    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey]
    }
}
