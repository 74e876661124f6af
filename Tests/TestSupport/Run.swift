import Foundation

/// The result of running a program to completion.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data
}

/// Runs a program (looked up on PATH when not absolute) and waits for it, capturing both streams.
/// Tests use it to drive `mediaserve` as a user would and to ask ffprobe about what we wrote.
/// A child still running after `timeLimit` seconds is killed (status 9, said in stderr): a client waiting on
/// a server that stopped answering fails its test instead of hanging the whole run until CI gives up.
@discardableResult
public func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: URL? = nil, timeLimit: TimeInterval = 600) throws -> RunResult {
    let process = Process()
    if program.hasPrefix("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Written by the watchdog before its kill, read after the child's exit that the kill caused.
    nonisolated(unsafe) var overTime = false
    let watchdog = DispatchWorkItem { [pid = process.processIdentifier] in
        overTime = true
        kill(pid, SIGKILL)
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: watchdog)
    // Read both pipes concurrently so a chatty child cannot block on a full pipe. The second reader is a
    // thread of its own, not libdispatch's global queue, whose few threads blocking reads can exhaust.
    nonisolated(unsafe) var errData = Data()
    let errRead = DispatchSemaphore(value: 0)
    Thread {
        errData = readToEnd(err.fileHandleForReading)
        errRead.signal()
    }.start()
    let outData = readToEnd(out.fileHandleForReading)
    errRead.wait()
    process.waitUntilExit()
    watchdog.cancel()
    return RunResult(status: process.terminationStatus,
                     stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self) + (overTime ? "\n\(program) killed after its \(Int(timeLimit)) s limit" : ""),
                     stdoutData: outData)
}

/// Reads a pipe until end of file, retrying reads a signal interrupted. Foundation's
/// `readDataToEndOfFile` traps on EINTR, which tests that send signals to children (Ctrl-C tests) trigger.
func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let fd = handle.fileDescriptor
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            data.append(contentsOf: buffer[0..<count])
        } else if count == 0 || errno != EINTR {
            return data
        }
    }
}

/// `ffprobe -show_streams -show_format -of json` on a file or URL, decoded as a JSON object.
public func ffprobeJSON(_ input: String, extra: [String] = []) throws -> [String: Any] {
    let result = try run("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-of", "json"] + extra + [input])
    guard result.status == 0,
          let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any] else {
        throw TestSupportError.ffprobeFailed(input: input, stderr: result.stderr)
    }
    return object
}

public enum TestSupportError: Error, CustomStringConvertible {
    case ffprobeFailed(input: String, stderr: String)

    public var description: String {
        switch self {
        case .ffprobeFailed(let input, let stderr): return "ffprobe failed on \(input): \(stderr)"
        }
    }
}

/// `run` for async tests: the child is waited for on a thread of its own, never on Swift's cooperative
/// pool. That pool has one thread per core (two here); a test that blocks it while waiting for ffmpeg
/// starves every in-process server and every other test running in parallel.
public func runAsync(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                     currentDirectory: URL? = nil, timeLimit: TimeInterval = 600) async throws -> RunResult {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result {
                try run(program, arguments, environment: environment, currentDirectory: currentDirectory, timeLimit: timeLimit)
            })
        }
        thread.start()
    }
}

/// `ffprobeJSON` for async tests, off the cooperative pool (ffprobe may be reading from an in-process server).
public func ffprobeJSONAsync(_ input: String, extra: [String] = []) async throws -> [String: Any] {
    try await offPool { UnsafeTransfer(try ffprobeJSON(input, extra: extra)) }.value
}

/// Carries a non-Sendable value (a JSON object built and then only read) out of `offPool`'s thread.
public struct UnsafeTransfer: @unchecked Sendable {
    public let value: [String: Any]
    init(_ value: [String: Any]) { self.value = value }
}

/// Runs any blocking work (socket reads, waiting for a child) on a thread of its own, off the
/// cooperative pool, for the same reason as `runAsync`.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// Stops a child the test started (SIGTERM, then SIGKILL after `seconds`) and waits for it off the
/// cooperative pool. `Process.waitUntilExit()` on the pool held both of its threads for tens of seconds
/// once two publishers were slow to exit, and every in-process server and poll of the test run stalled.
public func stop(_ process: Process, killAfter seconds: Double = 10) async {
    guard process.isRunning else { return }
    process.terminate()
    await exited(process, killAfter: seconds)
}

/// Waits, off the cooperative pool, for a child to exit by itself; SIGKILL after `seconds`.
public func exited(_ process: Process, killAfter seconds: Double) async {
    _ = try? await offPool { waitForExit(process, killAfter: seconds) }
}

/// Waits on this thread for a child to exit; SIGKILL after `seconds`, so the wait is bounded. Only for a
/// caller that cannot await (a `defer`); async code uses `exited`.
public func waitForExit(_ process: Process, killAfter seconds: Double) {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}
