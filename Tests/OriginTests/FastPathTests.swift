import Access
import Foundation
import MediaCore
import NIOHTTP1
@testable import Origin
import Storage
import Synchronization
import Testing

/// The event-loop fast path (`MediaFastPath`) must give exactly the answer the Hummingbird routes give.
/// Two real servers over the same files, one with the fast path and one without, get the same requests;
/// status, body and every header (but Date) must match, and the fast path must really have answered.
@Suite("Fast path", .serialized)
struct FastPathTests {
    static let video = patternBytes(count: 150_000, seed: 11)
    static let audio = patternBytes(count: 20_000, seed: 12)
    static let initBytes = patternBytes(count: 900, seed: 13)

    static func dataDirectory() throws -> TempDataDirectory {
        let data = try TempDataDirectory()
        try data.write("vod", "film", "v360", "init.mp4", bytes: initBytes)
        try data.write("vod", "film", "v360", "seg-1.m4s", bytes: video)
        try data.write("vod", "film", "audio", "init.mp4", bytes: initBytes)
        try data.write("vod", "film", "audio", "seg-1.m4s", bytes: audio)
        try data.stamp("film", "1")
        return data
    }

    static let index = StaticIndex(vod: [SafeName("film")!: MediaListing(
        renditions: [sampleRendition("v360", kind: .video, segments: 1), sampleRendition("audio", kind: .audio, segments: 1)],
        version: "1-0", assetVersion: 1)])

    static let withoutFastPath: OriginConfiguration = {
        var configuration = OriginConfiguration(port: 0)
        configuration.useFastPath = false
        return configuration
    }()

    /// One request as both servers get it.
    struct Probe: CustomStringConvertible {
        var method: HTTPMethod = .GET
        var path: String
        var headers: [(String, String)] = []
        var description: String { "\(method) \(path) \(headers.map { "\($0.0): \($0.1)" }.joined(separator: "; "))" }
    }

