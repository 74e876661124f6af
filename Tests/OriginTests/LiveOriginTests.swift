import Foundation
import Testing
import TestSupport
@testable import Origin

/// A live stream through the binary: a key from the admin API, ffmpeg publishing over RTMP, and the
/// origin serving the same URL shapes under /live/ with live caching rules.
@Suite(.serialized) struct LiveOriginTests {
    static let key = "live-key-0123456789"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(key)")] }

    @Test func publishedStreamIsServedUnderLive() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-live-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        defer { server.terminate() }
        let port = server.port

        let body = Array(#"{"id":"cam1"}"#.utf8)
        #expect(try await fetch(port, "/api/v1/live-streams", method: .POST, body: body).status == 401)
        let created = try await fetch(port, "/api/v1/live-streams", method: .POST, headers: Self.auth, body: body)
        #expect(created.status == 201)
        let stream = try #require(try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])
        let streamKey = try #require(stream["key"] as? String)
        #expect(stream["id"] as? String == "cam1")

        let before = try await fetch(port, "/live/cam1/master.m3u8")
        #expect(before.status == 404)
        #expect(before.header("Cache-Control") == "public, max-age=1")

        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        publisher.arguments = ["ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                               "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "60",
                               "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac",
                               "-f", "flv", "rtmp://127.0.0.1:\(server.rtmpPort)/live/\(streamKey)"]
        publisher.standardOutput = FileHandle.nullDevice
        publisher.standardError = FileHandle.nullDevice
        try publisher.run()
        defer { if publisher.isRunning { publisher.terminate() } }

        // The first 6 s segment appears after about 6 s of real time.
        var master: ClientResponse?
        for _ in 0..<60 {
            let response = try await fetch(port, "/live/cam1/master.m3u8")
            if response.status == 200 { master = response; break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let playlist = try #require(master, "no live master playlist within 30 s")
        #expect(playlist.header("Content-Type") == "application/vnd.apple.mpegurl")
        #expect(playlist.header("Cache-Control") == "public, max-age=3, s-maxage=3")
        let mediaName = try #require(playlist.text.split(separator: "\n").first { !$0.hasPrefix("#") && $0.hasSuffix(".m3u8") })
        let media = try await fetch(port, "/live/cam1/\(mediaName)")
        #expect(media.status == 200)
        #expect(!media.text.contains("#EXT-X-ENDLIST"))
        let segmentPath = try #require(media.text.split(separator: "\n").last { $0.hasSuffix(".m4s") })
        let rendition = String(mediaName.dropLast(5))
        let segment = try await fetch(port, "/live/cam1/\(segmentPath)")
        #expect(segment.status == 200)
        #expect(segment.header("Cache-Control") == "public, max-age=31536000, immutable")
        #expect(segment.header("Content-Type") == "video/iso.segment")
        let number = Int(segmentPath.split(separator: "-").last!.dropLast(4))!
        let future = try await fetch(port, "/live/cam1/\(rendition)/seg-\(number + 50).m4s")
        #expect(future.status == 404)
        #expect(future.header("Cache-Control") == "public, max-age=1")

        let mpd = try await fetch(port, "/live/cam1/manifest.mpd")
        #expect(mpd.status == 200)
        #expect(mpd.text.contains("type=\"dynamic\""))
        #expect(mpd.text.contains("/time"))

        let probe = try await ffprobeJSONAsync("http://127.0.0.1:\(port)/live/cam1/master.m3u8")
        let codecs = (probe["streams"] as? [[String: Any]] ?? []).compactMap { $0["codec_name"] as? String }
        #expect(codecs.contains("h264"))

        let page = try await fetch(port, "/")
        #expect(page.text.contains("/live/cam1/master.m3u8"))
        let listed = try await fetch(port, "/api/v1/live-streams", headers: Self.auth)
        #expect(listed.text.contains("\"publishing\":true"))
        #expect(!listed.text.contains(streamKey))
        // The publisher runs long enough for every check above on a loaded machine (a 16 s run ended before
        // the "publishing" checks once ffprobe was slow); it is stopped here.
        await stop(publisher)
    }
}
