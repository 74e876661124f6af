import RTMPTestSupport
import Testing
import TestSupport
@testable import RTMP

@Suite struct RTMPChunkParserTests {
    @Test func reassemblesAMessageSplitAcrossChunks() throws {
        let body = Chunk.payload(300, seed: 1)
        let bytes = Chunk.type0(csid: 6, timestamp: 1000, length: 300, type: 9) + Array(body[0..<128])
            + Chunk.type3(csid: 6) + Array(body[128..<256]) + Chunk.type3(csid: 6) + Array(body[256...])
        var parser = RTMPChunkParser()
        // Feed one byte at a time: nothing may depend on how reads are cut.
        var messages: [RTMPMessage] = []
        for byte in bytes { messages += try parser.receive([byte]) }
        #expect(messages == [RTMPMessage(chunkStreamID: 6, timestamp: 1000, typeID: 9, streamID: 1, payload: body)])
    }

    @Test func compressedHeadersInheritLengthTypeAndDelta() throws {
        let a = Chunk.payload(10, seed: 1), b = Chunk.payload(10, seed: 2), c = Chunk.payload(20, seed: 3)
        let d = Chunk.payload(20, seed: 4), e = Chunk.payload(20, seed: 5)
        let parts: [[UInt8]] = [
            Chunk.type0(csid: 4, timestamp: 100, length: 10, type: 8), a,
            Chunk.type3(csid: 4), b,  // same length/type, delta = previous field (100, as ffmpeg reads it)
            Chunk.type1(csid: 4, delta: 23, length: 20, type: 8), c,
            Chunk.type2(csid: 4, delta: 21), d,
            Chunk.type3(csid: 4), e,  // repeats delta 21
        ]
        let bytes = parts.flatMap { $0 }
        var parser = RTMPChunkParser()
        let messages = try parser.receive(bytes)
        #expect(messages.map { $0.timestamp } == [100, 200, 223, 244, 265])
        #expect(messages.map { $0.payload } == [a, b, c, d, e])
        #expect(messages.allSatisfy { $0.typeID == 8 && $0.streamID == 1 })
    }

    @Test func extendedTimestampsAlsoOnContinuationChunks() throws {
        let body = Chunk.payload(200, seed: 9)
        let timestamp: UInt32 = 0x0123_4567
        let bytes = Chunk.type0(csid: 6, timestamp: timestamp, length: 200, type: 9) + Array(body[0..<128])
            + Chunk.type3(csid: 6) + Chunk.u32(timestamp) + Array(body[128...])
        var parser = RTMPChunkParser()
        let messages = try parser.receive(bytes)
        #expect(messages.count == 1)
        #expect(messages.first?.timestamp == timestamp)
        #expect(messages.first?.payload == body)
    }

    @Test func setChunkSizeAppliesToTheNextChunk() throws {
        let body = Chunk.payload(3000, seed: 4)
        let bytes = Chunk.setChunkSize(4096) + Chunk.type0(csid: 6, timestamp: 0, length: 3000, type: 9) + body
        var parser = RTMPChunkParser()
        let messages = try parser.receive(bytes)
        #expect(parser.chunkSize == 4096)
        #expect(messages.count == 2)
        #expect(messages.last?.payload == body)
    }

    @Test func interleavedChunkStreams() throws {
        let audio = Chunk.payload(200, seed: 1), video = Chunk.payload(200, seed: 2)
        let parts: [[UInt8]] = [
            Chunk.type0(csid: 4, timestamp: 10, length: 200, type: 8), Array(audio[0..<128]),
            Chunk.type0(csid: 6, timestamp: 20, length: 200, type: 9), Array(video[0..<128]),
            Chunk.type3(csid: 4), Array(audio[128...]),
            Chunk.type3(csid: 6), Array(video[128...]),
        ]
        let bytes = parts.flatMap { $0 }
        var parser = RTMPChunkParser()
        let messages = try parser.receive(bytes)
        #expect(messages.map(\.chunkStreamID) == [4, 6])
        #expect(messages.map(\.payload) == [audio, video])
        #expect(messages.map(\.timestamp) == [10, 20])
    }

    @Test func twoAndThreeByteChunkStreamIDs() throws {
        let body = Chunk.payload(5, seed: 0)
        // csid 64 + 36 = 100 (one extra byte); csid 64 + 0x1234 (two extra bytes, little endian).
        var two = Chunk.type0(csid: 0, timestamp: 0, length: 5, type: 9)
        two.insert(36, at: 1)
        var three = Chunk.type0(csid: 1, timestamp: 0, length: 5, type: 9)
        three.insert(contentsOf: [0x34, 0x12], at: 1)
        var parser = RTMPChunkParser()
        let messages = try parser.receive(two + body + three + body)
        #expect(messages.map(\.chunkStreamID) == [100, 64 + 0x1234])
    }

