import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Live
#if canImport(Glibc)
import Glibc
#endif

/// SRT through libavformat's libsrt protocol, with ffmpeg as the caller.
@Suite struct SRTListenerTests {
    /// A UDP port nobody uses right now (bind to 0, read it back, close).
    static func freeUDPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw TestFailure("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func call(port: Int, passphrase: String, seconds: Int) async throws -> RunResult {
        try await runDetached("ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25", "-f", "lavfi", "-i", "sine",
            "-c:v", "libx264", "-g", "25", "-c:a", "aac", "-t", "\(seconds)",
            "-f", "mpegts", "srt://127.0.0.1:\(port)?mode=caller&passphrase=\(passphrase)",
        ])
    }

    @Test func srtCallerFeedsTheSegmenter() async throws {
        let directory = try temporaryDirectory("srt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = EventLog()
        let streams = LiveStreams(root: directory.appendingPathComponent("live"), onEvent: { log.append($0) })
        let port = try Self.freeUDPPort()
        let listener = SRTListener(configuration: .init(host: "127.0.0.1", port: port, stream: SafeName("srt-cam")!,
                                                        passphrase: "correct-horse-battery"), streams: streams)
        listener.start()
        try await Task.sleep(for: .milliseconds(300))

        let wrong = try await Self.call(port: port, passphrase: "wrong-passphrase-here", seconds: 2)
        #expect(wrong.status != 0, "a caller without the passphrase must be refused")
        #expect(!log.all.contains { if case .publishStarted = $0 { return true }; return false })

        let result = try await Self.call(port: port, passphrase: "correct-horse-battery", seconds: 8)
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        #expect(await log.wait(timeout: 15) { $0.contains(where: \.isPublishEnded) })
        await listener.stop()

        let indexes = streams.indexes(for: SafeName("srt-cam")!)
        #expect(indexes.map(\.rendition.id.rawValue) == ["video", "audio"])
        let video = try #require(indexes.first)
        #expect(video.rendition.width == 320 && video.rendition.height == 180)
        #expect(video.segments.count == 2)
        if let first = video.segments.first {
            let seconds = Double(first.duration) / 90_000
            #expect(seconds >= 6 && seconds < 7, "first SRT segment lasts \(seconds) s")
        }
        try await assertDecodable(indexes, root: directory.appendingPathComponent("live/srt-cam"), scratch: directory)
    }

    @Test func annexBAndADTSConversion() throws {
        let units = AnnexB.nalUnits([0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x64, 0, 0x0C, 0, 0, 0, 1, 0x68, 0xEB, 0, 0, 1, 0x65, 0x88, 0x80])
        #expect(units.map(Array.init) == [[0x09, 0xF0], [0x67, 0x64, 0, 0x0C], [0x68, 0xEB], [0x65, 0x88, 0x80]])
        var adapter = TSMediaAdapter()
        let events = adapter.video([0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x64, 0, 0x0C, 0, 0, 0, 1, 0x68, 0xEB, 0, 0, 1, 0x65, 0x88, 0x80],
                                   pts: 183_600, dts: 180_000, isKeyframe: false)
        #expect(events == [
            .videoConfig(avcC: [1, 0x64, 0, 0x0C, 0xFF, 0xE1, 0, 4, 0x67, 0x64, 0, 0x0C, 1, 0, 2, 0x68, 0xEB]),
            .video(VideoFrame(dts: 2000, pts: 2040, isKeyframe: true, data: [0, 0, 0, 3, 0x65, 0x88, 0x80])),
        ])
        // Two ADTS frames (AAC-LC, 48 kHz, stereo), 7-byte headers, payloads of 2 and 1 bytes.
        let adts: [UInt8] = [0xFF, 0xF1, 0x4C, 0x80, 0x01, 0x20, 0x00, 0xAA, 0xBB,
                             0xFF, 0xF1, 0x4C, 0x80, 0x01, 0x00, 0x00, 0xCC]
        let audio = try adapter.audio(adts, pts: 90_000)
        #expect(audio == [
            .audioConfig(asc: [0x11, 0x90]),
            .audio(AudioFrame(pts: 1000, data: [0xAA, 0xBB])),
            .audio(AudioFrame(pts: 1021, data: [0xCC])),
        ])
        #expect(throws: LiveError.self) { try adapter.audio([0xFF, 0xF1, 0x4C, 0x80, 0x7F, 0xE0, 0], pts: 0) }
    }
}