    static func probes(etag: String, gzipETag: String, segmentETag: String, lastModified: String, prefix: String = "") -> [Probe] {
        let cors = [("Origin", "https://player.example")]
        return [
            Probe(path: "/vod/film/master.m3u8"),
            Probe(path: "/vod/film/master.m3u8", headers: [("Accept-Encoding", "gzip, deflate")]),
            Probe(path: "/vod/film/master.m3u8", headers: [("If-None-Match", etag)]),
            Probe(path: "/vod/film/master.m3u8", headers: [("Accept-Encoding", "gzip"), ("If-None-Match", gzipETag)]),
            Probe(method: .HEAD, path: "/vod/film/master.m3u8"),
            Probe(path: "/vod/film/master.m3u8", headers: cors),
            Probe(path: "/vod/film/manifest.mpd"),
            Probe(path: "/vod/film/manifest.mpd?max_height=360"),
            Probe(path: "/vod/film/v1/v360.m3u8"),
            Probe(path: "/vod/film/v360.m3u8"),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s"),
            Probe(path: "/vod/film/v360/seg-1.m4s"),
            Probe(path: "/vod/film/v1/v360/init.mp4"),
            Probe(path: "/vod/film/v1/audio/seg-1.m4s", headers: cors),
            Probe(method: .HEAD, path: "/vod/film/v1/v360/seg-1.m4s"),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s", headers: [("Range", "bytes=100-1099")]),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s", headers: [("Range", "bytes=-500")]),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s", headers: [("Range", "bytes=100-199"), ("If-Range", segmentETag)]),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s", headers: [("Range", "bytes=100-199"), ("If-Range", "\"other\"")]),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s", headers: [("If-None-Match", segmentETag)]),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s", headers: [("If-Modified-Since", lastModified)]),
            Probe(path: "/vod/film/v1/v360/seg-1.m4s?CMCD=ot%3Dv%2Csid%3D%22abc%22"),
            // Not the fast path's: both must still agree (Hummingbird answers both).
            Probe(path: "/vod/film/v1/v360/seg-1.m4s", headers: [("Range", "bytes=999999-")]),
            Probe(path: "/vod/film/v2/v360/seg-1.m4s"),
            Probe(path: "/vod/film/v1/v999/seg-1.m4s"),
        ].map { probe in
            var probe = probe
            probe.path = prefix.isEmpty ? probe.path : probe.path + (probe.path.contains("?") ? "&" : "?") + prefix
            return probe
        }
    }

    /// Sends `probe` to both servers (with the same request id) and checks the answers are the same.
    static func compare(_ probe: Probe, fast: Int, router: Int) async throws -> ClientResponse {
        let headers = probe.headers + [("X-Request-Id", "fastpath-compare-0001")]
        let a = try await fetch(fast, probe.path, method: probe.method, headers: headers)
        let b = try await fetch(router, probe.path, method: probe.method, headers: headers)
        #expect(a.status == b.status, "\(probe): status \(a.status) vs \(b.status)")
        #expect(a.body == b.body, "\(probe): bodies differ (\(a.body.count) vs \(b.body.count) bytes)")
        #expect(a.header("Date") != nil && b.header("Date") != nil, "\(probe): no Date")
        let fields = { (response: ClientResponse) in
            response.headers.filter { $0.name.lowercased() != "date" }.map { "\($0.name.lowercased()): \($0.value)" }.sorted()
        }
        #expect(fields(a) == fields(b), "\(probe): headers differ\n fast:   \(fields(a))\n router: \(fields(b))")
        return a
    }

    @Test("every public VOD answer is the same header by header, and the fast path answers the cached ones")
    func publicAnswersMatch() async throws {
        let data = try Self.dataDirectory()
        defer { data.remove() }
        let off = Self.withoutFastPath
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: Self.index,
                             renderer: ListingText()) { fast, server in
            try await withOrigin(configuration: off, dataDirectory: data.url, index: Self.index, renderer: ListingText()) { router, other in
                #expect(other.fastPath == nil)
                let fastPath = try #require(server.fastPath)
                // The first requests fill the caches (through Hummingbird on both servers).
                let master = try await fetch(fast, "/vod/film/master.m3u8")
                let gzip = try await fetch(fast, "/vod/film/master.m3u8", headers: [("Accept-Encoding", "gzip")])
                let segment = try await fetch(fast, "/vod/film/v1/v360/seg-1.m4s")
                let probes = Self.probes(etag: try #require(master.header("ETag")), gzipETag: try #require(gzip.header("ETag")),
                                         segmentETag: try #require(segment.header("ETag")),
                                         lastModified: try #require(segment.header("Last-Modified")))
                for probe in probes { _ = try await Self.compare(probe, fast: fast, router: router) }
                // Second round: every cache is warm now on both servers.
                let before = fastPath.answered.load(ordering: .relaxed)
                for probe in probes { _ = try await Self.compare(probe, fast: fast, router: router) }
                let answered = fastPath.answered.load(ordering: .relaxed) - before
                // All but the three Hummingbird must answer (416, another version, an unknown rendition).
                #expect(answered == probes.count - 3, "fast path answered \(answered) of \(probes.count)")
                // Third round: the four plain segment GETs (versioned, unversioned, init, CORS) were kept by
                // the fast path's own answers, and are answered from kept heads, still the same answers.
                let keptBefore = fastPath.segmentsFromCache.load(ordering: .relaxed)
                for probe in probes { _ = try await Self.compare(probe, fast: fast, router: router) }
                #expect(fastPath.segmentsFromCache.load(ordering: .relaxed) - keptBefore == 4)
                let segmentBytes = try await fetch(fast, "/vod/film/v1/v360/seg-1.m4s")
                #expect(segmentBytes.body == Self.video)
            }
        }
    }

    @Test("signed URLs: the same 200s, private caching, token in every URI and 403s, with and without the fast path")
    func signedAnswersMatch() async throws {
        let data = try Self.dataDirectory()
        defer { data.remove() }
        let signer = URLSigner(key: "fast-path-signing-key-0123456789")
        let settings = AccessSettings(defaultPolicy: .signed, signer: signer)
        // Rules remembered for the whole test, so a slow machine cannot send the second round to Hummingbird.
        let fastGate = AccessGate(settings: settings, rules: UnsetRules(), index: Self.index, cacheSeconds: 600)
        let routerGate = AccessGate(settings: settings, rules: UnsetRules(), index: Self.index, cacheSeconds: 600)
        let token = signer.query(for: SignedURLClaims(scope: AccessScope(tree: .vod, owner: SafeName("film")!),
                                                      expires: Int(Date().timeIntervalSince1970) + 3600))
        let off = Self.withoutFastPath
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: Self.index,
                             renderer: ListingText(), access: fastGate) { fast, server in
            try await withOrigin(configuration: off, dataDirectory: data.url, index: Self.index, renderer: ListingText(),
                                 access: routerGate) { router, _ in
                let fastPath = try #require(server.fastPath)
                let master = try await fetch(fast, "/vod/film/master.m3u8?" + token)
                #expect(master.status == 200)
                #expect(master.text.contains(token), "the token is written into the manifest's URIs")
                #expect(master.header("Cache-Control")?.hasPrefix("private") == true)
                let segment = try await fetch(fast, "/vod/film/v1/v360/seg-1.m4s?" + token)
                let probes = Self.probes(etag: try #require(master.header("ETag")), gzipETag: "\"none\"",
                                         segmentETag: try #require(segment.header("ETag")),
                                         lastModified: try #require(segment.header("Last-Modified")), prefix: token)
                for probe in probes { _ = try await Self.compare(probe, fast: fast, router: router) }
                var passedOn: [String] = []
                for probe in probes {
                    let before = fastPath.answered.load(ordering: .relaxed)
                    _ = try await Self.compare(probe, fast: fast, router: router)
                    if fastPath.answered.load(ordering: .relaxed) == before { passedOn.append(probe.path) }
                }
                // Only the three Hummingbird must answer (416, another version, an unknown rendition).
                #expect(passedOn.count == 3, "passed to Hummingbird: \(passedOn)")
                // Kept segment heads are used under the signed query too (the decision is made per request).
                let keptBefore = fastPath.segmentsFromCache.load(ordering: .relaxed)
                for probe in probes { _ = try await Self.compare(probe, fast: fast, router: router) }
                #expect(fastPath.segmentsFromCache.load(ordering: .relaxed) - keptBefore == 4)
                // Refusals are Hummingbird's (logged, counted): the same 403 from both, none from the fast path.
                let refusedBefore = fastPath.answered.load(ordering: .relaxed)
                for path in ["/vod/film/master.m3u8", "/vod/film/v1/v360/seg-1.m4s", "/vod/film/v360/seg-1.m4s", "/vod/film/v1/v360/seg-1.m4s?" + token + "x"] {
                    let refused = try await Self.compare(Probe(path: path), fast: fast, router: router)
                    #expect(refused.status == 403, "\(path)")
                }
                #expect(fastPath.answered.load(ordering: .relaxed) == refusedBefore)
            }
        }
    }
}

