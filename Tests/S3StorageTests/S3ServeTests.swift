import Foundation
import Testing
import TestSupport
@testable import S3

/// `storage.url: s3://...` through the binary: `mediaserve ingest` publishes into a real bucket (moto),
/// `mediaserve serve` with the same configuration serves it (ffprobe decodes HLS and DASH from the
/// origin), `/readyz` reports the bucket, and a stopped store fails the readiness check at once.
@Suite(.serialized) struct S3ServeTests {
    @Test func ingestAndServeFromABucket() async throws {
        let server = try S3TestServer(.moto)
        defer { server.server.stop() }
        let endpoint = try S3Endpoint(endpoint: server.endpoint, region: "us-east-1", bucket: "media", pathStyle: true)
        let client = S3Client(endpoint: endpoint, credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey),
                              retry: RetryPolicy(attempts: 2, baseMilliseconds: 50))
        try await client.createBucket()
        let data = try temporaryDirectory("s3-serve")
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = server.environment.merging([
            "MEDIASERVE_STORAGE_URL": "s3://media/site",
            "MEDIASERVE_STORAGE_S3_ENDPOINT": server.endpoint,
            "MEDIASERVE_STORAGE_S3_PATH_STYLE": "true",
            "MEDIASERVE_STORAGE_CACHE_MAX_BYTES": "50MiB",
        ]) { _, new in new }

