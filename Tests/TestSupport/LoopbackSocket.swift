import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client on loopback for hostile-client tests: it can connect from another loopback
/// address (127.0.0.2, …: Linux routes all of 127/8 to lo) so per-address limits can be told apart from
/// other clients, and every receive and send has a timeout so a stalled server fails a test, never hangs it.
public final class LoopbackSocket: @unchecked Sendable {
    public enum Received: Equatable {
        case bytes([UInt8])
        /// The server closed (EOF) or reset the connection.
        case closed
        case timedOut
    }

    public let descriptor: CInt
    private var isOpen = true

    public init(port: Int, source: String = "127.0.0.1", receiveTimeout: Double = 10, sendTimeout: Double = 10,
                receiveBuffer: CInt? = nil) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackSocketError("socket() failed: errno \(errno)") }
        descriptor = fd
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size)) }
        Self.setTimeout(fd, SO_RCVTIMEO, receiveTimeout)
        Self.setTimeout(fd, SO_SNDTIMEO, sendTimeout)
        var local = Self.address(source, port: 0)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            Glibc.close(fd)
            throw LoopbackSocketError("bind(\(source)) failed: errno \(errno)")
        }
        var remote = Self.address("127.0.0.1", port: port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw LoopbackSocketError("connect() failed: errno \(errno)")
        }
    }

    deinit { close() }

    public func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(descriptor)
    }

    /// Sends all of `bytes`; returns how many went out before the send timeout or an error.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Int {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }
            sent += count
        }
        return sent
    }

    @discardableResult
    public func send(_ text: String) -> Int { send(Array(text.utf8)) }

    public func receive(upTo count: Int = 65536) -> Received {
        var buffer = [UInt8](repeating: 0, count: count)
        let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if received > 0 { return .bytes(Array(buffer[0..<received])) }
        if received == 0 || errno == ECONNRESET { return .closed }
        return .timedOut
    }

    /// Reads until the server closes the connection (true) or a receive times out (false).
    public func readUntilClosed() -> (bytes: [UInt8], closedByServer: Bool) {
        var all: [UInt8] = []
        while true {
            switch receive() {
            case .bytes(let chunk): all += chunk
            case .closed: return (all, true)
            case .timedOut: return (all, false)
            }
        }
    }

    /// Reads until `bytes` holds at least `count` bytes, the connection closes or a receive times out.
    public func read(atLeast count: Int) -> [UInt8] {
        var all: [UInt8] = []
        while all.count < count, case .bytes(let chunk) = receive() { all += chunk }
        return all
    }

    private static func setTimeout(_ fd: CInt, _ option: Int32, _ seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func address(_ ip: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(ip)
        return address
    }
}

public struct LoopbackSocketError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A simple HTTP/1.1 exchange on a fresh connection from `source`: the raw response text and whether the
/// server closed the connection afterwards.
public func httpExchange(port: Int, source: String = "127.0.0.1", _ request: String,
                         receiveTimeout: Double = 5) throws -> (status: Int, text: String, closed: Bool) {
    let socket = try LoopbackSocket(port: port, source: source, receiveTimeout: receiveTimeout)
    defer { socket.close() }
    socket.send(request)
    let (bytes, closed) = socket.readUntilClosed()
    let text = String(decoding: bytes, as: UTF8.self)
    let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, text, closed)
}

/// Descriptors of this process open on `path` (from /proc/self/fd): how many files a server in the test
/// process holds open.
public func openDescriptors(on path: String) -> Int {
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }.count
}