extension FastPathTests {
    /// A kept segment head is used only with the file it describes, under the version the URL names: after
    /// the asset folder is replaced (another folder renamed into place, version 2, other bytes), version 1's
    /// URLs answer 404 and version 2's answer its own bytes, length and ETag, first made anew, then kept.
    /// Renames a new `vod/film` into place (version `version`, `v360/seg-1.m4s` = `segment`), the old one aside.
    static func swapIn(_ data: TempDataDirectory, version: String, segment: [UInt8], name: String) throws {
        let staged = data.url.appendingPathComponent("staging/film-\(name)")
        let folder = staged.appendingPathComponent("v360")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(segment).write(to: folder.appendingPathComponent("seg-1.m4s"))
        try Data(initBytes).write(to: folder.appendingPathComponent("init.mp4"))
        try Data(version.utf8).write(to: staged.appendingPathComponent(DataDirectory.versionFileName))
        let live = data.url.appendingPathComponent("vod/film")
        try FileManager.default.moveItem(at: live, to: data.url.appendingPathComponent("staging/film-before-\(name)"))
        try FileManager.default.moveItem(at: staged, to: live)
    }

    @Test("a kept segment head follows a replace of the asset")
    func keptSegmentHeadsFollowAReplace() async throws {
        let data = try Self.dataDirectory()
        defer { data.remove() }
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: Self.index,
                             renderer: ListingText()) { port, server in
            let fastPath = try #require(server.fastPath)
            // The first GET fills the caches (Hummingbird), the second is the fast path's and kept, the third uses it.
            let first = try await fetch(port, "/vod/film/v1/v360/seg-1.m4s")
            _ = try await fetch(port, "/vod/film/v1/v360/seg-1.m4s")
            let kept = fastPath.segmentsFromCache.load(ordering: .relaxed)
            let again = try await fetch(port, "/vod/film/v1/v360/seg-1.m4s")
            #expect(fastPath.segmentsFromCache.load(ordering: .relaxed) == kept + 1, "the third GET used the kept head")
            #expect(again.body == Self.video && again.header("ETag") == first.header("ETag"))

            // Another folder renamed into place under the same version number (an operator's hand copy): the
            // URL and the stamp are the same, the file is not, so the kept head is not used with it.
            let sameVersion = patternBytes(count: 80_000, seed: 22)
            try Self.swapIn(data, version: "1", segment: sameVersion, name: "same")
            let swapped = try await fetch(port, "/vod/film/v1/v360/seg-1.m4s")
            #expect(swapped.status == 200 && swapped.body == sameVersion && swapped.header("Content-Length") == "80000")
            #expect(swapped.header("ETag") != first.header("ETag"))

            let replacement = patternBytes(count: 90_000, seed: 21)
            try Self.swapIn(data, version: "2", segment: replacement, name: "two")

            #expect(try await fetch(port, "/vod/film/v1/v360/seg-1.m4s").status == 404)
            #expect(try await fetch(port, "/vod/film/v360/seg-1.m4s").status == 404, "unversioned is version 1")
            let keptBefore = fastPath.segmentsFromCache.load(ordering: .relaxed)
            for _ in 0..<3 {
                let replaced = try await fetch(port, "/vod/film/v2/v360/seg-1.m4s")
                #expect(replaced.status == 200 && replaced.body == replacement)
                #expect(replaced.header("Content-Length") == "90000")
                #expect(replaced.header("ETag") != first.header("ETag"))
            }
            #expect(fastPath.segmentsFromCache.load(ordering: .relaxed) > keptBefore, "version 2's head was kept and used")
        }
    }
}

/// Every item at the configured default policy.
struct UnsetRules: AccessRulesSource {
    func rules(for scope: AccessScope) async throws -> ItemAccess { .unset }
}
