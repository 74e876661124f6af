#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address and port as libsrt takes them (`struct sockaddr*` and a length), resolved with
/// getaddrinfo so `0.0.0.0`, `::`, `127.0.0.1` and host names all work.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: Int32 = 0

    init() {}

    /// Resolves `host` (numeric or a name; empty means any address) for a UDP socket on `port`.
    init?(host: String, port: Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        length = Int32(first.pointee.ai_addrlen)
        withUnsafeMutableBytes(of: &storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
    }

    /// Copies a `sockaddr` libsrt handed over (e.g. the peer in the listen callback).
    init(copying address: UnsafePointer<sockaddr>) {
        let size = address.pointee.sa_family == sa_family_t(AF_INET6) ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
        length = Int32(size)
        withUnsafeMutableBytes(of: &storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: size))
        }
    }

    /// Runs `body` with the address as libsrt wants it.
    mutating func withSockaddr<T>(_ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<Int32>) -> T) -> T {
        var length = length == 0 ? Int32(MemoryLayout<sockaddr_storage>.size) : length
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, &length) }
        }
        self.length = length
        return result
    }

    var port: Int {
        var copy = storage
        let family = storage.ss_family
        return withUnsafePointer(to: &copy) { pointer in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// `127.0.0.1:52000` or `[::1]:52000`, for log lines.
    var text: String {
        var copy = self
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let ok = copy.withSockaddr { address, length in
            getnameinfo(address, socklen_t(length.pointee), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0
        }
        guard ok else { return "unknown address" }
        let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return storage.ss_family == sa_family_t(AF_INET6) ? "[\(name)]:\(port)" : "\(name):\(port)"
    }
}
