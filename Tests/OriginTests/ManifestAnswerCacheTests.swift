import Access
import Foundation
import MediaCore
import NIOHTTP1
@testable import Origin
import Storage
import Synchronization
import Testing

/// The front's whole-answer cache of VOD manifests (`ManifestAnswerCache`): its answers must be
/// Hummingbird's header by header and byte for byte (public and signed, 200, 304, HEAD, gzip, CORS), a
/// new listing version must never be answered from an old entry, access must still be decided on every
/// request (an expired or wrongly bound token on a cached target gets Hummingbird's 403), and a flood of
/// distinct targets must leave it within its bounds.
@Suite("Manifest answer cache", .serialized)
struct ManifestAnswerCacheTests {
    /// The manifest probes of `FastPathTests` (the ones the cache may answer).
    static func manifestProbes(_ probes: [FastPathTests.Probe]) -> [FastPathTests.Probe] {
        probes.filter { probe in
            let path = probe.path.split(separator: "?").first.map(String.init) ?? probe.path
            return path.hasSuffix(".m3u8") || path.hasSuffix(".mpd")
        }
    }

    /// Runs the probes until every manifest one is answered from the cache, comparing each answer with
    /// the router's; fails if a round passes without the cache answering them all.
    static func compareUntilCached(_ probes: [FastPathTests.Probe], fastPath: MediaFastPath, fast: Int, router: Int) async throws {
        let manifests = manifestProbes(probes)
        #expect(manifests.count == 10)
        var cachedAll = false
        for _ in 0..<3 where !cachedAll {
            let before = fastPath.answeredFromCache.load(ordering: .relaxed)
            for probe in probes { _ = try await FastPathTests.compare(probe, fast: fast, router: router) }
            cachedAll = fastPath.answeredFromCache.load(ordering: .relaxed) - before == manifests.count
        }
        #expect(cachedAll, "the cache did not answer every manifest probe within three rounds")
    }

    @Test("public: cached answers equal Hummingbird's (200, 304, HEAD, gzip, CORS, queries)")
    func publicAnswersMatch() async throws {
        let data = try FastPathTests.dataDirectory()
        defer { data.remove() }
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: FastPathTests.index,
                             renderer: ListingText()) { fast, server in
            try await withOrigin(configuration: FastPathTests.withoutFastPath, dataDirectory: data.url, index: FastPathTests.index,
                                 renderer: ListingText()) { router, _ in
                let fastPath = try #require(server.fastPath)
                let master = try await fetch(fast, "/vod/film/master.m3u8")
                let gzip = try await fetch(fast, "/vod/film/master.m3u8", headers: [("Accept-Encoding", "gzip")])
                let segment = try await fetch(fast, "/vod/film/v1/v360/seg-1.m4s")
                let probes = FastPathTests.probes(
                    etag: try #require(master.header("ETag")), gzipETag: try #require(gzip.header("ETag")),
                    segmentETag: try #require(segment.header("ETag")), lastModified: try #require(segment.header("Last-Modified")))
                try await Self.compareUntilCached(probes, fastPath: fastPath, fast: fast, router: router)
                // A cache buster is answered (by the fast path) and never kept.
                let held = fastPath.answers.usage.entries
                for n in 0..<5 {
                    let busted = try await FastPathTests.compare(.init(path: "/vod/film/master.m3u8?bust=\(n)"), fast: fast, router: router)
                    #expect(busted.status == 200)
                }
                #expect(fastPath.answers.usage.entries == held)
            }
        }
    }

