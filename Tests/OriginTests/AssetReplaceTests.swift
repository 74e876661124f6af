import Foundation
import Synchronization
import Testing
import TestSupport

/// A replace as an operator does it: `mediaserve ingest`, then `mediaserve ingest --replace` with another
/// source of another length while `mediaserve serve` runs. The manifests move to v2, v2 serves the new
/// bytes, v1 is gone (never the new bytes under v1's URLs), and ffmpeg plays v2 over HTTP. The origin's
/// caches (index, rendered manifests, open files) are warm with v1 when the replace lands.
@Suite(.serialized) struct AssetReplaceTests {
    static let key = "replace-key-0123456789"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(key)")] }
    static let ladder = """
        segment_seconds: 1
        preset: ultrafast
        max_frame_rate: 60
        audio: { codec: aac-lc, bitrate_kbps: 64, sample_rate: 48000, channels: 2 }
        rungs:
          - { height: 360, video_kbps: 300, profile: main }
        """

    struct Fixture {
        let folder: URL
        var data: URL { folder.appendingPathComponent("data") }
        var ladder: URL { folder.appendingPathComponent("ladder.yaml") }
        var replacement: URL { folder.appendingPathComponent("three-seconds.mp4") }

        /// `mediaserve ingest` of `source` as asset `clip`, the way a person runs it.
        func ingest(_ source: URL, replace: Bool) async throws {
            let result = try await runAsync(TestMedia.mediaserveBinary.path,
                                            ["ingest", source.path, "--id", "clip", "--data-dir", data.path,
                                             "--ladder", ladder.path, "--json"] + (replace ? ["--replace"] : []))
            #expect(result.status == 0, "ingest\(replace ? " --replace" : ""): \(result.stderr)")
        }

        func onDisk(_ rendition: String, _ file: String) throws -> [UInt8] {
            Array(try Data(contentsOf: data.appendingPathComponent("vod/clip/\(rendition)/\(file)")))
        }
    }

    @Test func replacingAnAssetMovesEveryURLToTheNewVersion() async throws {
        let fixture = Fixture(folder: FileManager.default.temporaryDirectory.appendingPathComponent("replace-\(UUID().uuidString)"))
        try FileManager.default.createDirectory(at: fixture.folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try Self.ladder.write(to: fixture.ladder, atomically: true, encoding: .utf8)
        let made = try await runAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                                                 "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000", "-t", "3",
                                                 "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", fixture.replacement.path])
        try #require(made.status == 0, "ffmpeg: \(made.stderr)")

        try await fixture.ingest(TestMedia.committed.appendingPathComponent("sample.mp4"), replace: false)
        let server = try ServerProcess(dataDirectory: fixture.data, apiKey: Self.key)
        defer { server.terminate() }
        let port = server.port

        let before = try await Snapshot.take(port, version: 1)
        #expect(before.segments.count == 2, "2 s at 1 s segments: \(before.segments)")
        for (name, bytes) in zip(before.segments, before.segmentBytes) {
            let stored = try fixture.onDisk(before.video, name)
            #expect(bytes == stored, "v1 \(name)")
        }
        let unversioned = try await fetch(port, "/vod/clip/\(before.video)/seg-1.m4s")
        #expect(unversioned.body == before.segmentBytes[0], "version 1 still answers at the unversioned URL")

