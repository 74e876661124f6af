import Foundation
import MediaCore
import Testing
@testable import Origin

/// A segment's Content-Type comes from its rendition's kind in the index, not from its name; files of a
/// rendition the index does not list are not served.
@Suite struct RenditionKindTests {
    @Test func contentTypeFollowsTheIndexNotTheName() async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        // Names that would mislead a guess by prefix: an audio rendition not called audio*, a video one that is.
        try data.write("vod", "clip", "aac-128k", "seg-1.m4s", bytes: patternBytes(count: 500, seed: 1))
        try data.write("vod", "clip", "audio-described", "init.mp4", bytes: patternBytes(count: 500, seed: 2))
        try data.write("vod", "clip", "audio-described", "seg-1.m4s", bytes: patternBytes(count: 500, seed: 3))
        try data.write("vod", "clip", "stray", "seg-1.m4s", bytes: patternBytes(count: 500, seed: 4))
        try data.write("live", "cam", "audio-main", "seg-7.m4s", bytes: patternBytes(count: 500, seed: 5))
        try data.write("live", "cam", "stray", "seg-7.m4s", bytes: patternBytes(count: 500, seed: 6))
        let index = StaticIndex(
            vod: [SafeName("clip")!: MediaListing(renditions: [sampleRendition("aac-128k", kind: .audio),
                                                               sampleRendition("audio-described", kind: .video)])],
            live: [SafeName("cam")!: MediaListing(renditions: [sampleRendition("audio-main", kind: .video)], targetDurationSeconds: 6)])
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: index,
                             renderer: ListingText()) { port, _ in
            let cases: [(String, Int, String?)] = [
                ("/vod/clip/aac-128k/seg-1.m4s", 200, "audio/mp4"),
                ("/vod/clip/v1/aac-128k/seg-1.m4s", 200, "audio/mp4"),
                ("/vod/clip/audio-described/init.mp4", 200, "video/mp4"),
                ("/vod/clip/audio-described/seg-1.m4s", 200, "video/iso.segment"),
                ("/live/cam/audio-main/seg-7.m4s", 200, "video/iso.segment"),
                // On disk but in no manifest: not served.
                ("/vod/clip/stray/seg-1.m4s", 404, nil),
                ("/vod/clip/v1/stray/seg-1.m4s", 404, nil),
                ("/live/cam/stray/seg-7.m4s", 404, nil),
            ]
            for (path, status, contentType) in cases {
                let response = try await fetch(port, path)
                #expect(response.status == status, "\(path): \(response.status) \(response.text.prefix(200))")
                if let contentType { #expect(response.header("Content-Type") == contentType, "\(path)") }
            }
        }
    }
}
