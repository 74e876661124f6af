import RTMP

/// Plays the client side of a publish, as ffmpeg does it, with hand-built messages.
public struct ClientScript {
    public var writer = RTMPChunkWriter()

    public init() {}

    public static let handshake: [UInt8] = [3] + [UInt8](repeating: 1, count: 1536) + [UInt8](repeating: 2, count: 1536)

    public func command(_ values: [AMF0Value], streamID: UInt32 = 0) -> [UInt8] {
        writer.encode(RTMPMessage(chunkStreamID: streamID == 0 ? 3 : 8, timestamp: 0, typeID: 20, streamID: streamID,
                                  payload: AMF0.encode(values)))
    }

    public func connect(app: String = "live") -> [UInt8] {
        command([.string("connect"), .number(1), .object([
            AMF0Property("app", .string(app)), AMF0Property("type", .string("nonprivate")),
            AMF0Property("tcUrl", .string("rtmp://127.0.0.1/\(app)")),
        ])])
    }

    public func media(type: UInt8, timestamp: UInt32, _ payload: [UInt8]) -> [UInt8] {
        writer.encode(RTMPMessage(chunkStreamID: type == 8 ? 4 : 6, timestamp: timestamp, typeID: type, streamID: 1, payload: payload))
    }

    public static let avcC: [UInt8] = [1, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1F, 0x01, 0x00, 0x02, 0x68, 0xEE]
}
