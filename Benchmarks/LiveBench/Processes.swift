import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds so far, resident and peak resident megabytes of a running process, from /proc (read
/// once per measurement: no sampling thread that would cost CPU itself).
struct ProcessStats {
    var cpu: Double
    var rss: Double
    var peakRSS: Double

    init(pid: Int32) {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks = fields.count > 12 ? (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) : 0
        cpu = ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func megabytes(_ key: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key) }
            return (line?.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0) / 1024
        }
        rss = megabytes("VmRSS:")
        peakRSS = megabytes("VmHWM:")
    }
}

/// A child process with its standard input and output on pipes, read line by line with read(2)
/// (retrying EINTR, which Foundation's readers trap on).
final class Child {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered: [UInt8] = []

    init(_ path: String, _ arguments: [String], keepStdout: Bool = true) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = keepStdout ? output : FileHandle.nullDevice
        process.standardError = FileHandle.standardError
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The next line of output, nil at end of output.
    func readLine() -> String? {
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffered.firstIndex(of: 10) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeFirst(newline + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                defer { buffered = [] }
                return buffered.isEmpty ? nil : String(decoding: buffered, as: UTF8.self)
            }
            buffered += chunk[0..<count]
        }
    }

    func lines() -> [String] {
        var all: [String] = []
        while let line = readLine() { all.append(line) }
        return all
    }

    func closeInput() { try? input.fileHandleForWriting.close() }

    func wait() { process.waitUntilExit() }
}

/// A blocking TCP socket connected to 127.0.0.1:`port`, or nil with errno set (the socket is closed).
func connectLoopbackTCP(port: Int) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        let saved = errno
        close(fd)
        errno = saved
        return nil
    }
    return fd
}

/// Blocks until something accepts TCP connections on 127.0.0.1:`port` (nginx has no ready signal).
func waitForListener(port: Int, timeout: Double = 10) throws {
    let deadline = Date().timeIntervalSince1970 + timeout
    while Date().timeIntervalSince1970 < deadline {
        if let fd = connectLoopbackTCP(port: port) {
            close(fd)
            return
        }
        usleep(50_000)
    }
    throw BenchError("nothing listens on 127.0.0.1:\(port) after \(Int(timeout)) s")
}