        let source = try TestMedia.file("720p5994.mp4")
        let ingest = try run(TestMedia.mediaserveBinary.path, ["ingest", source.path, "--data-dir", data.path, "--id", "clip",
                                                               "--copy", "--json"], environment: environment)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let keys = try await client.list(prefix: "site/vod/clip/").map(\.key)
        #expect(keys.contains("site/vod/clip/current"))
        #expect(keys.contains { $0.hasSuffix("/init.mp4") } && keys.contains { $0.hasSuffix("/seg-1.m4s") })
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("vod/clip").path))

        // A first origin node: it fetches one segment into its own cache, then stops.
        let stored = try await validatorsOfFirstSegment(data: data, environment: environment)
        // The bucket's own ETag and Last-Modified are what the origin sends for its local copy ...
        let objectKey = try #require(keys.first { $0.hasSuffix("/\(stored.rendition)/\(stored.segment)") })
        let object = try #require(try await client.head(key: objectKey))
        #expect(stored.etag == object.etag, "the segment's ETag is the bucket's")
        #expect(object.lastModified != nil && stored.lastModified.flatMap(HTTPDate.parse) == object.lastModified, "and so is its Last-Modified")

        let serve = try ServeProcess(data: data, environment: environment)
        defer { serve.stop() }
        let base = "http://127.0.0.1:\(serve.port)"
        // Cold misses at once, more of them than the machine has cores: each waits on the bucket from a
        // handler, and none may starve the others (they once held every cooperative thread for good).
        let objects = try await mediaObjects(base: base)
        #expect(objects.count >= 6)
        let statuses = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for object in objects {
                group.addTask {
                    let result = try await runAsync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", object])
                    return (object, result.stdout)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        try #require(statuses.values.allSatisfy { $0 == "200" }, "concurrent cold misses: \(statuses)")
        #expect(try await httpStatus("\(base)/healthz") == 200)
        // ... so another node (here the next process, whose cache starts empty and downloads its own copy)
        // answers a CDN's revalidation with 304, and a fresh GET with the same validators.
        let revalidated = try await runAsync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", "-H", "If-None-Match: \(stored.etag)",
                                                      "\(base)\(stored.path)"])
        #expect(revalidated.stdout == "304", "revalidation on another node: \(revalidated.stdout)")
        let again = try await headers("\(base)\(stored.path)")
        #expect(again["etag"] == stored.etag && again["last-modified"] == stored.lastModified)
        #expect(try await httpStatus("\(base)/readyz") == 200)
        for manifest in ["master.m3u8", "manifest.mpd"] {
            let probe = try run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", "\(base)/vod/clip/\(manifest)"])
            #expect(probe.status == 0, "\(manifest): \(probe.stderr)")
            #expect((Int(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first ?? "") ?? 0) > 200,
                    "\(manifest): \(probe.stdout)")
        }

        // One segment fetched (and so cached) while the store is up.
        let master = try run("curl", ["-fsS", "\(base)/vod/clip/master.m3u8"]).stdout
        let playlist = try #require(master.split(separator: "\n").first { !$0.hasPrefix("#") && !$0.isEmpty })
        let folder = playlist.split(separator: "/").dropLast().joined(separator: "/")
        let media = try run("curl", ["-fsS", "\(base)/vod/clip/\(playlist)"]).stdout
        let segment = try #require(media.split(separator: "\n").first { !$0.hasPrefix("#") && $0.contains("seg-") })
        let cached = "\(base)/vod/clip/\(folder.isEmpty ? "" : folder + "/")\(segment)"
        #expect(try await httpStatus(cached) == 200)

        // The store goes away: readiness says so quickly instead of hanging.
        server.server.kill9()
        let started = ContinuousClock.now
        #expect(try await httpStatus("\(base)/readyz") == 503)
        #expect(ContinuousClock.now - started < .seconds(15))
        // A cached segment still plays; one the store must answer for is 503 (not 404, which a CDN would
        // cache), within the reader's bound, and the next one at once while the outage holds.
        #expect(try await httpStatus(cached) == 200)
        let uncached = cached.replacingOccurrences(of: "seg-", with: "seg-9999")
        let first = ContinuousClock.now
        #expect(try await httpStatus(uncached) == 503)
        #expect(ContinuousClock.now - first < .seconds(12))
        let second = ContinuousClock.now
        #expect(try await httpStatus(uncached) == 503)
        #expect(ContinuousClock.now - second < .seconds(1))
    }

    /// Starts an origin on the bucket, fetches the first segment of the first rendition, stops the origin;
    /// returns the segment's path and the validators it was served with.
    func validatorsOfFirstSegment(data: URL, environment: [String: String]) async throws
        -> (path: String, rendition: String, segment: String, etag: String, lastModified: String?) {
        let serve = try ServeProcess(data: data, environment: environment)
        defer { serve.stop() }
        let base = "http://127.0.0.1:\(serve.port)"
        let master = try await runAsync("curl", ["-fsS", "\(base)/vod/clip/master.m3u8"]).stdout
        let playlist = try #require(master.split(separator: "\n").first { !$0.hasPrefix("#") && !$0.isEmpty })
        let media = try await runAsync("curl", ["-fsS", "\(base)/vod/clip/\(playlist)"]).stdout
        let segment = try #require(media.split(separator: "\n").first { !$0.hasPrefix("#") && $0.contains("seg-") })
        let folder = playlist.split(separator: "/").dropLast().joined(separator: "/")
        let path = "/vod/clip/\(folder.isEmpty ? "" : folder + "/")\(segment)"
        let pieces = path.split(separator: "/")
        let fetched = try await headers("\(base)\(path)")
        let etag = try #require(fetched["etag"], "no ETag on \(path)")
        return (path, String(pieces[pieces.count - 2]), String(pieces[pieces.count - 1]), etag, fetched["last-modified"])
    }

    /// Every init and media segment URL of the clip's renditions, from its master and media playlists.
    func mediaObjects(base: String) async throws -> [String] {
        let master = try await runAsync("curl", ["-fsS", "\(base)/vod/clip/master.m3u8"]).stdout
        var objects: [String] = []
        for line in master.split(separator: "\n") where line.contains(".m3u8") {
            guard let playlist = line.hasPrefix("#") ? Self.uri(in: line) : String(line) else { continue }
            let folder = "\(base)/vod/clip/" + playlist.split(separator: "/").dropLast().map { $0 + "/" }.joined()
            let media = try await runAsync("curl", ["-fsS", "\(base)/vod/clip/\(playlist)"]).stdout
            for entry in media.split(separator: "\n") {
                if entry.hasPrefix("#EXT-X-MAP:"), let initSegment = Self.uri(in: entry) { objects.append(folder + initSegment) }
                if !entry.hasPrefix("#") && !entry.isEmpty { objects.append(folder + entry) }
            }
        }
        return Array(Set(objects))
    }

    /// The value of a tag line's URI="..." attribute.
    static func uri(in line: Substring) -> String? {
        guard let start = line.range(of: "URI=\"")?.upperBound, let end = line[start...].firstIndex(of: "\"") else { return nil }
        return String(line[start..<end])
    }

    /// The response headers of a GET (names lowercased), the body discarded.
    func headers(_ url: String) async throws -> [String: String] {
        let result = try await runAsync("curl", ["-fsS", "--max-time", "60", "-D", "-", "-o", "/dev/null", url])
        var headers: [String: String] = [:]
        for line in result.stdout.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    func httpStatus(_ url: String) async throws -> Int {
        let result = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30", url])
        return Int(result.stdout) ?? 0
    }
}
