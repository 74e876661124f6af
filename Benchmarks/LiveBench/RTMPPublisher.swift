import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal RTMP publisher on a blocking socket: simple handshake, connect / createStream / publish,
/// then FLV tag bodies as audio, video and data messages. It does no media work at all, so dozens of
/// them cost the benchmark far less CPU than as many ffmpeg processes.
final class RTMPPublisher {
    static let chunkSize = 4096
    private let socket: Int32
    private var received: [UInt8] = []

    init(port: Int, application: String, key: String) throws {
        guard let fd = connectLoopbackTCP(port: port) else {
            throw BenchError("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        socket = fd
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        try handshake()
        try startPublishing(port: port, application: application, key: key)
    }

    deinit { close(socket) }

    /// Simple handshake: C0 C1, read S0 S1 S2, answer S1 as C2.
    private func handshake() throws {
        var c0c1: [UInt8] = [3] + [UInt8](repeating: 0, count: 8)
        c0c1 += (0..<1528).map { _ in UInt8.random(in: 0...255) }
        try write(c0c1)
        try waitFor(byteCount: 1 + 2 * 1536)
        let s1 = Array(received[1...1536])
        received.removeFirst(1 + 2 * 1536)
        try write(s1)
    }

    private func startPublishing(port: Int, application: String, key: String) throws {
        var setChunkSize: [UInt8] = []
        appendBigEndian(&setChunkSize, UInt32(Self.chunkSize))
        try send(type: 1, chunkStream: 2, stream: 0, timestamp: 0, payload: setChunkSize, chunkSize: 128)
        var connect = AMF.string("connect") + AMF.number(1)
        connect += AMF.object([("app", AMF.string(application)), ("type", AMF.string("nonprivate")),
                               ("flashVer", AMF.string("FMLE/3.0 (compatible; LiveBench)")),
                               ("tcUrl", AMF.string("rtmp://127.0.0.1:\(port)/\(application)"))])
        try send(type: 20, chunkStream: 3, stream: 0, timestamp: 0, payload: connect)
        try awaitText("NetConnection.Connect.Success")
        try send(type: 20, chunkStream: 3, stream: 0, timestamp: 0, payload: AMF.string("createStream") + AMF.number(2) + AMF.null)
        // The _result of createStream (transaction 2) follows connect's; both servers answer stream id 1.
        try awaitCount(of: "_result", 2)
        let publish = AMF.string("publish") + AMF.number(3) + AMF.null + AMF.string(key) + AMF.string("live")
        try send(type: 20, chunkStream: 8, stream: 1, timestamp: 0, payload: publish)
        try awaitText("NetStream.Publish.Start")
    }

    /// One FLV tag body as the matching RTMP message on stream 1; script data gets `@setDataFrame`.
    func send(tag: FLVClip.Tag, timestamp: UInt32) throws {
        switch tag.type {
        case 8: try send(type: 8, chunkStream: 4, stream: 1, timestamp: timestamp, payload: tag.body)
        case 9: try send(type: 9, chunkStream: 6, stream: 1, timestamp: timestamp, payload: tag.body)
        case 18: try send(type: 18, chunkStream: 5, stream: 1, timestamp: timestamp, payload: AMF.string("@setDataFrame") + tag.body)
        default: break
        }
        discardReplies()
    }

    /// A message in chunks: a type 0 header, then type 3 headers every `chunkSize` bytes.
    private func send(type: UInt8, chunkStream: UInt8, stream: UInt32, timestamp: UInt32, payload: [UInt8],
                      chunkSize: Int = RTMPPublisher.chunkSize) throws {
        var out: [UInt8] = [chunkStream]
        out.reserveCapacity(payload.count + 16 + payload.count / chunkSize)
        let extended = timestamp >= 0xFF_FFFF
        appendUInt24(&out, extended ? 0xFF_FFFF : timestamp)
        appendUInt24(&out, UInt32(payload.count))
        out.append(type)
        appendBigEndian(&out, stream.byteSwapped)
        if extended { appendBigEndian(&out, timestamp) }
        var offset = 0
        while offset < payload.count {
            if offset > 0 {
                out.append(0xC0 | chunkStream)
                if extended { appendBigEndian(&out, timestamp) }
            }
            let end = min(offset + chunkSize, payload.count)
            out.append(contentsOf: payload[offset..<end])
            offset = end
        }
        try write(out)
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { throw BenchError("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    private func readSome(flags: Int32 = 0) -> Int {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, flags) }
        if count > 0 { received += buffer[0..<count] }
        return count
    }

    private func waitFor(byteCount count: Int) throws {
        while received.count < count {
            let read = readSome()
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { throw BenchError("the server closed the connection during the handshake") }
        }
    }

    private func awaitCount(of text: String, _ wanted: Int) throws {
        let needle = Array(text.utf8)
        while occurrences(of: needle) < wanted {
            let read = readSome()
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { throw BenchError("the server closed the connection before '\(text)'") }
        }
    }

    private func awaitText(_ text: String) throws { try awaitCount(of: text, 1) }

    private func occurrences(of needle: [UInt8]) -> Int {
        guard received.count >= needle.count else { return 0 }
        return (0...(received.count - needle.count)).filter { received[$0..<($0 + needle.count)].elementsEqual(needle) }.count
    }

    /// Acknowledgements and pings from the server: read and forget, never block.
    private func discardReplies() {
        while readSome(flags: Int32(MSG_DONTWAIT)) > 0 { received.removeAll(keepingCapacity: true) }
        received.removeAll(keepingCapacity: true)
    }
}

/// The few AMF0 values the publishing commands need.
enum AMF {
    static func number(_ value: Double) -> [UInt8] {
        var out: [UInt8] = [0]
        appendBigEndian(&out, value.bitPattern)
        return out
    }

    static func string(_ value: String) -> [UInt8] {
        var out: [UInt8] = [2]
        appendBigEndian(&out, UInt16(value.utf8.count))
        return out + Array(value.utf8)
    }

    static let null: [UInt8] = [5]

    static func object(_ properties: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [3]
        for (name, value) in properties {
            appendBigEndian(&out, UInt16(name.utf8.count))
            out += Array(name.utf8) + value
        }
        return out + [0, 0, 9]
    }
}

func appendBigEndian<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
    withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
}

func appendUInt24(_ out: inout [UInt8], _ value: UInt32) {
    out += [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}
