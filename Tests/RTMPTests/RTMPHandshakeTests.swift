import Testing
@testable import RTMP

@Suite struct RTMPHandshakeTests {
    let c1: [UInt8] = [0, 0, 0x12, 0x34, 0, 0, 0, 0] + (0..<1528).map { UInt8($0 % 251) }

    @Test func repliesS0S1S2AndHandsOverLeftover() throws {
        var handshake = RTMPHandshake(serverTime: 0x0102_0304, random: [UInt8](repeating: 0xAB, count: 1528))
        let actions = try handshake.receive([3] + c1)
        guard case .send(let reply) = actions.first else { Issue.record("no S0S1S2"); return }
        #expect(reply.count == 1 + 2 * 1536)
        #expect(reply[0] == 3)
        #expect(Array(reply[1...4]) == [1, 2, 3, 4])  // S1 time
        #expect(Array(reply[5...8]) == [0, 0, 0, 0])  // S1 zero: tells ffmpeg not to look for a digest
        let s2 = Array(reply[1537...])
        #expect(s2 == c1)  // C1 echoed whole: librtmp compares S2 with C1 byte for byte
        #expect(handshake.state == .waitingForC2)
        let done = try handshake.receive([UInt8](repeating: 9, count: 1536) + [0x02, 0x00])
        #expect(done == [.complete(leftover: [0x02, 0x00])])
        #expect(handshake.state == .done)
    }

    @Test func acceptsBytesInArbitrarySlices() throws {
        var handshake = RTMPHandshake(serverTime: 0, random: [UInt8](repeating: 0, count: 1528))
        let all = [3] + c1 + [UInt8](repeating: 7, count: 1536)
        var sent = 0, complete = false
        var offset = 0
        for size in [1, 2, 500, 1100, 3, 1536, 10] where offset < all.count {
            let end = min(offset + size, all.count)
            for action in try handshake.receive(Array(all[offset..<end])) {
                if case .send = action { sent += 1 }
                if case .complete(let leftover) = action { complete = true; #expect(leftover.isEmpty) }
            }
            offset = end
        }
        #expect(sent == 1)
        #expect(complete)
    }

    @Test func truncatedHandshakeWaits() throws {
        var handshake = RTMPHandshake()
        #expect(try handshake.receive([3, 0, 0]) == [.needMoreData])
        #expect(handshake.state == .waitingForC0C1)
    }

    @Test func refusesOtherVersions() {
        var handshake = RTMPHandshake()
        #expect(throws: LiveError.unsupportedRTMPVersion(6)) { try handshake.receive([6] + c1) }
        var http = RTMPHandshake()
        #expect(throws: LiveError.unsupportedRTMPVersion(UInt8(ascii: "G"))) { try http.receive(Array("GET / HTTP/1.1\r\n".utf8)) }
    }
}
