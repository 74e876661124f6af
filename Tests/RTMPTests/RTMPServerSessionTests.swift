import RTMPTestSupport
import Testing
@testable import RTMP

/// Reads what the server sent back: skips S0S1S2, then reassembles messages and decodes commands.
struct ServerReplies {
    var parser = RTMPChunkParser()
    var skipped = 0

    mutating func read(_ actions: [RTMPServerSession.Action]) throws -> [RTMPMessage] {
        var messages: [RTMPMessage] = []
        for case .send(var bytes) in actions {
            if skipped < 3073 {
                let skip = min(3073 - skipped, bytes.count)
                skipped += skip
                bytes.removeFirst(skip)
            }
            messages += try parser.receive(bytes)
        }
        return messages
    }

    static func commands(_ messages: [RTMPMessage]) throws -> [[AMF0Value]] {
        try messages.filter { $0.typeID == 20 }.map { try AMF0.decodeAll($0.payload) }
    }
}

@Suite struct RTMPServerSessionTests {
    @Test func publishFlowAsFFmpegDrivesIt() throws {
        var session = RTMPServerSession()
        var replies = ServerReplies()
        let client = ClientScript()

        var messages = try replies.read(try session.receive(ClientScript.handshake + client.connect()))
        #expect(messages.map(\.typeID) == [5, 6, 1, 20])  // window ack, peer bandwidth, chunk size, _result
        var commands = try ServerReplies.commands(messages)
        #expect(commands[0][0] == .string("_result"))
        #expect(commands[0][1] == .number(1))
        #expect(commands[0][3]["code"] == .string("NetConnection.Connect.Success"))
        #expect(session.phase == .connected)

        let setup = client.command([.string("releaseStream"), .number(2), .null, .string("abc?token=1")])
            + client.command([.string("FCPublish"), .number(3), .null, .string("abc?token=1")])
            + client.command([.string("createStream"), .number(4), .null])
        commands = try ServerReplies.commands(try replies.read(try session.receive(setup)))
        #expect(commands.map { $0[0] } == [.string("_result"), .string("onFCPublish"), .string("_result"), .string("_result")])
        #expect(commands.last == [.string("_result"), .number(4), .null, .number(1)])

        let publish = try session.receive(client.command([.string("publish"), .number(5), .null, .string("abc?token=1"), .string("live")], streamID: 1))
        #expect(publish == [.publishRequested(app: "live", streamKey: "abc")])

        messages = try replies.read(session.acceptPublish())
        #expect(messages.first?.typeID == 4)  // Stream Begin
        commands = try ServerReplies.commands(messages)
        #expect(commands.first?[3]["code"] == .string("NetStream.Publish.Start"))
        #expect(messages.last?.streamID == 1)

        let metadata = client.writer.encode(RTMPMessage(chunkStreamID: 4, timestamp: 0, typeID: 18, streamID: 1, payload:
            AMF0.encode([.string("@setDataFrame"), .string("onMetaData"), .ecmaArray([AMF0Property("width", .number(320))])])))
        let media = metadata
            + client.media(type: 9, timestamp: 0, [0x17, 0, 0, 0, 0] + ClientScript.avcC)
            + client.media(type: 8, timestamp: 0, [0xAF, 0, 0x12, 0x10])
            + client.media(type: 9, timestamp: 40, [0x17, 1, 0, 0, 80] + [0, 0, 0, 2, 0x65, 0x88])
            + client.media(type: 9, timestamp: 80, [0x27, 1, 0xFF, 0xFF, 0xD8] + [0, 0, 0, 2, 0x41, 0x9A])  // composition -40
            + client.media(type: 8, timestamp: 23, [0xAF, 1, 0x21, 0x10])
        let events = try session.receive(media)
        #expect(events == [
            .media(.metadata([AMF0Property("width", .number(320))])),
            .media(.videoConfig(avcC: ClientScript.avcC)),
            .media(.audioConfig(asc: [0x12, 0x10])),
            .media(.video(VideoFrame(dts: 40, pts: 120, isKeyframe: true, data: [0, 0, 0, 2, 0x65, 0x88]))),
            .media(.video(VideoFrame(dts: 80, pts: 40, isKeyframe: false, data: [0, 0, 0, 2, 0x41, 0x9A]))),
            .media(.audio(AudioFrame(pts: 23, data: [0x21, 0x10]))),
        ])
        let end = try session.receive(client.command([.string("FCUnpublish"), .number(6), .null, .string("abc")])
                                      + client.command([.string("deleteStream"), .number(7), .null, .number(1)]))
        #expect(end == [.unpublished])
    }

    @Test func refusedKeyGetsAnErrorStatusAndClose() throws {
        var session = RTMPServerSession()
        var replies = ServerReplies()
        let client = ClientScript()
        _ = try replies.read(try session.receive(ClientScript.handshake + client.connect()
            + client.command([.string("createStream"), .number(2), .null])))
        _ = try session.receive(client.command([.string("publish"), .number(3), .null, .string("nope")], streamID: 1))
        let actions = session.refusePublish(reason: "unknown stream key")
        #expect(actions.last == .close(reason: "unknown stream key"))
        let status = try ServerReplies.commands(try replies.read(actions))
        #expect(status.first?[3]["level"] == .string("error"))
        #expect(status.first?[3]["code"] == .string("NetStream.Publish.BadName"))
        #expect(session.phase == .closed)
    }

    @Test func wrongApplicationIsRejected() throws {
        var session = RTMPServerSession()
        let actions = try session.receive(ClientScript.handshake + ClientScript().connect(app: "vod"))
        #expect(actions.last == .close(reason: "unknown application 'vod'"))
    }

    @Test func mediaBeforePublishIsAProtocolError() throws {
        var session = RTMPServerSession()
        let client = ClientScript()
        _ = try session.receive(ClientScript.handshake + client.connect())
        #expect(throws: LiveError.self) { try session.receive(client.media(type: 9, timestamp: 0, [0x17, 1, 0, 0, 0, 1])) }
    }

    @Test func commandsBeforeConnectAreRefused() throws {
        var session = RTMPServerSession()
        #expect(throws: LiveError.self) {
            try session.receive(ClientScript.handshake + ClientScript().command([.string("publish"), .number(1), .null, .string("k")]))
        }
    }

    @Test func acknowledgesAfterThePeersWindow() throws {
        var session = RTMPServerSession()
        var replies = ServerReplies()
        let client = ClientScript()
        _ = try replies.read(try session.receive(ClientScript.handshake + client.connect()))
        let window = client.writer.encode(RTMPMessage(chunkStreamID: 2, timestamp: 0, typeID: 5, streamID: 0, payload: [0, 0, 0x01, 0x00]))
        let filler = client.command([.string("_checkbw"), .number(9), .null, .string(String(repeating: "x", count: 400))])
        let messages = try replies.read(try session.receive(window + filler))
        let ack = messages.first { $0.typeID == 3 }
        #expect(ack != nil)
        #expect(ack?.payload.count == 4)
    }

    @Test func unsupportedCodecsAreNamed() throws {
        #expect(throws: LiveError.unsupportedCodec("FLV video codec id 2")) { try FLVTag.parseVideo([0x12, 0, 0, 0], timestamp: 0) }
        #expect(throws: LiveError.unsupportedCodec("FLV sound format 6")) { try FLVTag.parseAudio([0x6F, 0], timestamp: 0) }
        // MP3 and G.711 are handed on for conversion to AAC, with what the tag header says.
        #expect(try FLVTag.parseAudio([0x2F, 0xFF, 0xFB], timestamp: 7) == .codedAudio(CodedAudio(codec: "mp3", pts: 7, data: [0xFF, 0xFB])))
        #expect(try FLVTag.parseAudio([0x72, 1, 2], timestamp: 0)
                == .codedAudio(CodedAudio(codec: "pcm_alaw", sampleRate: 8000, channels: 1, pts: 0, data: [1, 2])))
        #expect(try FLVTag.parseAudio([0x2F], timestamp: 0) == nil)
        #expect(throws: LiveError.self) { try FLVTag.parseVideo([0x17, 0, 0, 0, 0, 2, 0], timestamp: 0) }  // bad avcC
        #expect(throws: LiveError.self) { try FLVTag.parseVideo([0x17], timestamp: 0) }
    }
}
