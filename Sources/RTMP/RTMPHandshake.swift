/// The server side of the RTMP simple handshake (C0+C1 → S0+S1+S2, then C2), as a value fed bytes.
///
/// ffmpeg and OBS (librtmp) both accept the simple handshake from a server: S1 carries a zero version
/// field, so the client does not look for the Flash digest, and S2 echoes C1. Any bytes that arrive after
/// C2 in the same read already belong to the chunk stream and are handed back.
public struct RTMPHandshake: Sendable {
    public static let packetSize = 1536
    public static let version: UInt8 = 3

    public enum State: Equatable, Sendable {
        case waitingForC0C1
        case waitingForC2
        case done
    }

    public enum Action: Equatable, Sendable {
        /// Send these bytes to the client (S0+S1+S2) and wait for more input.
        case send([UInt8])
        /// The handshake is complete; the bytes are the start of the chunk stream.
        case complete(leftover: [UInt8])
        /// Need more bytes before anything can happen.
        case needMoreData
    }

    public private(set) var state: State = .waitingForC0C1
    private var buffer: [UInt8] = []
    private let serverTime: UInt32
    private let random: [UInt8]

    /// `serverTime` and `random` fill S1; tests pass fixed values, the server passes the clock and random bytes.
    public init(serverTime: UInt32 = 0, random: [UInt8]? = nil) {
        self.serverTime = serverTime
        self.random = random ?? (0..<(RTMPHandshake.packetSize - 8)).map { _ in UInt8.random(in: 0...255) }
    }

    /// Feeds received bytes; returns what to do next. Throws on a version other than 3.
    public mutating func receive(_ bytes: [UInt8]) throws -> [Action] {
        guard state != .done else { return [.complete(leftover: bytes)] }
        buffer.append(contentsOf: bytes)
        var actions: [Action] = []
        if state == .waitingForC0C1 {
            if let first = buffer.first, first != RTMPHandshake.version {
                throw LiveError.unsupportedRTMPVersion(first)
            }
            guard buffer.count >= 1 + RTMPHandshake.packetSize else { return [.needMoreData] }
            let c1 = Array(buffer[1...RTMPHandshake.packetSize])
            buffer.removeFirst(1 + RTMPHandshake.packetSize)
            actions.append(.send(serverReply(echoing: c1)))
            state = .waitingForC2
        }
        if state == .waitingForC2 {
            guard buffer.count >= RTMPHandshake.packetSize else {
                if actions.isEmpty { actions.append(.needMoreData) }
                return actions
            }
            // C2 should echo S1; clients differ in what they put there, and nothing depends on it.
            let leftover = Array(buffer.dropFirst(RTMPHandshake.packetSize))
            buffer = []
            state = .done
            actions.append(.complete(leftover: leftover))
        }
        return actions
    }

    /// S0 (version), S1 (our time, zero, random) and S2 = C1 unchanged. The spec puts our read time in
    /// S2's second field, but librtmp (OBS) compares S2 with its C1 byte for byte and logs a mismatch,
    /// so the whole of C1 is echoed (ffmpeg does not look at S2 when it publishes).
    private func serverReply(echoing c1: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [RTMPHandshake.version]
        out.reserveCapacity(1 + 2 * RTMPHandshake.packetSize)
        out.appendBigEndian(serverTime)
        out.appendBigEndian(UInt32(0))
        out.append(contentsOf: random)
        out.append(contentsOf: c1)
        return out
    }
}
