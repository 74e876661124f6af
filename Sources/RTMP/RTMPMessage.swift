/// One reassembled RTMP message: what the chunk stream carries once its chunks are put back together.
public struct RTMPMessage: Equatable, Sendable {
    public var chunkStreamID: UInt32
    /// Absolute timestamp in milliseconds, modulo 2^32 (RTMP timestamps wrap after ~49.7 days).
    public var timestamp: UInt32
    public var typeID: UInt8
    public var streamID: UInt32
    public var payload: [UInt8]

    public init(chunkStreamID: UInt32, timestamp: UInt32, typeID: UInt8, streamID: UInt32, payload: [UInt8]) {
        self.chunkStreamID = chunkStreamID
        self.timestamp = timestamp
        self.typeID = typeID
        self.streamID = streamID
        self.payload = payload
    }

    public var type: RTMPMessageType? { RTMPMessageType(rawValue: typeID) }
}

/// RTMP message type ids (RTMP 1.0 sections 5.4 and 7.1).
public enum RTMPMessageType: UInt8, Sendable {
    case setChunkSize = 1
    case abort = 2
    case acknowledgement = 3
    case userControl = 4
    case windowAcknowledgementSize = 5
    case setPeerBandwidth = 6
    case audio = 8
    case video = 9
    case dataAMF3 = 15
    case sharedObjectAMF3 = 16
    case commandAMF3 = 17
    case dataAMF0 = 18
    case sharedObjectAMF0 = 19
    case commandAMF0 = 20
    case aggregate = 22
}

/// Limits that bound what one connection may make us hold in memory.
public struct RTMPLimits: Sendable, Equatable {
    /// Largest chunk size a peer may set (the spec allows 2^31-1; nobody needs more than a few KiB).
    public var maxChunkSize: Int
    /// Largest message a peer may announce (a 4K keyframe fits well within 8 MiB).
    public var maxMessageLength: Int
    /// Most distinct chunk stream ids one connection may use.
    public var maxChunkStreams: Int
    /// Most bytes of unfinished messages held across all chunk streams.
    public var maxBufferedBytes: Int
    /// The same before the connection publishes with a valid key: commands are small, so a connection that
    /// has proved nothing cannot make the server hold megabytes.
    public var maxBufferedBytesBeforePublish: Int

    public init(maxChunkSize: Int = 1 << 20, maxMessageLength: Int = 8 << 20, maxChunkStreams: Int = 64,
                maxBufferedBytes: Int = 16 << 20, maxBufferedBytesBeforePublish: Int = 256 << 10) {
        self.maxBufferedBytesBeforePublish = maxBufferedBytesBeforePublish
        self.maxChunkSize = maxChunkSize
        self.maxMessageLength = maxMessageLength
        self.maxChunkStreams = maxChunkStreams
        self.maxBufferedBytes = maxBufferedBytes
    }

    public static let `default` = RTMPLimits()
}
