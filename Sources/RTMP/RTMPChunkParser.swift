/// Reassembles RTMP messages from the chunk stream (RTMP 1.0 section 5.3), as a value fed bytes.
///
/// Handles the four header formats, extended timestamps (also on type-3 chunks, as ffmpeg and librtmp
/// send them), interleaved chunk streams, and the two control messages that change how chunks are read:
/// Set Chunk Size and Abort. Everything a peer can make us buffer is bounded by `RTMPLimits`.
public struct RTMPChunkParser: Sendable {
    public static let defaultChunkSize = 128

    /// What the previous header on one chunk stream said, which later compressed headers inherit.
    struct ChunkStreamState: Sendable {
        var timestamp: UInt32 = 0
        /// The last timestamp field read (absolute for type 0, delta for types 1 and 2); type 3 reuses it.
        var timestampField: UInt32 = 0
        var extended = false
        var length = 0
        var typeID: UInt8 = 0
        var streamID: UInt32 = 0
        var hasHeader = false
        /// Bytes of the message being reassembled so far, nil between messages (the bytes themselves live in
        /// `partials`, mutated in place so a large message is not copied once per chunk).
        var received: Int?
    }

    public private(set) var chunkSize = RTMPChunkParser.defaultChunkSize
    public let limits: RTMPLimits
    private var streams: [UInt32: ChunkStreamState] = [:]
    private var partials: [UInt32: [UInt8]] = [:]
    private var buffer: [UInt8] = []
    private var bufferedMessageBytes = 0
    /// Most bytes (unfinished messages plus unparsed input) held at once; the session starts it at
    /// `limits.maxBufferedBytesBeforePublish` and raises it to `limits.maxBufferedBytes` on publish.
    public var bufferBudget: Int

    public init(limits: RTMPLimits = .default) {
        self.limits = limits
        self.bufferBudget = limits.maxBufferedBytes
    }

    /// Bytes this parser holds now: unfinished messages and input not yet parsed.
    public var bufferedBytes: Int { bufferedMessageBytes + buffer.count }

    /// Feeds received bytes; returns every message they complete, in order. A thrown error means the
    /// connection is unusable and must be closed.
    public mutating func receive(_ bytes: [UInt8]) throws -> [RTMPMessage] {
        buffer.append(contentsOf: bytes)
        var messages: [RTMPMessage] = []
        var consumed = 0
        while consumed < buffer.count {
            guard let (length, message) = try parseChunk(at: consumed) else { break }
            consumed += length
            if let message {
                try applyControl(message)
                messages.append(message)
            }
        }
        buffer.removeFirst(consumed)
        if bufferedBytes > bufferBudget {
            throw LiveError.limitExceeded("more than \(bufferBudget) bytes of unfinished messages")
        }
        if buffer.isEmpty, buffer.capacity > 64 << 10 { buffer = [] }
        return messages
    }

    /// Parses one chunk starting at `start`; nil when the bytes end before the chunk does (nothing changes).
    private mutating func parseChunk(at start: Int) throws -> (Int, RTMPMessage?)? {
        var reader = ByteReader(buffer, offset: start)
        guard let header = try readHeader(&reader) else { return nil }
        var state = header.state
        let payloadStart = reader.offset
        let have = state.received ?? 0
        let take = min(chunkSize, state.length - have)
        guard reader.remaining >= take else { return nil }
        if state.received == nil {
            // Grow with the bytes that really arrive, not with the length the peer announced.
            partials[header.csid] = []
            partials[header.csid]!.reserveCapacity(min(state.length, 64 << 10))
        }
        partials[header.csid]!.append(contentsOf: buffer[payloadStart..<(payloadStart + take)])
        state.received = have + take
        bufferedMessageBytes += take
        let chunkLength = payloadStart + take - start
        if have + take < state.length {
            guard bufferedMessageBytes <= bufferBudget else {
                throw LiveError.limitExceeded("more than \(bufferBudget) bytes of unfinished messages")
            }
            streams[header.csid] = state
            return (chunkLength, nil)
        }
        let payload = partials.removeValue(forKey: header.csid) ?? []
        bufferedMessageBytes -= payload.count
        state.received = nil
        streams[header.csid] = state
        let message = RTMPMessage(chunkStreamID: header.csid, timestamp: state.timestamp, typeID: state.typeID,
                                  streamID: state.streamID, payload: payload)
        return (chunkLength, message)
    }

