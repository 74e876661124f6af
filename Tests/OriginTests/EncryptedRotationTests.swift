import Foundation
import Testing
import TestSupport

/// Live key rotation (issue 13): an encrypted live stream with `drm.key_rotation_seconds=6` and 6 s
/// segments changes key at each segment boundary. HLS AES-128 writes a new `EXT-X-KEY` there and ffmpeg,
/// fetching each key itself, decodes across the periods to the clear pictures; DASH starts a new Period per
/// key period, each naming its own `default_KID` and an init encrypted for it, and every Period decrypts
/// with its own key (and not with the other) to the same clear pictures.
@Suite(.serialized) struct EncryptedRotationTests {
    static let apiKey = "rot-key-0123456789"
    static let master = String(repeating: "4d", count: 32)
    static var auth: [(String, String)] { [("Authorization", "Bearer \(apiKey)")] }

    func hashes(_ arguments: [String]) async throws -> [String] {
        let result = try await runAsync("ffmpeg", ["-v", "error"] + arguments + ["-map", "0:v:0", "-f", "framemd5", "-"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .compactMap { $0.split(separator: ",").last?.trimmingCharacters(in: .whitespaces) }
    }

    @Test func liveStreamRotatesKeysAndDecodesAcrossKeyPeriods() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-rot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey,
                                       extra: ["--set", "drm.master_key=\(Self.master)", "--set", "drm.key_rotation_seconds=6",
                                               // ENDLIST as soon as the publisher leaves (the default waits 30 s for a reconnect,
                                               // half of the deadline below: a loaded run missed it).
                                               "--set", "live.disconnect_timeout_seconds=0"])
        defer { server.terminate() }
        let port = server.port
        let created = try await fetch(port, "/api/v1/live-streams", method: .POST, headers: Self.auth,
                                      body: Array(#"{"id":"rot","encrypted":true}"#.utf8))
        #expect(created.status == 201, "\(created.text)")
        let stream = try #require(try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])
        let streamKey = try #require(stream["key"] as? String)

        // 14 s as fast as ffmpeg makes it: segments [0, 6), [6, 12), [12, 14) fall in key periods 0, 1, 2.
        let publish = try await runAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                                         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "14",
                                         "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac",
                                         "-f", "flv", "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(streamKey)"])
        #expect(publish.status == 0, "\(publish.stderr)")

        // The stream has ended once its playlists carry ENDLIST.
        let master = try await fetch(port, "/live/rot/master.m3u8")
        try #require(master.status == 200, "\(master.text)")
        let mediaName = try #require(master.text.split(separator: "\n").first { !$0.hasPrefix("#") && $0.contains("video") })
        var media = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            media = try await fetch(port, "/live/rot/\(mediaName)").text
            if media.contains("#EXT-X-ENDLIST") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        try #require(media.contains("#EXT-X-ENDLIST"), "the stream did not end within 60 s:\n\(media)")
        let keyURIs = Set(media.matches(of: /#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)"/).map { String($0.1) })
        #expect(keyURIs.count >= 3, "one key per 6 s period:\n\(media)")

        // The clear pictures: the stored segments of the video rendition, init first.
        let playlistFile = mediaName.split(separator: "?")[0].split(separator: "/").last ?? ""
        let rendition = String(playlistFile.dropLast(".m3u8".count))
        let folder = data.appendingPathComponent("live/rot/\(rendition)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let initFile = try #require(files.first { $0.hasPrefix("init") && $0.hasSuffix(".mp4") })
        let segments = files.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("seg-"), name.hasSuffix(".m4s"), let n = Int(name.dropFirst(4).dropLast(4)) else { return nil }
            return (n, name)
        }.sorted { $0.0 < $1.0 }
        var clearBytes = try Data(contentsOf: folder.appendingPathComponent(initFile))
        for (_, name) in segments { clearBytes += try Data(contentsOf: folder.appendingPathComponent(name)) }
        let clearFile = data.appendingPathComponent("clear.mp4")
        try clearBytes.write(to: clearFile)
        let clear = try await hashes(["-i", clearFile.path])
        #expect(clear.count >= 300)

        // HLS AES-128 over HTTP: ffmpeg follows the key changes.
        #expect(try await hashes(["-i", "http://127.0.0.1:\(port)/live/rot/\(mediaName)"]) == clear)

        // HLS SAMPLE-AES (cbcs in fMP4): each key period's segments follow an EXT-X-MAP whose init names
        // that period's key id in its tenc, the same key the EXT-X-KEY before them points at.
        let sampleAES = try await fetch(port, "/live/rot/" + mediaName.replacing("scheme=aes-128", with: "scheme=sample-aes")).text
        let lines = sampleAES.split(separator: "\n").map(String.init)
        var initKIDs: [String] = []
        var keyKIDs: [String] = []
        var lastKey: String?
        for line in lines {
            if let kid = line.firstMatch(of: /#EXT-X-KEY:METHOD=SAMPLE-AES,URI="\/keys\/([0-9a-f]{32})"/)?.1 { lastKey = String(kid) }
            if let uri = line.firstMatch(of: /#EXT-X-MAP:URI="([^"]+)"/)?.1 {
                #expect(uri.contains("keyperiod="), "\(line)")
                let folder = mediaName.split(separator: "?")[0].split(separator: "/").dropLast().joined(separator: "/")
                let initSegment = try await fetch(port, "/live/rot/" + (folder.isEmpty ? "" : folder + "/") + uri)
                #expect(initSegment.status == 200, "\(uri)")
                initKIDs.append(try #require(Self.tencKID(initSegment.body), "\(uri) has no tenc"))
                keyKIDs.append("")
            }
            if line.hasPrefix("#EXTINF"), let lastKey, keyKIDs.last == "" { keyKIDs[keyKIDs.count - 1] = lastKey }
        }
        #expect(initKIDs.count >= 3, "one init per key period:\n\(sampleAES)")
        #expect(initKIDs == keyKIDs, "\(sampleAES)")
        #expect(Set(initKIDs).count == initKIDs.count)

        // DASH cenc: one Period per key period, each decrypted with its own key.
        let mpd = try await fetch(port, "/live/rot/manifest.mpd?scheme=cenc")
        #expect(mpd.status == 200)
        try await validateMPD(mpd.text)
        let periods = mpd.text.components(separatedBy: "<Period").dropFirst()
        #expect(periods.count >= 3, "\(mpd.text)")
        var decrypted: [String] = []
        var keys: [String] = []
        for (index, period) in periods.enumerated() {
            let video = try #require(period.components(separatedBy: "<AdaptationSet").first { $0.contains(#"contentType="video""#) })
            let kid = try #require(video.firstMatch(of: /cenc:default_KID="([0-9a-f-]{36})"/)?.1).replacing("-", with: "")
            let key = try await fetch(port, "/keys/\(kid)").body.map { String(format: "%02x", $0) }.joined()
            #expect(!keys.contains(key), "period \(index) reuses a key")
            keys.append(key)
            let template = try #require(video.firstMatch(of: /<SegmentTemplate[^>]*>/)).0
            let initPath = try #require(template.firstMatch(of: /initialization="([^"]+)"/)?.1).replacing("&amp;", with: "&")
            let mediaPath = try #require(template.firstMatch(of: /media="([^"]+)"/)?.1).replacing("&amp;", with: "&")
            let startNumber = try #require(template.firstMatch(of: /startNumber="(\d+)"/)?.1)
            var number = try #require(Int(startNumber))
            #expect(index == 0 || initPath.contains("keyperiod="), "\(initPath)")
            let representation = try #require(video.firstMatch(of: /<Representation[^>]* id="([^"]+)"/)?.1)
            var bytes = try await fetch(port, "/live/rot/" + initPath.replacing("$RepresentationID$", with: representation)).body
            for s in video.matches(of: /<S [^>]*?(?: r="(\d+)")?\/>/) {
                for _ in 0...(s.1.flatMap { Int($0) } ?? 0) {
                    let path = mediaPath.replacing("$RepresentationID$", with: representation).replacing("$Number$", with: String(number))
                    let segment = try await fetch(port, "/live/rot/" + path)
                    #expect(segment.status == 200, "\(path)")
                    bytes += segment.body
                    number += 1
                }
            }
            let file = data.appendingPathComponent("period-\(index).mp4")
            try Data(bytes).write(to: file)
            decrypted += try await hashes(["-decryption_key", key, "-i", file.path])
            if index > 0 {
                let wrong = try await runAsync("ffmpeg", ["-v", "error", "-decryption_key", keys[0], "-i", file.path, "-map", "0:v:0", "-f", "framemd5", "-"])
                #expect(wrong.stdout != (try await runAsync("ffmpeg", ["-v", "error", "-decryption_key", key, "-i", file.path, "-map", "0:v:0", "-f", "framemd5", "-"])).stdout,
                        "period \(index) must not decrypt with period 0's key")
            }
        }
        #expect(decrypted == clear)
    }

    /// The default_KID of the first `tenc` box (ISO/IEC 23001-7 §8.2: after the full-box header, two
    /// reserved/pattern bytes, isProtected and the IV size), as 32 hex digits.
    static func tencKID(_ bytes: [UInt8]) -> String? {
        let type = Array("tenc".utf8)
        guard let at = (0..<max(0, bytes.count - 28)).first(where: { Array(bytes[$0..<($0 + 4)]) == type }) else { return nil }
        return bytes[(at + 12)..<(at + 28)].map { String(format: "%02x", $0) }.joined()
    }
}
