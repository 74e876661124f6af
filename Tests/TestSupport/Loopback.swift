import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plain sockets to a server under test on 127.0.0.1, for what a real client library would hide: raw request
/// bytes, slow readers, noise datagrams.
public enum Loopback {
    /// A blocking TCP socket connected to 127.0.0.1:`port`, with a receive timeout so a stalled server fails
    /// the test instead of hanging it; `receiveBuffer` shrinks SO_RCVBUF for tests that read slowly.
    public static func connect(port: Int, receiveTimeoutSeconds: Int, receiveBuffer: CInt? = nil) throws -> CInt {
        let fd = try socket(stream: true)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size))
        }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Glibc)
        let connected = withAddress(port: port) { Glibc.connect(fd, $0, $1) }
        #else
        let connected = withAddress(port: port) { Darwin.connect(fd, $0, $1) }
        #endif
        guard connected == 0 else {
            let error = LoopbackError("connect to 127.0.0.1:\(port)")
            close(fd)
            throw error
        }
        return fd
    }

    /// Sends each datagram to UDP 127.0.0.1:`port` (e.g. noise at an SRT listener).
    public static func sendDatagrams(port: Int, _ datagrams: [[UInt8]]) throws {
        let fd = try socket(stream: false)
        defer { close(fd) }
        for datagram in datagrams {
            let sent = withAddress(port: port) { address, length in
                datagram.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, address, length) }
            }
            guard sent == datagram.count else { throw LoopbackError("sendto 127.0.0.1:\(port)") }
        }
    }

    private static func socket(stream: Bool) throws -> CInt {
        #if canImport(Glibc)
        let fd = Glibc.socket(AF_INET, Int32((stream ? SOCK_STREAM : SOCK_DGRAM).rawValue), 0)
        #else
        let fd = Darwin.socket(AF_INET, stream ? SOCK_STREAM : SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackError("socket()") }
        return fd
    }

    /// Runs `body` with 127.0.0.1:`port` as a `sockaddr` and its length.
    private static func withAddress<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}

/// A loopback socket call failed; the message names the call and errno's text.
public struct LoopbackError: Error, CustomStringConvertible {
    public let description: String
    init(_ call: String) { description = "\(call) failed: \(String(cString: strerror(errno)))" }
}