        // The master playlist is fetched over and over while the replace runs, so the origin's index and
        // caches hold version 1, checked less than a second ago, when the ingest returns. Every answer is
        // one whole version; the first one after the ingest returned is version 2 (no revalidation period
        // in which the old manifest could still be served).
        let finished = Flag()
        let seen = try await withThrowingTaskGroup(of: Set<String>.self) { group in
            group.addTask {
                defer { finished.value.store(true, ordering: .sequentiallyConsistent) }
                try await fixture.ingest(fixture.replacement, replace: true)
                return []
            }
            group.addTask {
                var versions = Set<String>()
                while !finished.value.load(ordering: .sequentiallyConsistent) {
                    let master = try await fetch(port, "/vod/clip/master.m3u8")
                    let named = Set(master.text.matches(of: /(v\d+)\//).map { String($0.1) })
                    #expect(master.status == 200 && named.count == 1, "during the replace: \(master.status) \(master.text)")
                    versions.formUnion(named)
                }
                return versions
            }
            return try await group.reduce(into: Set<String>()) { $0.formUnion($1) }
        }
        #expect(seen.contains("v1"), "the master playlist was fetched while version 1 was current: \(seen)")
        for manifest in ["master.m3u8", "manifest.mpd"] {
            let first = try await fetch(port, "/vod/clip/\(manifest)")
            #expect(first.status == 200 && first.text.contains("v2/") && !first.text.contains("v1/"),
                    "\(manifest) right after the replace: \(first.text)")
        }
        let after = try await Snapshot.take(port, version: 2)
        let summary = try await fetch(port, "/api/v1/assets/clip", headers: Self.auth)
        #expect(summary.text.contains("\"version\":2"), "\(summary.text)")
        #expect(after.video == before.video)
        #expect(after.segments.count == 3, "3 s at 1 s segments: \(after.segments)")
        for (name, bytes) in zip(after.segments, after.segmentBytes) {
            let stored = try fixture.onDisk(after.video, name)
            #expect(bytes == stored, "v2 \(name)")
        }
        #expect(after.segmentBytes[0] != before.segmentBytes[0])
        #expect(after.masterETag != before.masterETag)
        #expect(after.mpdETag != before.mpdETag)
        #expect(after.segmentETag != before.segmentETag)

        // Every URL of version 1 is gone, the unversioned ones too (the asset is no longer version 1).
        for gone in ["/vod/clip/v1/\(before.video).m3u8", "/vod/clip/v1/\(before.video)/seg-1.m4s",
                     "/vod/clip/v1/\(before.video)/init.mp4", "/vod/clip/v1/\(before.audio)/seg-1.m4s",
                     "/vod/clip/\(before.video).m3u8", "/vod/clip/\(before.video)/seg-1.m4s",
                     "/vod/clip/v3/\(before.video)/seg-1.m4s"] {
            let response = try await fetch(port, gone)
            #expect(response.status == 404, "\(gone) -> \(response.status)")
        }

        try await validateMPD(after.mpd)
        // ffmpeg reads both manifests over HTTP and decodes all of version 2 (3 s at 25 fps).
        for manifest in ["master.m3u8", "manifest.mpd"] {
            let url = "http://127.0.0.1:\(port)/vod/clip/\(manifest)"
            let frames = try await offPool { () -> Int in
                let probe = try ffprobeJSON(url, extra: ["-count_frames", "-select_streams", "v:0"])
                let stream = (probe["streams"] as? [[String: Any]])?.first
                return Int(stream?["nb_read_frames"] as? String ?? "") ?? 0
            }
            #expect((73...77).contains(frames), "\(manifest): decoded \(frames) frames, expected about 75")
            let decode = try await runAsync("ffmpeg", ["-v", "error", "-i", url, "-f", "null", "-"])
            #expect(decode.status == 0 && decode.stderr.isEmpty, "\(manifest): \(decode.stderr)")
        }

        // Deleted through the API and uploaded again under the same id: version 3, not 1 again (a CDN may
        // still hold the first asset's v1 URLs).
        #expect(try await fetch(port, "/api/v1/assets/clip", method: .DELETE, headers: Self.auth).status == 204)
        #expect(try await fetch(port, "/vod/clip/master.m3u8").status == 404)
        let sample = Array(try Data(contentsOf: TestMedia.committed.appendingPathComponent("sample.mp4")))
        let upload = try await fetch(port, "/api/v1/assets?id=clip", method: .POST, headers: Self.auth, body: sample)
        #expect(upload.status == 202, "\(upload.text)")
        let job = try #require(upload.header("Location"))
        var state = ""
        _ = try await eventually(timeout: .seconds(60), poll: .milliseconds(250)) {
            state = (try await fetch(port, job, headers: Self.auth)).text.firstMatch(of: /"state":"(\w+)"/).map { String($0.1) } ?? ""
            return state == "succeeded" || state == "failed"
        }
        #expect(state == "succeeded")
        let third = try await Snapshot.take(port, version: 3)
        for (name, bytes) in zip(third.segments, third.segmentBytes) {
            let stored = try fixture.onDisk(third.video, name)
            #expect(bytes == stored, "v3 \(name)")
        }
        for gone in ["/vod/clip/v1/\(third.video)/seg-1.m4s", "/vod/clip/v2/\(third.video)/seg-1.m4s", "/vod/clip/\(third.video)/seg-1.m4s"] {
            #expect(try await fetch(port, gone).status == 404, "\(gone)")
        }
    }
}

/// Set when the replacing ingest has returned.
final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}

/// What one version of `clip` looks like through the origin: its manifests (checked to name `v<n>/`), the
/// video rendition's segment names and bytes, and validators.
struct Snapshot {
    var video: String
    var audio: String
    var segments: [String]
    var segmentBytes: [[UInt8]]
    var mpd: String
    var masterETag: String
    var mpdETag: String
    var segmentETag: String

    static func take(_ port: Int, version: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Snapshot {
        let folder = "v\(version)/"
        let master = try await fetch(port, "/vod/clip/master.m3u8")
        #expect(master.status == 200, sourceLocation: sourceLocation)
        let variants = master.text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(variants.count == 1 && variants.allSatisfy { $0.hasPrefix(folder) }, "\(master.text)", sourceLocation: sourceLocation)
        let video = String(try #require(variants.first).dropFirst(folder.count).dropLast(".m3u8".count))
        let audioURI = try #require(master.text.firstMatch(of: /URI="v\d+\/([^"]+)\.m3u8"/), "\(master.text)")
        #expect(master.text.contains("URI=\"\(folder)"), sourceLocation: sourceLocation)

        let media = try await fetch(port, "/vod/clip/\(folder)\(video).m3u8")
        #expect(media.status == 200, sourceLocation: sourceLocation)
        let segments = media.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0) }
        #expect(segments.allSatisfy { $0.hasPrefix(video + "/seg-") }, sourceLocation: sourceLocation)
        var bytes: [[UInt8]] = []
        var segmentETag = ""
        for uri in segments {
            let response = try await fetch(port, "/vod/clip/\(folder)\(uri)")
            #expect(response.status == 200, "\(folder)\(uri)", sourceLocation: sourceLocation)
            #expect(response.header("Cache-Control") == "public, max-age=31536000, immutable", sourceLocation: sourceLocation)
            if segmentETag.isEmpty { segmentETag = response.header("ETag") ?? "" }
            bytes.append(response.body)
        }
        let mpd = try await fetch(port, "/vod/clip/manifest.mpd")
        #expect(mpd.text.contains("media=\"\(folder)\(video)/seg-$Number$.m4s\""), sourceLocation: sourceLocation)
        #expect(!mpd.text.contains("media=\"\(video)/"), sourceLocation: sourceLocation)
        return Snapshot(video: video, audio: String(audioURI.1), segments: segments.map { String($0.dropFirst(video.count + 1)) },
                        segmentBytes: bytes, mpd: mpd.text, masterETag: master.header("ETag") ?? "",
                        mpdETag: mpd.header("ETag") ?? "-", segmentETag: segmentETag)
    }
}