    @Test func abortDropsThePartialMessage() throws {
        let body = Chunk.payload(300, seed: 3), fresh = Chunk.payload(5, seed: 8)
        let abort = Chunk.type0(csid: 2, timestamp: 0, length: 4, type: 2, streamID: 0) + Chunk.u32(6)
        let bytes = Chunk.type0(csid: 6, timestamp: 0, length: 300, type: 9) + Array(body[0..<128])
            + abort + Chunk.type0(csid: 6, timestamp: 40, length: 5, type: 9) + fresh
        var parser = RTMPChunkParser()
        let messages = try parser.receive(bytes)
        #expect(messages.last?.payload == fresh)
        // Without the abort, a new type-0 header inside a message is a protocol error.
        var strict = RTMPChunkParser()
        #expect(throws: LiveError.self) {
            try strict.receive(Chunk.type0(csid: 6, timestamp: 0, length: 300, type: 9) + Array(body[0..<128])
                               + Chunk.type0(csid: 6, timestamp: 40, length: 5, type: 9) + fresh)
        }
    }

    @Test func hostileSizesAreRefused() {
        var giantChunk = RTMPChunkParser()
        #expect(throws: LiveError.limitExceeded("chunk size 2147483647 (limit 1048576)")) {
            try giantChunk.receive(Chunk.setChunkSize(0x7FFF_FFFF))
        }
        var zeroChunk = RTMPChunkParser()
        #expect(throws: LiveError.self) { try zeroChunk.receive(Chunk.setChunkSize(0)) }
        var hugeMessage = RTMPChunkParser()
        #expect(throws: LiveError.self) {
            try hugeMessage.receive(Chunk.type0(csid: 6, timestamp: 0, length: 0xFF_FFFF, type: 9))
        }
        var typeOneFirst = RTMPChunkParser()
        #expect(throws: LiveError.self) { try typeOneFirst.receive(Chunk.type1(csid: 9, delta: 0, length: 1, type: 9) + [0]) }
    }

    @Test func unfinishedMessagesAreBounded() {
        let limits = RTMPLimits(maxChunkSize: 4096, maxMessageLength: 1 << 20, maxChunkStreams: 8, maxBufferedBytes: 64 << 10)
        var parser = RTMPChunkParser(limits: RTMPLimits(maxChunkSize: 4096, maxMessageLength: 1 << 20, maxChunkStreams: 64,
                                                        maxBufferedBytes: 64 << 10))
        // Open many large messages at once, each with only its first chunk: the buffered total must trip.
        #expect(throws: LiveError.limitExceeded("more than 65536 bytes of unfinished messages")) {
            _ = try parser.receive(Chunk.setChunkSize(4096))
            for csid in UInt8(3)...UInt8(60) {
                _ = try parser.receive(Chunk.type0(csid: csid, timestamp: 0, length: 1 << 20, type: 9) + Chunk.payload(4096, seed: csid))
            }
        }
        var streams = RTMPChunkParser(limits: limits)
        #expect(throws: LiveError.limitExceeded("more than 8 chunk streams")) {
            for csid in UInt8(3)...UInt8(20) {
                _ = try streams.receive(Chunk.type0(csid: csid, timestamp: 0, length: 1, type: 9) + [0])
            }
        }
    }

    @Test func writerOutputParsesBack() throws {
        var writer = RTMPChunkWriter()
        var parser = RTMPChunkParser()
        var bytes = writer.setChunkSize(1000)
        let messages = [
            RTMPMessage(chunkStreamID: 3, timestamp: 0, typeID: 20, streamID: 0, payload: Chunk.payload(2500, seed: 1)),
            RTMPMessage(chunkStreamID: 5, timestamp: 0xFFFF_FF00, typeID: 9, streamID: 1, payload: Chunk.payload(2100, seed: 2)),
            RTMPMessage(chunkStreamID: 400, timestamp: 7, typeID: 8, streamID: 1, payload: []),
        ]
        for message in messages { bytes += writer.encode(message) }
        let parsed = try parser.receive(bytes)
        #expect(parser.chunkSize == 1000)
        #expect(Array(parsed.dropFirst()) == messages)
    }

    @Test func randomBytesEndInATypedErrorOrWaiting() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<500 {
            var parser = RTMPChunkParser()
            let count = Int.random(in: 1..<4096, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do { _ = try parser.receive(bytes) } catch { #expect(error is LiveError) }
        }
    }
}
