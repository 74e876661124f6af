/// One publisher connection, from the first handshake byte to the last media message, as a value fed
/// bytes: handshake, chunk reassembly, acknowledgements, the publish command flow, and FLV payloads.
///
/// It never touches a socket or a clock: `receive` returns actions (bytes to send, a publish request to
/// decide, media to segment), and the NIO handler carries them out. That keeps every protocol rule
/// testable with recorded bytes.
public struct RTMPServerSession: Sendable {
    public enum Action: Equatable, Sendable {
        /// Bytes for the client.
        case send([UInt8])
        /// The client asked to publish `streamKey` in `app`; answer with `acceptPublish` or `refusePublish`.
        case publishRequested(app: String, streamKey: String)
        case media(LiveMediaEvent)
        /// The client ended its publication (FCUnpublish / deleteStream / closeStream).
        case unpublished
        /// Close the connection after sending what came before.
        case close(reason: String)
    }

    public enum Phase: Equatable, Sendable {
        case handshake, awaitingConnect, connected, publishPending, publishing, closed
    }

    /// Server settings the session announces.
    public struct Settings: Sendable, Equatable {
        /// Application name publishers must use (`rtmp://host/<app>/<key>`).
        public var application: String
        public var outgoingChunkSize: Int
        public var windowAcknowledgementSize: UInt32
        public var limits: RTMPLimits

        public init(application: String = "live", outgoingChunkSize: Int = 4096,
                    windowAcknowledgementSize: UInt32 = 2_500_000, limits: RTMPLimits = .default) {
            self.application = application
            self.outgoingChunkSize = outgoingChunkSize
            self.windowAcknowledgementSize = windowAcknowledgementSize
            self.limits = limits
        }
    }

    static let publishStreamID: UInt32 = 1

    public internal(set) var phase: Phase = .handshake
    public internal(set) var streamKey: String?
    let settings: Settings
    private var handshake: RTMPHandshake
    private var parser: RTMPChunkParser
    var writer = RTMPChunkWriter()
    private var bytesReceived: UInt64 = 0
    private var lastAcknowledged: UInt64 = 0
    private var peerWindow: UInt32?
    private var videoClock = TimestampUnwrapper()
    private var audioClock = TimestampUnwrapper()

    public init(settings: Settings = Settings(), handshake: RTMPHandshake = RTMPHandshake()) {
        self.settings = settings
        self.handshake = handshake
        self.parser = RTMPChunkParser(limits: settings.limits)
        parser.bufferBudget = settings.limits.maxBufferedBytesBeforePublish
    }

    /// Bytes the session holds for unfinished messages and unparsed input (for the server's total budget).
    public var bufferedBytes: Int { parser.bufferedBytes }

    /// Feeds bytes from the socket. A thrown `LiveError` means: log it and close the connection.
    public mutating func receive(_ bytes: [UInt8]) throws -> [Action] {
        guard phase != .closed else { return [] }
        var actions: [Action] = []
        var chunkBytes = bytes
        if phase == .handshake {
            chunkBytes = []
            for step in try handshake.receive(bytes) {
                switch step {
                case .send(let reply): actions.append(.send(reply))
                case .needMoreData: break
                case .complete(let leftover):
                    phase = .awaitingConnect
                    chunkBytes = leftover
                }
            }
            if chunkBytes.isEmpty { return actions }
        }
        bytesReceived += UInt64(chunkBytes.count)
        for message in try parser.receive(chunkBytes) {
            // Media (nearly every message) is appended in place: no array per message.
            if message.type == .video || message.type == .audio {
                try handleMedia(message, into: &actions)
                continue
            }
            actions += try handle(message)
            if phase == .closed { return actions }
        }
        if let window = peerWindow, window > 0, bytesReceived - lastAcknowledged >= UInt64(window) {
            lastAcknowledged = bytesReceived
            actions.append(.send(writer.encode(RTMPControl.acknowledgement(UInt32(truncatingIfNeeded: bytesReceived)))))
        }
        return actions
    }

    /// The key was accepted: tell the client publishing has started.
    public mutating func acceptPublish() -> [Action] {
        guard phase == .publishPending else { return [] }
        phase = .publishing
        parser.bufferBudget = settings.limits.maxBufferedBytes
        let id = RTMPServerSession.publishStreamID
        return [.send(writer.encode(RTMPControl.streamBegin(id))
                      + writer.encode(RTMPControl.onStatus(level: "status", code: "NetStream.Publish.Start",
                                                           description: "\(streamKey ?? "") is now published.", streamID: id)))]
    }

