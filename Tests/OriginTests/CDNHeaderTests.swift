import AsyncHTTPClient
import CompressNIO
import Foundation
import MediaCore
import NIOCore
import Testing
@testable import Origin
import Storage

/// Every header rule of the CDN contract, against a real server on an ephemeral port.
@Suite struct CDNHeaderTests {
    static let segmentSize = 600_000  // more than two read chunks

    func withFixture(cors: String = "*", sendfile: Bool = true, _ body: @Sendable (Int, [UInt8]) async throws -> Void) async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        let bytes = try data.write("vod", "clip1", "video-360p", "seg-1.m4s", bytes: patternBytes(count: Self.segmentSize))
        try data.write("vod", "clip1", "video-360p", "init.mp4", bytes: patternBytes(count: 800, seed: 7))
        try data.write("vod", "clip1", "audio-aac", "seg-1.m4s", bytes: patternBytes(count: 5000, seed: 9))
        try data.write("live", "cam1", "video-360p", "seg-40.m4s", bytes: patternBytes(count: 2000, seed: 3))
        let index = StaticIndex(
            vod: [SafeName("clip1")!: MediaListing(renditions: [sampleRendition("video-360p", kind: .video), sampleRendition("audio-aac", kind: .audio)])],
            live: [SafeName("cam1")!: MediaListing(renditions: [sampleRendition("video-360p", kind: .video)], targetDurationSeconds: 4)])
        let configuration = OriginConfiguration(port: 0, corsAllowOrigin: cors, useSendfile: sendfile)
        try await withOrigin(configuration: configuration, dataDirectory: data.url, index: index, renderer: ListingText()) { port, _ in
            try await body(port, bytes)
        }
    }

    @Test func segmentsAreImmutableStrongValidatedAndStreamedWhole() async throws {
        try await withFixture { port, bytes in
            let response = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s")
            #expect(response.status == 200)
            #expect(response.body == bytes)
            #expect(response.header("Content-Type") == "video/iso.segment")
            #expect(response.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(response.header("Accept-Ranges") == "bytes")
            #expect(response.header("Content-Length") == String(bytes.count))
            let etag = try #require(response.header("ETag"))
            #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))
            let lastModified = try #require(response.header("Last-Modified"))
            #expect(HTTPDate.parse(lastModified) != nil)

            let initSegment = try await fetch(port, "/vod/clip1/video-360p/init.mp4")
            #expect(initSegment.header("Content-Type") == "video/mp4")
            #expect(initSegment.header("Cache-Control") == "public, max-age=31536000, immutable")
            let audio = try await fetch(port, "/vod/clip1/audio-aac/seg-1.m4s")
            #expect(audio.header("Content-Type") == "audio/mp4")
            #expect(audio.body.count == 5000)
        }
    }

    /// The same bytes with sendfile (FileRegion) and with chunked reads, whole and in ranges, over one
    /// keep-alive connection per mode (so a token left in the pipeline would corrupt the next response).
    @Test(arguments: [true, false]) func bodiesAreExactInBothSendModes(sendfile: Bool) async throws {
        try await withFixture(sendfile: sendfile) { port, bytes in
            for _ in 0..<3 {
                #expect(try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s").body == bytes)
                let part = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", headers: [("Range", "bytes=262000-262200")])
                #expect(part.body == Array(bytes[262000...262200]))
                #expect(try await fetch(port, "/vod/clip1/master.m3u8").status == 200)
            }
        }
    }

    @Test func conditionalRequestsAnswer304() async throws {
        try await withFixture { port, _ in
            let first = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s")
            let etag = try #require(first.header("ETag"))
            let lastModified = try #require(first.header("Last-Modified"))
            let byTag = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", headers: [("If-None-Match", etag)])
            #expect(byTag.status == 304)
            #expect(byTag.body.isEmpty)
            #expect(byTag.header("ETag") == etag)
            #expect(byTag.header("Cache-Control") == "public, max-age=31536000, immutable")
            let byDate = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", headers: [("If-Modified-Since", lastModified)])
            #expect(byDate.status == 304)
            let otherTag = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", headers: [("If-None-Match", "\"other\"")])
            #expect(otherTag.status == 200)
            let older = HTTPDate.format(HTTPDate.parse(lastModified)! - 10)
            let stale = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", headers: [("If-Modified-Since", older)])
            #expect(stale.status == 200)
        }
    }

    @Test func byteRanges() async throws {
        try await withFixture { port, bytes in
            let path = "/vod/clip1/video-360p/seg-1.m4s"
            let head = try await fetch(port, path, headers: [("Range", "bytes=0-99")])
            #expect(head.status == 206)
            #expect(head.body == Array(bytes[0...99]))
            #expect(head.header("Content-Range") == "bytes 0-99/\(bytes.count)")
            #expect(head.header("Content-Length") == "100")
            let middle = try await fetch(port, path, headers: [("Range", "bytes=300000-400000")])
            #expect(middle.body == Array(bytes[300000...400000]))
            let tail = try await fetch(port, path, headers: [("Range", "bytes=-1000")])
            #expect(tail.body == Array(bytes[(bytes.count - 1000)...]))
            #expect(tail.header("Content-Range") == "bytes \(bytes.count - 1000)-\(bytes.count - 1)/\(bytes.count)")
            let open = try await fetch(port, path, headers: [("Range", "bytes=599990-")])
            #expect(open.body == Array(bytes[599990...]))
            let beyond = try await fetch(port, path, headers: [("Range", "bytes=\(bytes.count)-")])
            #expect(beyond.status == 416)
            #expect(beyond.header("Content-Range") == "bytes */\(bytes.count)")
            let etag = try #require(head.header("ETag"))
            let stillSame = try await fetch(port, path, headers: [("Range", "bytes=0-9"), ("If-Range", etag)])
            #expect(stillSame.status == 206)
            let changed = try await fetch(port, path, headers: [("Range", "bytes=0-9"), ("If-Range", "\"old\"")])
            #expect(changed.status == 200)
            #expect(changed.body.count == bytes.count)
        }
    }

    @Test func headMirrorsGetWithoutBody() async throws {
        try await withFixture { port, bytes in
            for path in ["/vod/clip1/video-360p/seg-1.m4s", "/vod/clip1/master.m3u8", "/vod/clip1/manifest.mpd", "/healthz"] {
                let get = try await fetch(port, path)
                let head = try await fetch(port, path, method: .HEAD)
                #expect(head.status == 200, "\(path)")
                #expect(head.body.isEmpty)
                #expect(head.header("Content-Type") == get.header("Content-Type"))
                #expect(head.header("Content-Length") == get.header("Content-Length"))
                #expect(head.header("ETag") == get.header("ETag"))
                #expect(head.header("Cache-Control") == get.header("Cache-Control"))
            }
            let ranged = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", method: .HEAD, headers: [("Range", "bytes=0-9")])
            #expect(ranged.status == 206)
            #expect(ranged.header("Content-Length") == "10")
        }
    }

    @Test func manifestsCacheAndGzip() async throws {
        try await withFixture { port, _ in
            let master = try await fetch(port, "/vod/clip1/master.m3u8")
            #expect(master.status == 200)
            #expect(master.header("Content-Type") == "application/vnd.apple.mpegurl")
            // Entry manifests keep their URL across a replace: one minute, then revalidated by ETag.
            #expect(master.header("Cache-Control") == "public, max-age=60, s-maxage=60")
            #expect(master.header("Vary") == "Accept-Encoding")
            #expect(master.header("Content-Encoding") == nil)
            let mpd = try await fetch(port, "/vod/clip1/manifest.mpd")
            #expect(mpd.header("Content-Type") == "application/dash+xml")
            #expect(mpd.header("Cache-Control") == "public, max-age=60, s-maxage=60")
            let media = try await fetch(port, "/vod/clip1/video-360p.m3u8")
            #expect(media.status == 200)
            // A media playlist under v<n>/ names one version for good: the CDN keeps it.
            let versioned = try await fetch(port, "/vod/clip1/v1/video-360p.m3u8")
            #expect(versioned.header("Cache-Control") == "public, max-age=86400, s-maxage=31536000")
            #expect(try await fetch(port, "/vod/clip1/video-9999p.m3u8").status == 404)
            #expect(try await fetch(port, "/vod/nothere/master.m3u8").status == 404)

            let gzipped = try await fetch(port, "/vod/clip1/master.m3u8", headers: [("Accept-Encoding", "gzip")])
            #expect(gzipped.header("Content-Encoding") == "gzip")
            #expect(gzipped.header("Vary") == "Accept-Encoding")
            #expect(gzipped.body.count < master.body.count)
            var compressed = ByteBuffer(bytes: gzipped.body)
            let inflated = try compressed.decompress(with: .gzip())
            #expect(Array(inflated.readableBytesView) == master.body)
            let plainTag = try #require(master.header("ETag")), gzipTag = try #require(gzipped.header("ETag"))
            #expect(plainTag != gzipTag)
            let revalidated = try await fetch(port, "/vod/clip1/master.m3u8", headers: [("If-None-Match", plainTag)])
            #expect(revalidated.status == 304)
            #expect(try await fetch(port, "/vod/clip1/master.m3u8?max_height=tall").status == 400)
        }
    }

    @Test func liveCaching() async throws {
        try await withFixture { port, _ in
            let manifest = try await fetch(port, "/live/cam1/master.m3u8")
            #expect(manifest.status == 200)
            #expect(manifest.header("Cache-Control") == "public, max-age=2, s-maxage=2")
            let segment = try await fetch(port, "/live/cam1/video-360p/seg-40.m4s")
            #expect(segment.status == 200)
            #expect(segment.header("Cache-Control") == "public, max-age=31536000, immutable")
            let future = try await fetch(port, "/live/cam1/video-360p/seg-41.m4s")
            #expect(future.status == 404)
            #expect(future.header("Cache-Control") == "public, max-age=1")
            let vodMissing = try await fetch(port, "/vod/clip1/video-360p/seg-99.m4s")
            #expect(vodMissing.status == 404)
            #expect(vodMissing.header("Cache-Control") == "no-store")
        }
    }

    @Test func corsSimpleAndPreflight() async throws {
        try await withFixture { port, _ in
            let plain = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", headers: [("Origin", "https://player.example")])
            #expect(plain.header("Access-Control-Allow-Origin") == "*")
            let exposed = plain.header("Access-Control-Expose-Headers") ?? ""
            for name in ["Content-Length", "Content-Range", "ETag"] { #expect(exposed.contains(name)) }
            let preflight = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s", method: .OPTIONS, headers: [
                ("Origin", "https://player.example"), ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Headers", "range")])
            #expect((200...204).contains(preflight.status))
            #expect(preflight.header("Access-Control-Allow-Origin") == "*")
            #expect((preflight.header("Access-Control-Allow-Methods") ?? "").contains("GET"))
            #expect((preflight.header("Access-Control-Allow-Headers") ?? "").lowercased().contains("range"))
        }
        try await withFixture(cors: "https://only.example") { port, _ in
            let response = try await fetch(port, "/vod/clip1/master.m3u8", headers: [("Origin", "https://only.example")])
            #expect(response.header("Access-Control-Allow-Origin") == "https://only.example")
        }
    }
}
