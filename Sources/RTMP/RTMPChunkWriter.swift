/// Splits outgoing messages into chunks. The server sends little (control messages and command replies),
/// so every message starts with a full type-0 header and continues with type-3 chunks.
public struct RTMPChunkWriter: Sendable {
    public private(set) var chunkSize = RTMPChunkParser.defaultChunkSize

    public init() {}

    /// Encodes a Set Chunk Size message (in the old size) and uses the new size from then on.
    public mutating func setChunkSize(_ size: Int) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendBigEndian(UInt32(size))
        let bytes = encode(RTMPMessage(chunkStreamID: 2, timestamp: 0, typeID: RTMPMessageType.setChunkSize.rawValue,
                                       streamID: 0, payload: payload))
        chunkSize = size
        return bytes
    }

    public func encode(_ message: RTMPMessage) -> [UInt8] {
        let extended = message.timestamp >= 0xFFFFFF
        var out: [UInt8] = []
        out.reserveCapacity(message.payload.count + 16 + message.payload.count / chunkSize * 5)
        appendBasicHeader(format: 0, csid: message.chunkStreamID, into: &out)
        out.appendUInt24(extended ? 0xFFFFFF : message.timestamp)
        out.appendUInt24(UInt32(message.payload.count))
        out.append(message.typeID)
        out.appendLittleEndian(message.streamID)
        if extended { out.appendBigEndian(message.timestamp) }
        var offset = 0
        repeat {
            if offset > 0 {
                appendBasicHeader(format: 3, csid: message.chunkStreamID, into: &out)
                if extended { out.appendBigEndian(message.timestamp) }
            }
            let end = min(offset + chunkSize, message.payload.count)
            out.append(contentsOf: message.payload[offset..<end])
            offset = end
        } while offset < message.payload.count
        return out
    }

    private func appendBasicHeader(format: UInt8, csid: UInt32, into out: inout [UInt8]) {
        switch csid {
        case 2...63:
            out.append(format << 6 | UInt8(csid))
        case 64...319:
            out.append(format << 6)
            out.append(UInt8(csid - 64))
        default:
            out.append(format << 6 | 1)
            let value = csid - 64
            out.append(UInt8(value & 0xFF))
            out.append(UInt8((value >> 8) & 0xFF))
        }
    }
}
