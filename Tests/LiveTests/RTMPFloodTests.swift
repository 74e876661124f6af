import Foundation
import MediaCore
import RTMPTestSupport
import Testing
import TestSupport
@testable import Live
@testable import LiveSegmenting

/// RTMP connections that never authenticate (issue 17): what one may buffer, what all together may, and
/// how many one address may open. The server must close the offenders at once and keep answering others.
@Suite struct RTMPFloodTests {
    static let handshake: [UInt8] = [3] + [UInt8](repeating: 0, count: 3072)  // C0 + C1 + C2

    func withServer(_ configuration: RTMPServerConfiguration,
                    _ body: @Sendable (Int, RTMPServer) async throws -> Void) async throws {
        let directory = try temporaryDirectory("flood")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = RTMPServer(configuration: configuration, streams: LiveStreams(root: directory), validateKey: { _ in nil })
        let port = try await server.start()
        do {
            try await body(port, server)
        } catch {
            try await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    /// Handshake, a 1 MiB chunk size, and the start of an 8 MB video message: `bytes` of it.
    static func unfinishedMessage(_ bytes: Int) -> [UInt8] {
        handshake + Chunk.setChunkSize(1 << 20) + Chunk.type0(csid: 6, timestamp: 0, length: 8 << 20, type: 9)
            + [UInt8](repeating: 0x17, count: bytes)
    }

    /// Whether the server answers a handshake from `source` (S0 + S1 + S2 = 3073 bytes).
    static func handshakeAnswered(port: Int, from source: String) throws -> Bool {
        let socket = try LoopbackSocket(port: port, source: source, receiveTimeout: 5)
        defer { socket.close() }
        socket.send([3] + [UInt8](repeating: 0, count: 1536))
        return socket.read(atLeast: 3073).count >= 3073
    }

    @Test func anUnauthenticatedConnectionCannotBufferMegabytes() async throws {
        try await withServer(RTMPServerConfiguration(host: "127.0.0.1", port: 0, publishTimeout: .seconds(60))) { port, server in
            let started = ContinuousClock.now
            let closed = try await Task.detached {
                // 30 s: half the publish timeout, so a close only the 60 s timer could cause still fails, with
                // room for a machine loaded by parallel builds (8 s was exceeded at 9.2 s under load).
                let socket = try LoopbackSocket(port: port, receiveTimeout: 30)
                defer { socket.close() }
                socket.send(Self.unfinishedMessage(1 << 20))
                return socket.readUntilClosed().closedByServer
            }.value
            #expect(closed, "the connection is closed, not left holding its unfinished message")
            #expect(ContinuousClock.now - started < .seconds(30), "closed at the pre-publish buffer limit, not the 60 s publish timeout")
            #expect(server.budget.held == 0)
        }
    }

    @Test func connectionsTogetherStayWithinTheTotalBudget() async throws {
        let configuration = RTMPServerConfiguration(host: "127.0.0.1", port: 0, publishTimeout: .seconds(60),
                                                    maxBufferedBytesTotal: 1 << 20)
        try await withServer(configuration) { port, server in
            // Ten connections each hold 200 KB (under the 256 KiB each may hold): 2 MB against a 1 MiB total.
            let share = 200_000
            let sockets = try (0..<10).map { _ in try LoopbackSocket(port: port, receiveTimeout: 0.2) }
            for socket in sockets { socket.send(Self.unfinishedMessage(share)) }
            // Settled when every connection the client still sees open has its whole message counted by the
            // server: a loaded machine may read some connections late, so a quiet moment proves nothing.
            let outcomes = try await Task.detached {
                var closed = [Bool](repeating: false, count: sockets.count)
                let deadline = ContinuousClock.now + .seconds(30)
                while true {
                    for (index, socket) in sockets.enumerated() where !closed[index] {
                        drain: while true {
                            switch socket.receive() {
                            case .bytes: continue
                            case .closed: closed[index] = true; break drain
                            case .timedOut: break drain
                            }
                        }
                    }
                    let open = closed.filter { !$0 }.count
                    if server.budget.held >= open * share || ContinuousClock.now > deadline { return closed }
                }
            }.value
            let closed = outcomes.filter { $0 }.count
            #expect(closed >= 5, "past the 1 MiB total the connections asking for more are closed (\(closed) of 10)")
            #expect(closed < 10, "the ones within the total stay")
            #expect(server.budget.held <= 1 << 20)
            #expect(server.budget.held >= (10 - closed) * share, "every connection kept holds its whole message")
            #expect(try await Task.detached { try Self.handshakeAnswered(port: port, from: "127.0.0.2") }.value,
                    "a new client is still answered")
            for socket in sockets { socket.close() }
            let deadline = ContinuousClock.now + .seconds(5)
            while server.budget.held > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(server.budget.held == 0, "closed connections give their share back")
            print("RTMP total budget: \(closed) of 10 connections holding 200 KB closed at a 1 MiB total")
        }
    }

    @Test func oneAddressCannotTakeEveryConnection() async throws {
        let configuration = RTMPServerConfiguration(host: "127.0.0.1", port: 0, publishTimeout: .seconds(60),
                                                    maxConnections: 10, maxConnectionsPerAddress: 3)
        try await withServer(configuration) { port, _ in
            let held = try (0..<3).map { _ in try LoopbackSocket(port: port, source: "127.0.0.1", receiveTimeout: 5) }
            for socket in held { socket.send([3]) }
            // The server may take a moment to count them; the fourth is refused once it has.
            var refused = false
            for _ in 0..<50 where !refused {
                refused = try await Task.detached {
                    let socket = try LoopbackSocket(port: port, source: "127.0.0.1", receiveTimeout: 2)
                    defer { socket.close() }
                    socket.send([3])
                    return socket.receive() == .closed
                }.value
            }
            #expect(refused, "a fourth connection from the same address is closed at once")
            #expect(try await Task.detached { try Self.handshakeAnswered(port: port, from: "127.0.0.2") }.value,
                    "another address is still served")
            for socket in held { socket.close() }
        }
    }
}
