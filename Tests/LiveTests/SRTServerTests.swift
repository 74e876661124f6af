import Foundation
import MediaCore
import SRTKit
import Testing
import TestSupport
@testable import Live
@testable import LiveSegmenting

/// The SRT listener on 127.0.0.1: libsrt callers (SRTKit) check what the handshake refuses and with
/// which reason; ffmpeg, a real encoder, publishes through a passphrase into the segmenter.
@Suite struct SRTServerTests {
    static let keys: [String: SafeName] = ["cam-key-0123456789": SafeName("cam")!, "other-key-0123456789": SafeName("other")!]

    /// A listener over fresh live streams on a free port; stopped by the caller.
    static func makeServer(passphrase: String? = nil, maxCallers: Int = 100, directory: URL, log: EventLog)
        throws -> (server: SRTServer, streams: LiveStreams, port: Int) {
        let streams = LiveStreams(root: directory.appendingPathComponent("live"), onEvent: { log.append($0) })
        let server = SRTServer(configuration: .init(host: "127.0.0.1", port: 0, passphrase: passphrase, maxCallers: maxCallers),
                               streams: streams, validateKey: { keys[$0].map { PublishTarget($0) } })
        return (server, streams, try server.start())
    }

    /// Connects an SRT caller (blocking, off the cooperative pool); the error says why it was refused.
    static func call(_ port: Int, streamID: String, passphrase: String? = nil) async throws -> Result<SRTSocket, SRTError> {
        try await offPool {
            do throws(SRTError) {
                let socket = try SRTSocket()
                try socket.set(.streamID(streamID))
                if let passphrase { try socket.set(.passphrase(passphrase)) }
                try socket.connect(host: "127.0.0.1", port: port)
                return .success(socket)
            } catch {
                return .failure(error)
            }
        }
    }

    static func rejection(_ result: Result<SRTSocket, SRTError>) -> SRTRejection? {
        if case .failure(let error) = result { return error.rejection }
        return nil
    }

    @Test func handshakeRefusesUnknownBusyAndOtherModes() async throws {
        let directory = try temporaryDirectory("srt-refuse")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = EventLog()
        let (server, streams, port) = try Self.makeServer(maxCallers: 2, directory: directory, log: log)

        #expect(Self.rejection(try await Self.call(port, streamID: "no-such-key")) == .notFound)
        #expect(Self.rejection(try await Self.call(port, streamID: "")) == .badRequest)
        #expect(Self.rejection(try await Self.call(port, streamID: "#!::r=cam-key-0123456789,m=request")) == .badMode)
        #expect(log.all.isEmpty, "a refused caller must not start a publication")

        // The access-control form publishes like the plain key; a second caller on that stream is refused.
        let first = try await Self.call(port, streamID: "#!::r=cam-key-0123456789,m=publish").get()
        #expect(await log.wait(timeout: 5) { $0.contains { if case .publishStarted(let stream) = $0 { stream.rawValue == "cam" } else { false } } })
        #expect(Self.rejection(try await Self.call(port, streamID: "cam-key-0123456789")) == .conflict)
        // Another stream on the same port is fine, and then the caller limit (2) is reached.
        let second = try await Self.call(port, streamID: "other-key-0123456789").get()
        #expect(await log.wait(timeout: 5) { _ in streams.publishingStreams.count == 2 })
        #expect(Self.rejection(try await Self.call(port, streamID: "no-such-key")) == .overload)

        // A caller that leaves releases its stream: the key works again.
        first.close()
        #expect(await log.wait(timeout: 10) { _ in streams.publishingStreams == [SafeName("other")!] })
        let again = try await Self.call(port, streamID: "cam-key-0123456789").get()
        await server.shutdown()
        #expect(streams.publishingStreams.isEmpty, "shutdown ends every caller")
        withExtendedLifetime((second, again)) {}
    }

