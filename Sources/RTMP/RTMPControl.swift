/// Builders for the messages the server sends, and a reader for the clock wrap of RTMP timestamps.
enum RTMPControl {
    static let controlChunkStream: UInt32 = 2
    static let commandChunkStream: UInt32 = 3
    static let streamChunkStream: UInt32 = 5

    static func windowAcknowledgementSize(_ size: UInt32) -> RTMPMessage {
        control(.windowAcknowledgementSize, payload: bigEndian(size))
    }

    /// Limit type 2 (dynamic), as FMS and nginx-rtmp send.
    static func setPeerBandwidth(_ size: UInt32) -> RTMPMessage {
        control(.setPeerBandwidth, payload: bigEndian(size) + [2])
    }

    static func acknowledgement(_ sequence: UInt32) -> RTMPMessage {
        control(.acknowledgement, payload: bigEndian(sequence))
    }

    /// User control event 0 (Stream Begin) for a message stream.
    static func streamBegin(_ streamID: UInt32) -> RTMPMessage {
        control(.userControl, payload: [0, 0] + bigEndian(streamID))
    }

    static func command(_ values: [AMF0Value], streamID: UInt32 = 0) -> RTMPMessage {
        RTMPMessage(chunkStreamID: streamID == 0 ? commandChunkStream : streamChunkStream, timestamp: 0,
                    typeID: RTMPMessageType.commandAMF0.rawValue, streamID: streamID, payload: AMF0.encode(values))
    }

    /// An `onStatus` info object on a message stream.
    static func onStatus(level: String, code: String, description: String, streamID: UInt32) -> RTMPMessage {
        command([.string("onStatus"), .number(0), .null, .object([
            AMF0Property("level", .string(level)),
            AMF0Property("code", .string(code)),
            AMF0Property("description", .string(description)),
        ])], streamID: streamID)
    }

    private static func control(_ type: RTMPMessageType, payload: [UInt8]) -> RTMPMessage {
        RTMPMessage(chunkStreamID: controlChunkStream, timestamp: 0, typeID: type.rawValue, streamID: 0, payload: payload)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        out.appendBigEndian(value)
        return out
    }
}

/// Turns 32-bit millisecond timestamps into a 64-bit timeline: a jump backwards by more than half the
/// range is the counter wrapping (after ~49.7 days), not time going back.
struct TimestampUnwrapper: Sendable {
    private var last: UInt32?
    private var epoch: Int64 = 0

    mutating func unwrap(_ timestamp: UInt32) -> Int64 {
        if let last {
            if timestamp < last, last - timestamp > 0x8000_0000 { epoch += 1 << 32 }
            else if timestamp > last, timestamp - last > 0x8000_0000, epoch > 0 { epoch -= 1 << 32 }
        }
        last = timestamp
        return epoch + Int64(timestamp)
    }
}
