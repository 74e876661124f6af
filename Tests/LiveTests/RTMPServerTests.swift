import Foundation
import MediaCore
import NIOCore
import NIOPosix
import RTMPTestSupport
import Testing
import TestSupport
@testable import Live
@testable import LiveSegmenting

/// The NIO server with ffmpeg as the real publisher on 127.0.0.1 (runs of 7–14 s).
@Suite struct RTMPServerTests {
    static let keys: [String: SafeName] = ["secret-a": SafeName("cam-a")!, "secret-b": SafeName("cam-b")!]

    struct Harness {
        let directory: URL
        let log = EventLog()
        let streams: LiveStreams
        let server: RTMPServer
        let port: Int

        /// `segmentEventDelay` makes every segment event take that long to record (as a slow catalog write
        /// would), which widens the time between a publication's last segment and its `publishEnded`.
        init(_ name: String, segmentEventDelay: Double = 0) async throws {
            directory = try temporaryDirectory(name)
            let log = log
            streams = LiveStreams(root: directory.appendingPathComponent("live"), onEvent: { event in
                if segmentEventDelay > 0, case .segment = event { Thread.sleep(forTimeInterval: segmentEventDelay) }
                log.append(event)
            })
            server = RTMPServer(configuration: RTMPServerConfiguration(host: "127.0.0.1", port: 0, publishTimeout: .seconds(4)),
                                streams: streams, validateKey: { RTMPServerTests.keys[$0].map { PublishTarget($0) } })
            port = try await server.start()
        }

        func stop() async throws {
            try await server.shutdown()
            try? FileManager.default.removeItem(at: directory)
        }

        func waitForEnd(count: Int = 1) async -> Bool {
            await log.wait(timeout: 15) { events in events.filter(\.isPublishEnded).count >= count }
        }
    }

    @Test func ffmpegPublishesWhileHostileClientsAreShrugged() async throws {
        let harness = try await Harness("publish")
        async let publisher = publish(port: harness.port, key: "secret-a", seconds: 14)
        async let neighbour = publish(port: harness.port, key: "secret-b", seconds: 7)  // a concurrent publisher
        // While they run: garbage, truncated handshakes, giant chunk sizes, a second publisher on the same key.
        #expect(await harness.log.wait(timeout: 30) { _ in harness.streams.publishingStreams.count == 2 })
        // The duplicate goes first, while cam-a is surely still publishing (the hostile clients can take
        // longer than the 14 s publish on a loaded machine, and a duplicate after the first ended is welcome).
        let duplicate = try await publish(port: harness.port, key: "secret-a", seconds: 2)
        let hostile = try await hostileClients(port: harness.port)
        let result = try await publisher
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        #expect(try await neighbour.status == 0)
        #expect(duplicate.status != 0, "a second publisher on a busy stream key must be refused")
        #expect(duplicate.stderr.contains("already has a publisher"), "ffmpeg: \(duplicate.stderr)")
        for (name, closedByServer) in hostile { #expect(closedByServer, "server did not close the \(name) connection") }
        #expect(await harness.waitForEnd(count: 2))
        #expect(harness.streams.indexes(for: SafeName("cam-b")!).first?.segments.map(\.number) == [1, 2])

        let indexes = harness.streams.indexes(for: SafeName("cam-a")!)
        #expect(indexes.map(\.rendition.id.rawValue) == ["video", "audio"])
        let video = try #require(indexes.first)
        #expect(video.rendition.width == 320 && video.rendition.height == 180)
        #expect(video.segments.count == 3)
        // Full segments end at the first keyframe at or after each 6 s boundary (1 s GOPs): 6 to 7 s.
        for segment in video.segments.dropLast() {
            let seconds = Double(segment.duration) / 90_000
            #expect(seconds >= 6 && seconds < 7, "segment \(segment.number) lasts \(seconds) s")
        }
        #expect(indexes.last?.segments.map(\.number) == video.segments.map(\.number))
        // A full segment is on disk right after its last frame arrives (the cut waits for the next
        // keyframe, one frame later; typically 0.01-0.1 s, printed). The bound is loose for a loaded
        // machine but still catches segments held back until the publisher leaves (6 s or more).
        let latencies = harness.log.availabilityLatencies(stream: "cam-a", rendition: "video").dropLast()
        print("live availability latency (s):", latencies.map { String(format: "%.3f", $0) })
        #expect(latencies.allSatisfy { $0 < 4.0 })
        try await assertDecodable(indexes, root: harness.directory.appendingPathComponent("live/cam-a"), scratch: harness.directory)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: harness.directory.appendingPathComponent("live/cam-a/video").path)
        #expect(!leftovers.contains { $0.hasSuffix(".tmp") })
        try await harness.stop()
    }