    @Test func passphraseIsRequiredWhenSet() async throws {
        let directory = try temporaryDirectory("srt-secret")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = EventLog()
        let (server, _, port) = try Self.makeServer(passphrase: "correct-horse-battery", directory: directory, log: log)

        let wrong = try await Self.call(port, streamID: "cam-key-0123456789", passphrase: "wrong-passphrase-here")
        #expect(Self.rejection(wrong) == .badSecret)
        let none = try await Self.call(port, streamID: "cam-key-0123456789")
        #expect(Self.rejection(none) == .unsecure)
        #expect(log.all.isEmpty)
        let right = try await Self.call(port, streamID: "cam-key-0123456789", passphrase: "correct-horse-battery")
        #expect((try? right.get()) != nil, "the right passphrase connects: \(right)")
        #expect(await log.wait(timeout: 5) { $0.contains { if case .publishStarted = $0 { true } else { false } } })
        await server.shutdown()
    }

    /// Stopping the server while a caller publishes ends the caller and writes its last, short segment.
    @Test func shutdownWritesTheLastSegments() async throws {
        let directory = try temporaryDirectory("srt-stop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = EventLog()
        let (server, streams, port) = try Self.makeServer(directory: directory, log: log)
        async let publisher = runAsync("ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=s=160x90:r=25", "-f", "lavfi", "-i", "sine",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-t", "30", "-f", "mpegts",
            "srt://127.0.0.1:\(port)?streamid=cam-key-0123456789",
        ])
        #expect(await log.wait(timeout: 60) { $0.contains { if case .segment = $0 { true } else { false } } }, "no first segment")
        // Shut down inside the second segment, once a second of video (25 frames) waits in it.
        #expect(await log.wait(timeout: 15) { _ in streams.pendingVideoSamples(for: SafeName("cam")!) >= 25 })
        await server.shutdown()
        #expect(log.all.contains { $0.isPublishEnded })
        let segments = streams.indexes(for: SafeName("cam")!).first?.segments ?? []
        #expect(segments.count >= 2, "the segment in progress is written at shutdown")
        if segments.count >= 2, let last = segments.last {
            // Full segments last exactly 6 s (1 s GOPs); the one shutdown cut is shorter. How much shorter
            // depends on how busy the machine was between the first segment and the shutdown.
            let seconds = Double(last.duration) / 90_000
            #expect(seconds > 0 && seconds < 6, "the last segment was cut by the shutdown: \(seconds) s")
        }
        let ended = try await publisher
        #expect(ended.status != 0, "the caller sees its connection end")
    }

    /// ffmpeg (libavformat's srt protocol, the same libsrt) publishes MPEG-TS with a passphrase; the
    /// segmenter cuts 6 s segments that decode.
    @Test func ffmpegPublishesThroughThePassphrase() async throws {
        let directory = try temporaryDirectory("srt-ffmpeg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = EventLog()
        let (server, streams, port) = try Self.makeServer(passphrase: "correct-horse-battery", directory: directory, log: log)

        func publish(_ passphrase: String, seconds: Int) async throws -> RunResult {
            try await runAsync("ffmpeg", [
                "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25", "-f", "lavfi", "-i", "sine",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-t", "\(seconds)",
                "-f", "mpegts", "srt://127.0.0.1:\(port)?streamid=cam-key-0123456789&passphrase=\(passphrase)",
            ])
        }
        let wrong = try await publish("wrong-passphrase-here", seconds: 1)
        #expect(wrong.status != 0, "a caller with the wrong passphrase must be refused")
        #expect(wrong.stderr.contains("Incorrect passphrase"), "the caller's libsrt reports the listener's rejection: \(wrong.stderr)")
        #expect(log.all.isEmpty, "the refused caller never became a publication")
        let result = try await publish("correct-horse-battery", seconds: 7)
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        #expect(await log.wait(timeout: 15) { $0.contains(where: \.isPublishEnded) })
        await server.shutdown()

        let indexes = streams.indexes(for: SafeName("cam")!)
        #expect(indexes.map(\.rendition.id.rawValue) == ["video", "audio"])
        let video = try #require(indexes.first)
        #expect(video.rendition.width == 320 && video.rendition.height == 180)
        #expect(video.segments.count == 2)
        if let first = video.segments.first {
            let seconds = Double(first.duration) / 90_000
            #expect(seconds >= 6 && seconds < 7, "first SRT segment lasts \(seconds) s")
        }
        try await assertDecodable(indexes, root: directory.appendingPathComponent("live/cam"), scratch: directory)
    }
}
