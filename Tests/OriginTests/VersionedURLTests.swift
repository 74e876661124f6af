import Foundation
import MediaCore
import Testing
@testable import Origin
import Storage

/// The versioned VOD URL rules against a real server on an ephemeral port, with the real packager: which
/// `v<n>` answers (the files' stamp decides, the catalog only for unstamped files), what manifests name,
/// and how each is cached.
@Suite struct VersionedURLTests {
    static let video = SafeName("video-360p")!

    /// `clip1` with one video and one audio rendition on disk, stamped `stamp` (nil: no stamp), while the
    /// index (the catalog) says `catalogVersion`.
    func withClip(stamp: String?, catalogVersion: Int,
                  _ body: @Sendable (Int, _ segment: [UInt8]) async throws -> Void) async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        let bytes = try data.write("vod", "clip1", "video-360p", "seg-1.m4s", bytes: patternBytes(count: 4000))
        try data.write("vod", "clip1", "video-360p", "init.mp4", bytes: patternBytes(count: 700, seed: 5))
        try data.write("vod", "clip1", "audio-aac", "seg-1.m4s", bytes: patternBytes(count: 900, seed: 6))
        if let stamp { try data.stamp("clip1", stamp) }
        let listing = MediaListing(renditions: [sampleRendition("video-360p", kind: .video), sampleRendition("audio-aac", kind: .audio)],
                                   version: "\(catalogVersion)", assetVersion: catalogVersion)
        let index = StaticIndex(vod: [SafeName("clip1")!: listing])
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: index,
                             renderer: PackagingRenderer()) { port, _ in
            try await body(port, bytes)
        }
    }

    /// The moment inside a replace after the new files were renamed into place (stamped 2) and before
    /// the catalog says 2: the old version's URLs must not get the new bytes.
    @Test func theStampNotTheCatalogDecidesWhichVersionTheFilesAre() async throws {
        try await withClip(stamp: "2\n", catalogVersion: 1) { port, bytes in
            let current = try await fetch(port, "/vod/clip1/v2/video-360p/seg-1.m4s")
            #expect(current.status == 200)
            #expect(current.body == bytes)
            #expect(current.header("Content-Type") == "video/iso.segment")
            #expect(current.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(try await fetch(port, "/vod/clip1/v2/video-360p/init.mp4").header("Content-Type") == "video/mp4")
            #expect(try await fetch(port, "/vod/clip1/v2/audio-aac/seg-1.m4s").header("Content-Type") == "audio/mp4")
            for stale in ["/vod/clip1/v1/video-360p/seg-1.m4s", "/vod/clip1/video-360p/seg-1.m4s", "/vod/clip1/v3/video-360p/seg-1.m4s"] {
                let response = try await fetch(port, stale)
                #expect(response.status == 404, "\(stale)")
                #expect(response.header("Cache-Control") == "no-store", "\(stale): a 404 in a replace must not be cached")
                #expect(response.body != bytes)
            }
            // HEAD answers the same way.
            #expect(try await fetch(port, "/vod/clip1/v2/video-360p/seg-1.m4s", method: .HEAD).status == 200)
            #expect(try await fetch(port, "/vod/clip1/v1/video-360p/seg-1.m4s", method: .HEAD).status == 404)
        }
    }

    @Test func onlyCanonicalVersionSegmentsAreVersions() async throws {
        try await withClip(stamp: "12\n", catalogVersion: 12) { port, _ in
            #expect(try await fetch(port, "/vod/clip1/v12/video-360p/seg-1.m4s").status == 200)
            for path in ["/vod/clip1/v012/video-360p/seg-1.m4s", "/vod/clip1/V12/video-360p/seg-1.m4s",
                         "/vod/clip1/12/video-360p/seg-1.m4s", "/vod/clip1/v+12/video-360p/seg-1.m4s",
                         "/vod/clip1/v12x/video-360p/seg-1.m4s", "/vod/clip1/v0/video-360p/seg-1.m4s",
                         "/vod/clip1/v/video-360p/seg-1.m4s", "/vod/clip1/v99999999999999999999/video-360p/seg-1.m4s",
                         "/vod/clip1/v12/video-360p/seg-01.m4s", "/vod/clip1/v12/video-360p/version",
                         "/vod/clip1/version", "/vod/clip1/v12/version", "/vod/clip1/v12/master.m3u8",
                         "/vod/clip1/v12/manifest.mpd", "/vod/clip1/v12/video-360p/x/seg-1.m4s"] {
                let (status, _) = try await rawGet(port, target: path)
                #expect(status == 404, "\(path) -> \(status)")
            }
            let dots = try await rawGet(port, target: "/vod/clip1/v12/../v12/video-360p/seg-1.m4s")
            #expect(dots.status == 400)
        }
    }

    /// Assets published before stamps: the catalog's number is theirs; the unversioned URLs answer only
    /// while that is 1.
    @Test(arguments: [1, 3]) func unstampedFilesFollowTheCatalog(catalogVersion: Int) async throws {
        try await withClip(stamp: nil, catalogVersion: catalogVersion) { port, bytes in
            #expect(try await fetch(port, "/vod/clip1/v\(catalogVersion)/video-360p/seg-1.m4s").body == bytes)
            #expect(try await fetch(port, "/vod/clip1/v\(catalogVersion + 1)/video-360p/seg-1.m4s").status == 404)
            let legacy = try await fetch(port, "/vod/clip1/video-360p/seg-1.m4s")
            #expect(legacy.status == (catalogVersion == 1 ? 200 : 404))
            let legacyPlaylist = try await fetch(port, "/vod/clip1/video-360p.m3u8")
            #expect(legacyPlaylist.status == (catalogVersion == 1 ? 200 : 404))
            if catalogVersion == 1 {
                #expect(legacy.body == bytes)
                // The same text as the versioned playlist: its segment names are relative to it.
                let versioned = try await fetch(port, "/vod/clip1/v1/video-360p.m3u8")
                #expect(legacyPlaylist.text == versioned.text)
                #expect(legacyPlaylist.header("Cache-Control") == "public, max-age=60, s-maxage=60")
            }
        }
    }

    @Test(arguments: ["01\n", "2 \n", "", "two", "0\n"]) func aBadStampServesNoVersion(stamp: String) async throws {
        try await withClip(stamp: stamp, catalogVersion: 1) { port, _ in
            for path in ["/vod/clip1/v1/video-360p/seg-1.m4s", "/vod/clip1/video-360p/seg-1.m4s", "/vod/clip1/v2/video-360p/seg-1.m4s"] {
                let status = try await fetch(port, path).status
                #expect(status == 404, "\(stamp.debugDescription): \(path)")
            }
        }
    }

    /// Manifests name the catalog's version; every URL they name, resolved against the manifest's own
    /// URL, is served.
    @Test func manifestsNameTheCurrentVersion() async throws {
        try await withClip(stamp: "3\n", catalogVersion: 3) { port, bytes in
            let master = try await fetch(port, "/vod/clip1/master.m3u8")
            #expect(master.status == 200)
            #expect(master.header("Cache-Control") == "public, max-age=60, s-maxage=60")
            let variants = master.text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(variants == ["v3/video-360p.m3u8"])
            #expect(master.text.contains("URI=\"v3/audio-aac.m3u8\""))

            let media = try await fetch(port, "/vod/clip1/v3/video-360p.m3u8")
            #expect(media.status == 200)
            #expect(media.header("Cache-Control") == "public, max-age=86400, s-maxage=31536000")
            #expect(media.text.contains("#EXT-X-MAP:URI=\"video-360p/init.mp4\""))
            let first = try #require(media.text.split(separator: "\n").first { !$0.hasPrefix("#") })
            #expect(first == "video-360p/seg-1.m4s")
            let resolved = try #require(URL(string: String(first), relativeTo: URL(string: "http://127.0.0.1:\(port)/vod/clip1/v3/video-360p.m3u8")))
            #expect(resolved.path == "/vod/clip1/v3/video-360p/seg-1.m4s")
            #expect(try await fetch(port, resolved.path).body == bytes)

            let mpd = try await fetch(port, "/vod/clip1/manifest.mpd")
            #expect(mpd.header("Cache-Control") == "public, max-age=60, s-maxage=60")
            #expect(mpd.text.contains("media=\"v3/video-360p/seg-$Number$.m4s\""))
            #expect(mpd.text.contains("initialization=\"v3/video-360p/init.mp4\""))
            #expect(mpd.text.contains("media=\"v3/audio-aac/seg-$Number$.m4s\""))
            try await validateMPD(mpd.text)

            for gone in ["/vod/clip1/v2/video-360p.m3u8", "/vod/clip1/v4/video-360p.m3u8", "/vod/clip1/video-360p.m3u8",
                         "/vod/clip1/v03/video-360p.m3u8", "/vod/clip1/v3/video-1080p.m3u8"] {
                #expect(try await fetch(port, gone).status == 404, "\(gone)")
            }
            // The ETag revalidates the short-lived entry manifest.
            let etag = try #require(master.header("ETag"))
            #expect(try await fetch(port, "/vod/clip1/master.m3u8", headers: [("If-None-Match", etag)]).status == 304)
        }
    }

    @Test func versionPathSegmentsParseCanonicallyOnly() {
        #expect(AssetVersion("v1")?.number == 1)
        #expect(AssetVersion("v42")?.number == 42)
        #expect(AssetVersion("v999999999")?.number == 999_999_999)
        for bad in ["v0", "v01", "V1", "v", "1", "v1a", "v-1", "v+1", "v 1", "v1000000000", "vv1", "v١"] {
            #expect(AssetVersion(bad[...]) == nil, "\(bad)")
        }
        #expect(AssetVersion(number: 7)?.description == "v7")
        #expect(AssetVersion(number: 0) == nil)
        #expect(DataDirectory.parseVersionStamp(Array("7\n".utf8)) == 7)
        #expect(DataDirectory.parseVersionStamp(Array("7".utf8)) == 7)
        for bad in ["07\n", "7\n\n", " 7", "0", "", "\n", "1234567890"] {
            #expect(DataDirectory.parseVersionStamp(Array(bad.utf8)) == nil, "\(bad.debugDescription)")
        }
    }
}