    /// The key was refused (unknown, or already publishing): send an error status and close.
    public mutating func refusePublish(reason: String) -> [Action] {
        guard phase == .publishPending else { return [] }
        phase = .closed
        let status = RTMPControl.onStatus(level: "error", code: "NetStream.Publish.BadName", description: reason,
                                          streamID: RTMPServerSession.publishStreamID)
        return [.send(writer.encode(status)), .close(reason: reason)]
    }

    private mutating func handle(_ message: RTMPMessage) throws -> [Action] {
        switch message.type {
        case .windowAcknowledgementSize:
            var reader = ByteReader(message.payload)
            peerWindow = try reader.u32("a Window Acknowledgement Size payload")
            return []
        case .commandAMF0:
            return try handleCommand(AMF0.decodeAll(message.payload), streamID: message.streamID)
        case .commandAMF3:
            return try handleCommand(AMF0.decodeAll(Array(message.payload.dropFirst())), streamID: message.streamID)
        case .dataAMF0:
            return try handleData(AMF0.decodeAll(message.payload))
        case .dataAMF3:
            return try handleData(AMF0.decodeAll(Array(message.payload.dropFirst())))
        case .video, .audio:
            var actions: [Action] = []
            try handleMedia(message, into: &actions)
            return actions
        case .aggregate:
            return try handleAggregate(message)
        default:
            // Set Chunk Size and Abort already acted in the parser; acknowledgements, user control events
            // (buffer length, ping replies), bandwidth and shared objects need nothing from an ingest server.
            return []
        }
    }

    private mutating func handleMedia(_ message: RTMPMessage, into actions: inout [Action]) throws {
        guard phase == .publishing else {
            throw LiveError.protocolViolation("media before NetStream.Publish.Start")
        }
        let event: LiveMediaEvent?
        if message.type == .video {
            event = try FLVTag.parseVideo(message.payload, timestamp: videoClock.unwrap(message.timestamp))
        } else {
            event = try FLVTag.parseAudio(message.payload, timestamp: audioClock.unwrap(message.timestamp))
        }
        if let event { actions.append(.media(event)) }
    }

    /// `@setDataFrame("onMetaData", {...})` or a bare `onMetaData({...})`.
    private func handleData(_ values: [AMF0Value]) throws -> [Action] {
        var rest = values[...]
        if rest.first?.stringValue == "@setDataFrame" { rest = rest.dropFirst() }
        guard rest.first?.stringValue == "onMetaData", let body = rest.dropFirst().first else { return [] }
        switch body {
        case .object(let properties), .ecmaArray(let properties):
            return [.media(.metadata(properties))]
        default:
            return []
        }
    }

    /// An aggregate message holds FLV tags back to back (type, size, timestamp, stream id, body, back-pointer).
    private mutating func handleAggregate(_ message: RTMPMessage) throws -> [Action] {
        var reader = ByteReader(message.payload)
        var actions: [Action] = []
        var firstTimestamp: UInt32?
        while !reader.isAtEnd {
            let type = try reader.u8("an aggregate sub-message type")
            let size = Int(try reader.u24("an aggregate sub-message size"))
            let low = try reader.u24("an aggregate sub-message timestamp")
            let timestamp = low | UInt32(try reader.u8("an aggregate timestamp extension")) << 24
            try reader.skip(3, "an aggregate stream id")
            let body = try reader.take(size, "an aggregate sub-message body of \(size) bytes")
            try reader.skip(4, "an aggregate back-pointer")
            // Sub-message times are relative to the first one, which maps to the aggregate's own time.
            let base = firstTimestamp ?? timestamp
            firstTimestamp = base
            let sub = RTMPMessage(chunkStreamID: message.chunkStreamID, timestamp: message.timestamp &+ (timestamp &- base),
                                  typeID: type, streamID: message.streamID, payload: body)
            if sub.type == .video || sub.type == .audio { try handleMedia(sub, into: &actions) }
            else if sub.type == .dataAMF0 { actions += try handleData(AMF0.decodeAll(body)) }
        }
        return actions
    }
}
