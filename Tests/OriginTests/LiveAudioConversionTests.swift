import Foundation
import Testing
import TestSupport

/// Non-AAC audio becomes AAC (issue 15): ffmpeg publishes MP3 over RTMP, MP2 and AC-3 (5.1) over SRT (MPEG-TS),
/// to a real `mediaserve serve`; ffprobe reads each stream's audio rendition as AAC-LC at 48 kHz (AC-3's six
/// channels downmixed to two), with packets every 1024 samples and no gap, covering the video's duration,
/// and the whole presentation decodes over HTTP. A codec nothing converts is refused in one line.
@Suite(.serialized) struct LiveAudioConversionTests {
    static let key = "live-audio-key-0123456789"

    @Test func mp3AndMP2AndAC3ArriveAsAAC() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-audio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key, extra: ["--set", "live.disconnect_timeout_seconds=0"])
        defer { server.terminate() }
        let port = server.port
        let srtPort = try #require(server.srtPort)
        var keys: [String: String] = [:]
        for id in ["mp3", "mp2", "ac3"] {
            keys[id] = try #require(try await LiveTestClient.createStream(port, apiKey: Self.key, ["id": id])["key"] as? String)
        }
        let seconds = 8
        async let mp3 = runAsync("ffmpeg", Self.publish(to: "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(keys["mp3"]!)", seconds: seconds,
                                                        format: "flv", audio: ["-c:a", "libmp3lame", "-ar", "44100", "-ac", "2", "-b:a", "128k"]))
        async let mp2 = runAsync("ffmpeg", Self.publish(to: "srt://127.0.0.1:\(srtPort)?streamid=\(keys["mp2"]!)", seconds: seconds,
                                                        format: "mpegts", audio: ["-c:a", "mp2", "-ar", "48000", "-ac", "2", "-b:a", "192k"]))
        async let ac3 = runAsync("ffmpeg", Self.publish(to: "srt://127.0.0.1:\(srtPort)?streamid=\(keys["ac3"]!)", seconds: seconds,
                                                        format: "mpegts", audio: ["-c:a", "ac3", "-ar", "48000", "-ac", "6", "-b:a", "384k"]))
        let results = try await [("mp3", mp3), ("mp2", mp2), ("ac3", ac3)]
        for (id, result) in results { #expect(result.status == 0, "ffmpeg publishing \(id): \(result.stderr)") }
        try await LiveTestClient.waitUntilNotPublishing(port, apiKey: Self.key)

        for id in ["mp3", "mp2", "ac3"] {
            let audio = try await Self.joined(port, "/live/\(id)/", playlist: "audio.m3u8")
            defer { try? FileManager.default.removeItem(at: audio) }
            let stream = try await runAsync("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries",
                                                        "stream=codec_name,profile,sample_rate,channels", "-of", "csv=p=0", audio.path])
            #expect(stream.status == 0 && stream.stderr.isEmpty, "\(id): \(stream.stderr)")
            #expect(stream.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "aac,LC,48000,2", "\(id): \(stream.stdout)")
            // Continuous: every packet 1024 samples after the one before, and as long as the video.
            let packets = try await runAsync("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries",
                                                         "packet=pts", "-of", "csv=p=0", audio.path])
            let times = packets.stdout.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let steps = Set(zip(times.dropFirst(), times).map { $0 - $1 })
            #expect(times.count > 100 && steps == [1024], "\(id): \(times.count) packets, steps \(steps.sorted())")
            let video = try await Self.joined(port, "/live/\(id)/", playlist: "video.m3u8")
            defer { try? FileManager.default.removeItem(at: video) }
            let audioSeconds = try await Self.duration(audio), videoSeconds = try await Self.duration(video)
            #expect(abs(audioSeconds - videoSeconds) < 0.5, "\(id): audio \(audioSeconds) s, video \(videoSeconds) s")
            try await LiveRestartTests.expectDecodes(port, "/live/\(id)/master.m3u8")
        }
        let master = try await fetch(port, "/live/mp3/master.m3u8").text
        #expect(master.contains("mp4a.40.2"), "\(master)")
    }

    @Test func audioNothingConvertsIsRefusedInOneLine() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-audio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key, extra: ["--set", "srt.enabled=false"])
        defer { server.terminate() }
        let stream = try #require(try await LiveTestClient.createStream(server.port, apiKey: Self.key, ["id": "speex"])["key"] as? String)
        // FLV's Nellymoser (sound format 6) has no converter: the publisher is disconnected, nothing is listed.
        let result = try await runAsync("ffmpeg", Self.publish(to: "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(stream)", seconds: 3,
                                                               format: "flv", audio: ["-c:a", "nellymoser", "-ar", "44100", "-ac", "1"]))
        #expect(result.status != 0, "ffmpeg kept publishing Nellymoser")
        let playlist = try await fetch(server.port, "/live/speex/audio.m3u8")
        #expect(playlist.status == 404, "\(playlist.text)")
    }

    static func publish(to url: String, seconds: Int, format: String, audio: [String]) -> [String] {
        ["-hide_banner", "-loglevel", "error", "-re",
         "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", "\(seconds)", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25"] + audio + ["-f", format, url]
    }

    /// A media playlist's init and segments fetched over HTTP and joined into one file (removed by the caller).
    static func joined(_ port: Int, _ base: String, playlist: String) async throws -> URL {
        let text = try await fetch(port, base + playlist).text
        var bytes: [UInt8] = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("#EXT-X-MAP:URI=\""), bytes.isEmpty {
                bytes += try await fetch(port, base + String(line.dropFirst(16).dropLast())).body
            } else if !line.hasPrefix("#") {
                bytes += try await fetch(port, base + line).body
            }
        }
        #expect(!bytes.isEmpty, "\(base)\(playlist): \(text)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("joined-\(UUID().uuidString).mp4")
        try Data(bytes).write(to: file)
        return file
    }

    static func duration(_ file: URL) async throws -> Double {
        let probe = try await runAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file.path])
        return Double(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