    @Test func unknownKeyIsRefused() async throws {
        let harness = try await Harness("refused")
        let result = try await publish(port: harness.port, key: "not-a-key", seconds: 2)
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown stream key"), "the server's refusal reaches the publisher: \(result.stderr)")
        #expect(harness.log.all.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("live").path))
        // Positive control: the same publisher with a known key is accepted by the same server.
        let accepted = try await publish(port: harness.port, key: "secret-a", seconds: 2)
        #expect(accepted.status == 0, "ffmpeg: \(accepted.stderr)")
        #expect(harness.log.all.first == .publishStarted(stream: SafeName("cam-a")!))
        try await harness.stop()
    }

    @Test func reconnectContinuesNumberingWithADiscontinuity() async throws {
        let harness = try await Harness("reconnect")
        let first = try await publish(port: harness.port, key: "secret-b", seconds: 7)
        #expect(first.status == 0, "ffmpeg: \(first.stderr)")
        #expect(await harness.waitForEnd(count: 1))
        let second = try await publish(port: harness.port, key: "secret-b", seconds: 7)
        #expect(second.status == 0, "ffmpeg: \(second.stderr)")
        #expect(await harness.waitForEnd(count: 2))

        let indexes = harness.streams.indexes(for: SafeName("cam-b")!)
        let video = try #require(indexes.first)
        #expect(video.segments.map(\.number) == [1, 2, 3, 4])
        #expect(video.segments.map(\.discontinuity) == [false, false, true, false])
        try await assertDecodable(indexes, root: harness.directory.appendingPathComponent("live/cam-b"), scratch: harness.directory)
        try await harness.stop()
    }
}

extension RTMPServerTests {
    @Test func shutdownEndsPublishersAndWritesTheirLastSegment() async throws {
        let harness = try await Harness("shutdown")
        async let publisher = publish(port: harness.port, key: "secret-a", seconds: 60)
        // Generous waits: the whole suite runs in parallel on two cores, and ffmpeg may start slowly.
        #expect(await harness.log.wait(timeout: 40) { events in events.contains { if case .initSegment = $0 { return true }; return false } })
        // Shut down inside a segment: once three seconds of video (75 frames at 25 fps) wait in the open one.
        #expect(await harness.log.wait(timeout: 40) { _ in harness.streams.pendingVideoSamples(for: SafeName("cam-a")!) >= 75 })
        let started = ContinuousClock.now
        try await harness.server.shutdown(grace: .seconds(20))
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(harness.streams.publishingStreams.isEmpty)
        #expect(harness.log.all.last?.isPublishEnded == true)
        let result = try await publisher
        #expect(result.status != 0)  // the publisher was cut off, not finished
        let indexes = harness.streams.indexes(for: SafeName("cam-a")!)
        // Usually one segment (the short one shutdown forced out); a stalled ffmpeg catching up may have made more.
        #expect((indexes.first?.segments.count ?? 0) >= 1)
        try await assertDecodable(indexes, root: harness.directory.appendingPathComponent("live/cam-a"), scratch: harness.directory)
        try? FileManager.default.removeItem(at: harness.directory)
    }

    /// The race that reverted per-read hand-over once: a stream stops counting as publishing inside
    /// `finish`, before the last segments and `publishEnded` are reported. Shutdown must wait for those
    /// too; with slow event delivery (0.5 s per segment event) it returned a second too early before.
    @Test func shutdownReturnsAfterTheLastEventsAreReported() async throws {
        let harness = try await Harness("shutdown-slow", segmentEventDelay: 0.5)
        async let publisher = publish(port: harness.port, key: "secret-a", seconds: 60)
        #expect(await harness.log.wait(timeout: 40) { _ in harness.streams.pendingVideoSamples(for: SafeName("cam-a")!) >= 25 })
        try await harness.server.shutdown(grace: .seconds(20))
        let events = harness.log.all
        #expect(events.last?.isPublishEnded == true, "shutdown returned before the stream's end was reported: \(events.suffix(3))")
        #expect(events.contains { if case .segment = $0 { return true }; return false })
        _ = try await publisher
        try? FileManager.default.removeItem(at: harness.directory)
    }
}