    @Test("signed: cached answers equal Hummingbird's, and access is decided on every request")
    func signedAnswersMatchAndAreChecked() async throws {
        let data = try FastPathTests.dataDirectory()
        defer { data.remove() }
        let signer = URLSigner(key: "answer-cache-signing-key-0123456789")
        let settings = AccessSettings(defaultPolicy: .signed, signer: signer, clientIPHeader: "X-Viewer-Address")
        let fastGate = AccessGate(settings: settings, rules: UnsetRules(), index: FastPathTests.index, cacheSeconds: 600)
        let routerGate = AccessGate(settings: settings, rules: UnsetRules(), index: FastPathTests.index, cacheSeconds: 600)
        let scope = AccessScope(tree: .vod, owner: SafeName("film")!)
        let now = Int(Date().timeIntervalSince1970)
        let token = signer.query(for: SignedURLClaims(scope: scope, expires: now + 3600))
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: FastPathTests.index,
                             renderer: ListingText(), access: fastGate) { fast, server in
            try await withOrigin(configuration: FastPathTests.withoutFastPath, dataDirectory: data.url, index: FastPathTests.index,
                                 renderer: ListingText(), access: routerGate) { router, _ in
                let fastPath = try #require(server.fastPath)
                let master = try await fetch(fast, "/vod/film/master.m3u8?" + token)
                #expect(master.text.contains(token))
                let segment = try await fetch(fast, "/vod/film/v1/v360/seg-1.m4s?" + token)
                let probes = FastPathTests.probes(
                    etag: try #require(master.header("ETag")), gzipETag: "\"none\"", segmentETag: try #require(segment.header("ETag")),
                    lastModified: try #require(segment.header("Last-Modified")), prefix: token)
                try await Self.compareUntilCached(probes, fastPath: fastPath, fast: fast, router: router)

                // Bound to 127.0.0.1: cached for the loopback viewer, refused (by Hummingbird, 403) for another
                // address named by the configured viewer header on the very same target.
                let bound = "/vod/film/master.m3u8?" + signer.query(for: SignedURLClaims(scope: scope, expires: now + 3600,
                                                                                          network: IPNetwork("127.0.0.1/32")))
                for _ in 0..<3 { #expect(try await fetch(fast, bound).status == 200) }
                let hitsBefore = fastPath.answeredFromCache.load(ordering: .relaxed)
                #expect(try await fetch(fast, bound).status == 200)
                #expect(fastPath.answeredFromCache.load(ordering: .relaxed) == hitsBefore + 1, "the bound target is cached")
                let elsewhere = try await FastPathTests.compare(.init(path: bound, headers: [("X-Viewer-Address", "10.1.2.3")]),
                                                                 fast: fast, router: router)
                #expect(elsewhere.status == 403)
                #expect(elsewhere.header("Cache-Control") == "no-store")
                #expect(fastPath.answeredFromCache.load(ordering: .relaxed) == hitsBefore + 1)

                // A tampered signature on a cached target's twin: 403.
                let tampered = bound.replacingOccurrences(of: "sig=", with: "sig=A")
                #expect(try await FastPathTests.compare(.init(path: tampered), fast: fast, router: router).status == 403)

                // Expiring in a few seconds: answered from the cache while valid, 403 once expired. The cache
                // check counts only while the token is still valid (a loaded machine may pass its expiry early).
                let expiring = "/vod/film/manifest.mpd?" + signer.query(for: SignedURLClaims(
                    scope: scope, expires: Int(Date().timeIntervalSince1970) + 4))
                let warmHits = fastPath.answeredFromCache.load(ordering: .relaxed)
                var warm: [Int] = []
                for _ in 0..<3 { warm.append(try await fetch(fast, expiring).status) }
                if warm == [200, 200, 200] {
                    #expect(fastPath.answeredFromCache.load(ordering: .relaxed) > warmHits, "the expiring target was cached")
                }
                let deadline = ContinuousClock.now + .seconds(15)
                var last = 200
                while ContinuousClock.now < deadline {
                    last = try await fetch(fast, expiring).status
                    if last != 200 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(last == 403)
                let expired = try await FastPathTests.compare(.init(path: expiring), fast: fast, router: router)
                #expect(expired.status == 403)
                #expect(expired.text.contains("expired"))
            }
        }
    }

    @Test("a new listing version is never answered from an entry of the old one")
    func newVersionIsNotStale() async throws {
        let data = try FastPathTests.dataDirectory()
        defer { data.remove() }
        let index = SwappableIndex(FastPathTests.index.vod)
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: index,
                             renderer: ListingText()) { fast, server in
            let fastPath = try #require(server.fastPath)
            var first: ClientResponse?
            for _ in 0..<3 { first = try await fetch(fast, "/vod/film/master.m3u8") }
            let hits = fastPath.answeredFromCache.load(ordering: .relaxed)
            #expect(hits > 0)
            index.replace(SafeName("film")!, with: MediaListing(
                renditions: [sampleRendition("v720", kind: .video, segments: 2), sampleRendition("audio", kind: .audio, segments: 2)],
                version: "1-1", assetVersion: 1))
            let after = try await fetch(fast, "/vod/film/master.m3u8")
            #expect(after.status == 200)
            #expect(after.text.contains("v720 2"), "the new listing's text")
            #expect(!after.text.contains("v360"))
            #expect(after.header("ETag") != first?.header("ETag"))
            #expect(fastPath.answeredFromCache.load(ordering: .relaxed) == hits)
        }
    }

    @Test("a flood of distinct query strings leaves the cache within its bounds")
    func floodIsBounded() async throws {
        let data = try FastPathTests.dataDirectory()
        defer { data.remove() }
        var configuration = OriginConfiguration(port: 0)
        configuration.manifestAnswerCacheEntries = 16
        configuration.manifestAnswerCacheBytes = 1 << 20
        try await withOrigin(configuration: configuration, dataDirectory: data.url, index: FastPathTests.index,
                             renderer: ListingText()) { fast, server in
            let fastPath = try #require(server.fastPath)
            for height in 100..<300 {
                for _ in 0..<2 { #expect(try await fetch(fast, "/vod/film/manifest.mpd?max_height=\(height)").status == 200) }
                let usage = fastPath.answers.usage
                #expect(usage.entries <= 16 && usage.bytes <= 1 << 20, "after \(height): \(usage)")
            }
            #expect(fastPath.answers.usage.entries == 16, "the cache was in use")
            // Still answering from the cache after the flood.
            let hits = fastPath.answeredFromCache.load(ordering: .relaxed)
            for _ in 0..<3 { _ = try await fetch(fast, "/vod/film/master.m3u8") }
            #expect(fastPath.answeredFromCache.load(ordering: .relaxed) > hits)
        }
    }
}

/// A VOD index whose listings a test can replace (a publish or replace in another process).
final class SwappableIndex: CachedMediaIndex {
    private let vod: Mutex<[SafeName: MediaListing]>

    init(_ vod: [SafeName: MediaListing]) { self.vod = Mutex(vod) }

    func replace(_ owner: SafeName, with listing: MediaListing) { vod.withLock { $0[owner] = listing } }

    func listing(tree: MediaTree, owner: SafeName) async throws -> MediaListing? {
        tree == .vod ? vod.withLock { $0[owner] } : nil
    }

    func cachedListing(tree: MediaTree, owner: SafeName) -> MediaListing? {
        tree == .vod ? vod.withLock { $0[owner] } : nil
    }
}
