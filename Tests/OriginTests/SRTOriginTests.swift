import Foundation
import Testing
import TestSupport
@testable import Origin

/// SRT through the binary (`mediaserve serve`): keys from the admin API, one UDP port for every stream,
/// ffmpeg as the encoder; refusals of unknown and busy keys and of a wrong passphrase, noise on the port,
/// and the live HLS and DASH that come out.
@Suite(.serialized) struct SRTOriginTests {
    static let key = "srt-api-key-0123456789"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")] }

    @Test func twoCallersOnOnePortBusyAndUnknownKeysRefused() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-srt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        defer { server.terminate() }
        let port = server.port, srtPort = try #require(server.srtPort)

        let first = try await create(port, "sa")
        let second = try await create(port, "sb")
        let firstURL = try #require(first["srtUrl"] as? String)
        let secondKey = try #require(second["key"] as? String)
        #expect(firstURL == "srt://127.0.0.1:\(srtPort)?streamid=\(try #require(first["key"] as? String))")
        #expect(first["rtmpUrl"] as? String != nil)

        let unknown = try await runAsync("ffmpeg", Self.publishArguments(to: "srt://127.0.0.1:\(srtPort)?streamid=not-a-key", seconds: 1))
        #expect(unknown.status != 0, "an unknown key must be refused")
        #expect(try await fetch(port, "/api/v1/live-streams", headers: Self.auth).text.contains("\"publishing\":true") == false)

        // Both on the same port at once; the second uses the access-control form of streamid (ffmpeg
        // 5.1 passes the query text through as it is, `#` included).
        let accessControl = "#!::r=\(secondKey),m=publish"
        async let firstRun = runAsync("ffmpeg", Self.publishArguments(to: firstURL, seconds: 12))
        async let secondRun = runAsync("ffmpeg", Self.publishArguments(to: "srt://127.0.0.1:\(srtPort)?streamid=\(accessControl)", seconds: 12))
        // The busy-key caller goes in as soon as sa has its publisher (not after its first segment: on a
        // loaded machine that can come late enough for the publisher to be gone already).
        try await LiveTestClient.waitUntilPublishing(port, apiKey: Self.key, stream: "sa")
        let busy = try await runAsync("ffmpeg", Self.publishArguments(to: firstURL, seconds: 1))
        #expect(busy.status != 0, "a second caller on a busy key must be refused")
        try await offPool { try Loopback.sendDatagrams(port: srtPort, Self.noise()) }
        try await waitForPlaylists(port, ["sa", "sb"])

        // The live manifests decode while both publishers are on the air.
        for url in ["/live/sa/master.m3u8", "/live/sb/manifest.mpd"] {
            let frames = try await offPool {
                let probe = try ffprobeJSON("http://127.0.0.1:\(port)\(url)",
                                            extra: ["-select_streams", "v:0", "-count_frames", "-read_intervals", "%+2"])
                return (probe["streams"] as? [[String: Any]])?.first?["nb_read_frames"] as? String
            }
            #expect(Int(frames ?? "") ?? 0 > 0, "ffprobe decoded no frame of \(url)")
        }

        let (firstResult, secondResult) = try await (firstRun, secondRun)
        #expect(firstResult.status == 0, "ffmpeg publishing sa: \(firstResult.stderr)")
        #expect(secondResult.status == 0, "ffmpeg publishing sb (noise was sent meanwhile): \(secondResult.stderr)")
        for stream in ["sa", "sb"] {
            let media = try await fetch(port, "/live/\(stream)/video.m3u8")
            let durations = media.text.split(separator: "\n").filter { $0.hasPrefix("#EXTINF:") }
                .compactMap { Double($0.dropFirst(8).split(separator: ",").first ?? "") }
            #expect(durations.count == 2, "12 s make a 6 s segment and a last one: \(media.text)")
            if let firstDuration = durations.first {
                #expect(firstDuration >= 5.9 && firstDuration <= 6.6, "\(stream)'s first segment lasts \(firstDuration) s")
            }
        }
        let listed = try await fetch(port, "/api/v1/live-streams", headers: Self.auth)
        let ids = (try JSONSerialization.jsonObject(with: Data(listed.body)) as? [String: Any])?["streams"] as? [[String: Any]]
        #expect(Set(ids?.compactMap { $0["id"] as? String } ?? []) == ["sa", "sb"], "refused callers create no stream")
    }

    @Test func passphraseFromConfiguration() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-srt-secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key, extra: ["--set", "srt.passphrase=correct-horse-battery"])
        defer { server.terminate() }
        let url = try #require(try await create(server.port, "sec")["srtUrl"] as? String)

        let wrong = try await runAsync("ffmpeg", Self.publishArguments(to: url + "&passphrase=wrong-passphrase-here", seconds: 1))
        #expect(wrong.status != 0, "a wrong passphrase must be refused")
        let missing = try await runAsync("ffmpeg", Self.publishArguments(to: url, seconds: 1))
        #expect(missing.status != 0, "a caller without the passphrase must be refused")
        #expect(try await fetch(server.port, "/live/sec/master.m3u8").status == 404)
        let right = try await runAsync("ffmpeg", Self.publishArguments(to: url + "&passphrase=correct-horse-battery", seconds: 2))
        #expect(right.status == 0, "ffmpeg: \(right.stderr)")
        try await waitForPlaylists(server.port, ["sec"])
    }

    @Test func disabledListenerIsNeitherBoundNorAdvertised() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-srt-off-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key, extra: ["--set", "srt.enabled=false"])
        defer { server.terminate() }
        #expect(server.srtPort == nil, "the banner shows no SRT line")
        let created = try await create(server.port, "nosrt")
        #expect(created["srtUrl"] == nil)
        #expect(created["rtmpUrl"] as? String != nil)
    }

    /// ffmpeg as an SRT encoder: a small test pattern and a tone, x264 with 1 s GOPs, AAC, in MPEG-TS, in
    /// real time (`-re`: in SRT's live mode, what a caller still has in flight when it closes is dropped,
    /// so a faster-than-real-time burst of a few seconds would mostly be lost).
    static func publishArguments(to url: String, seconds: Int) -> [String] {
        LiveTestClient.ffmpegArguments(to: url, seconds: seconds, format: "mpegts", audioRate: 48000)
    }

    /// Datagrams that are not SRT, and some that start like SRT control packets (handshake, ACK, shutdown)
    /// or data packets, with random contents.
    static func noise() -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        return (0..<600).map { index in
            let size = [1, 4, 16, 64, 188, 1316, 1500][index % 7]
            var bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if index % 3 == 0, size >= 16 { bytes[0] = 0x80; bytes[1] = UInt8(index % 8) }
            return bytes
        }
    }

    private func create(_ port: Int, _ id: String) async throws -> [String: Any] {
        try await LiveTestClient.createStream(port, apiKey: Self.key, ["id": id])
    }

    /// The first segment of each stream appears about 6 s after its publisher starts (polled, bounded).
    private func waitForPlaylists(_ port: Int, _ streams: [String]) async throws {
        for stream in streams {
            var found = false
            for _ in 0..<60 where !found {
                found = try await fetch(port, "/live/\(stream)/master.m3u8").status == 200
                if !found { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(found, "no playlist for \(stream) within 15 s")
        }
    }
}