/// Opens connections that misbehave in different ways; returns whether the server closed each one
/// (within its 4 s publish timeout plus slack) instead of hanging or crashing.
func hostileClients(port: Int) async throws -> [(String, Bool)] {
    var generator = SplitMix64(seed: 99)
    let handshake: [UInt8] = [3] + [UInt8](repeating: 0, count: 3072)
    let random = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let cases: [(String, [UInt8])] = [
        ("random bytes", [0x16, 0x03] + random),
        ("truncated handshake", [3] + [UInt8](repeating: 1, count: 700)),
        ("handshake then random chunks", handshake + random),
        ("giant chunk size", handshake + Chunk.setChunkSize(0x7FFF_FFFF)),
        ("huge message length", handshake + Chunk.type0(csid: 6, timestamp: 0, length: 0xFF_FFFF, type: 9) + random),
        ("play instead of publish", handshake + ClientScript().connect()
            + ClientScript().command([.string("play"), .number(2), .null, .string("secret-a")], streamID: 1)),
    ]
    return try await withThrowingTaskGroup(of: (String, Bool).self) { group in
        for (name, bytes) in cases {
            group.addTask { (name, try await connectionIsClosedByServer(port: port, sending: bytes)) }
        }
        return try await group.reduce(into: []) { $0.append($1) }
    }
}

func connectionIsClosedByServer(port: Int, sending bytes: [UInt8]) async throws -> Bool {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port).get()
    let started = Date()
    try? await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    // Our own deadline: if the server has not closed the connection after 9 s, close it and report.
    let deadline = channel.eventLoop.scheduleTask(in: .seconds(9)) { channel.close(promise: nil) }
    try? await channel.closeFuture.get()
    deadline.cancel()
    return Date().timeIntervalSince(started) < 8.5
}

extension RTMPServerTests {
    @Test func connectionsBeyondTheLimitAreClosedAtOnce() async throws {
        let directory = try temporaryDirectory("limit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = RTMPServer(configuration: RTMPServerConfiguration(host: "127.0.0.1", port: 0, publishTimeout: .seconds(60),
                                                                       maxConnections: 2),
                                streams: LiveStreams(root: directory), validateKey: { _ in nil })
        let port = try await server.start()
        let group = MultiThreadedEventLoopGroup.singleton
        var held: [Channel] = []
        for _ in 0..<2 {
            let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
            try await channel.writeAndFlush(ByteBuffer(bytes: [3]))  // a handshake that never finishes
            held.append(channel)
        }
        #expect(await eventually(timeout: .seconds(10)) { server.openConnections == 2 }, "the two held connections are open")
        let started = ContinuousClock.now
        #expect(try await connectionIsClosedByServer(port: port, sending: [3]))
        #expect(ContinuousClock.now - started < .seconds(20), "the third connection must not wait for the 60 s timeout (20 s leaves room for a loaded machine)")
        for channel in held { #expect(channel.isActive) }
        for channel in held { try? await channel.close() }
        try await server.shutdown()
    }
}

extension RTMPServerTests {
    /// Relaying an MPEG-TS with `-c copy` (a common restream set-up): ffmpeg's FLV muxer first sends empty
    /// AVC and AAC sequence headers (TS has no extradata) and the real ones with the first frames. The
    /// stream must come out with both tracks instead of being refused at the empty header.
    @Test func copyRelayOfMPEGTSWithLateSequenceHeadersIsSegmented() async throws {
        let harness = try await Harness("ts-relay")
        let source = harness.directory.appendingPathComponent("relay.ts")
        let made = try await runAsync("ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25", "-f", "lavfi", "-i", "sine",
            "-t", "8", "-c:v", "libx264", "-g", "25", "-c:a", "aac", "-f", "mpegts", source.path,
        ])
        #expect(made.status == 0, "ffmpeg: \(made.stderr)")
        let relay = try await runAsync("ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-bsf:a", "aac_adtstoasc",
            "-f", "flv", "rtmp://127.0.0.1:\(harness.port)/live/secret-a",
        ])
        #expect(relay.status == 0, "ffmpeg: \(relay.stderr)")
        #expect(await harness.waitForEnd(count: 1))
        let indexes = harness.streams.indexes(for: SafeName("cam-a")!)
        #expect(indexes.map(\.rendition.id.rawValue) == ["video", "audio"])
        #expect(indexes.allSatisfy { $0.segments.count == 2 }, "segments: \(indexes.map { $0.segments.map(\.number) })")
        try await assertDecodable(indexes, root: harness.directory.appendingPathComponent("live/cam-a"), scratch: harness.directory)
        try await harness.stop()
    }
}