    private struct Header {
        var csid: UInt32
        var state: ChunkStreamState
    }

    /// Reads a basic + message header (+ extended timestamp); nil when the bytes end inside it.
    private func readHeader(_ reader: inout ByteReader) throws -> Header? {
        do {
            let first = try reader.u8()
            let format = first >> 6
            var csid = UInt32(first & 0x3F)
            if csid == 0 {
                csid = 64 + UInt32(try reader.u8())
            } else if csid == 1 {
                let low = UInt32(try reader.u8())
                csid = 64 + low + 256 * UInt32(try reader.u8())
            }
            let known = streams[csid]
            if known == nil, streams.count >= limits.maxChunkStreams {
                throw LiveError.limitExceeded("more than \(limits.maxChunkStreams) chunk streams")
            }
            var state = known ?? ChunkStreamState()
            if format != 3, state.received != nil {
                throw LiveError.malformedChunk("a type \(format) header interrupted an unfinished message on chunk stream \(csid)")
            }
            if format != 0, !state.hasHeader {
                throw LiveError.malformedChunk("chunk stream \(csid) starts with a type \(format) header instead of type 0")
            }
            try readMessageHeader(format: format, csid: csid, state: &state, reader: &reader)
            return Header(csid: csid, state: state)
        } catch LiveError.truncated {
            return nil
        }
    }

    private func readMessageHeader(format: UInt8, csid: UInt32, state: inout ChunkStreamState,
                                   reader: inout ByteReader) throws {
        let startsMessage = state.received == nil
        var field = state.timestampField
        if format <= 2 {
            field = try reader.u24()
            if format <= 1 {
                state.length = Int(try reader.u24())
                state.typeID = try reader.u8()
                guard state.length <= limits.maxMessageLength else {
                    throw LiveError.limitExceeded("a message of \(state.length) bytes on chunk stream \(csid) (limit \(limits.maxMessageLength))")
                }
            }
            if format == 0 { state.streamID = try reader.u32LittleEndian() }
            state.extended = field == 0xFFFFFF
        }
        if state.extended {
            // Type 3 chunks repeat the extended timestamp of the header they continue.
            let extendedValue = try reader.u32()
            if format <= 2 { field = extendedValue }
        }
        if format <= 2 || startsMessage {
            state.timestamp = format == 0 ? field : state.timestamp &+ field
        }
        state.timestampField = field
        state.hasHeader = true
    }

    /// Set Chunk Size and Abort change how the following chunks are read, so they act here at once.
    private mutating func applyControl(_ message: RTMPMessage) throws {
        guard message.chunkStreamID == 2 || message.streamID == 0 else { return }
        switch message.type {
        case .setChunkSize:
            var reader = ByteReader(message.payload)
            let raw = try reader.u32("a Set Chunk Size payload") & 0x7FFF_FFFF
            guard raw >= 1 else { throw LiveError.malformedChunk("Set Chunk Size to 0") }
            guard raw <= limits.maxChunkSize else {
                throw LiveError.limitExceeded("chunk size \(raw) (limit \(limits.maxChunkSize))")
            }
            chunkSize = Int(raw)
        case .abort:
            var reader = ByteReader(message.payload)
            let csid = try reader.u32("an Abort payload")
            if let dropped = partials.removeValue(forKey: csid) {
                bufferedMessageBytes -= dropped.count
                streams[csid]?.received = nil
            }
        default:
            break
        }
    }
}
