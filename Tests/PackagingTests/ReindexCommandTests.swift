import Catalog
import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Packaging

/// `mediaserve reindex` run as a user would, on real ffmpeg segments in a data directory; the catalog it
/// wrote is read back with the Catalog module.
@Suite struct ReindexCommandTests {
    static func dataDirectory(asset: String) throws -> URL {
        let source = try FFmpegAsset.shared.get()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("reindex-\(UUID().uuidString)")
        let target = root.appendingPathComponent("vod/\(asset)")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for spec in FFmpegAsset.specs {
            try FileManager.default.copyItem(at: source.renditionDirectory(spec.id), to: target.appendingPathComponent(spec.id))
        }
        return root
    }

    @Test func rebuildsTheCatalogFromTheFiles() throws {
        let root = try Self.dataDirectory(asset: "demo")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try run(TestMedia.mediaserveBinary.path, ["reindex", "demo", "--data-dir", root.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("reindexed demo:\n  video-180p  video  avc1.64000D  320x180  4 segments  7.000 s"), "\(result.stdout)")
        let catalog = try Catalog(path: root.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        let stored = try catalog.renditions(of: AssetID("demo")!)
        let asset = try FFmpegAsset.shared.get()
        let expected = try FFmpegAsset.specs.map { try RealFMP4Tests.index(asset, $0.id) }
        #expect(stored.map(\.rendition.id.rawValue) == ["video-180p", "video-90p", "audio-aac"], "highest video first, then audio")
        for index in expected {
            #expect(stored.first { $0.rendition.id == index.rendition.id } == index, "\(index.rendition.id) stored as indexed")
        }
        // The catalog's index packages straight away.
        let presentation = try Presentation(ManifestRequest(renditions: stored, kind: .vod))
        #expect(presentation.hlsMultivariantPlaylist().contains("RESOLUTION=320x180"))

        // Each reindex is a new catalog version, and the files' stamp follows it (the origin serves
        // `/vod/<asset>/v<n>/` only from files stamped n).
        let stamp = root.appendingPathComponent("vod/demo/version")
        #expect(try catalog.asset(AssetID("demo")!)?.version == 1)
        #expect((try? String(contentsOf: stamp, encoding: .utf8)) == "1\n")
        let again = try run(TestMedia.mediaserveBinary.path, ["reindex", "demo", "--data-dir", root.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try catalog.asset(AssetID("demo")!)?.version == 2)
        #expect((try? String(contentsOf: stamp, encoding: .utf8)) == "2\n")

        // The catalog lost: the files keep the version they are stamped with (not 1 again).
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(at: root.appendingPathComponent("catalog.sqlite" + suffix))
        }
        let rebuilt = try run(TestMedia.mediaserveBinary.path, ["reindex", "demo", "--data-dir", root.path])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let fresh = try Catalog(path: root.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        #expect(try fresh.asset(AssetID("demo")!)?.version == 2)
        #expect((try? String(contentsOf: stamp, encoding: .utf8)) == "2\n")
    }

    /// Ingest and reindex index with the one `SegmentIndexer`: reindexing what ingest just published
    /// changes nothing (before issue 11 the peak bitrate was rounded two ways, so BANDWIDTH and the
    /// manifest ETag moved; with the old code these two sources differed by 1 b/s: the transcode's audio
    /// and the copy's video). A transcode (ladder rung) and a copy (the source's own cuts).
    @Test(arguments: [("720p5994.mp4", ["--rungs", "180", "--preset", "ultrafast"]), ("audio44k.mp4", ["--copy"])])
    func ingestAndReindexGiveTheIdenticalIndex(_ source: String, _ mode: [String]) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("reindex-same-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let ingest = try run(TestMedia.mediaserveBinary.path,
                             ["ingest", TestMedia.file(source).path, "--id", "same", "--data-dir", root.path] + mode)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let catalog = try Catalog(path: root.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        let ingested = try catalog.renditions(of: AssetID("same")!)
        #expect(ingested.count == 2 && ingested.allSatisfy { !$0.segments.isEmpty }, "\(ingested.map(\.rendition.id))")
        let reindex = try run(TestMedia.mediaserveBinary.path, ["reindex", "same", "--data-dir", root.path])
        #expect(reindex.status == 0, "\(reindex.stderr)")
        #expect(try catalog.asset(AssetID("same")!)?.version == 2, "reindex really wrote the catalog")
        #expect(try catalog.renditions(of: AssetID("same")!) == ingested)
    }

    @Test func dryRunLeavesTheCatalogAlone() throws {
        let root = try Self.dataDirectory(asset: "look")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try run(TestMedia.mediaserveBinary.path, ["reindex", "look", "--data-dir", root.path, "--dry-run"])
        #expect(result.status == 0 && result.stdout.hasPrefix("look (dry run, catalog unchanged):"), "\(result.stdout)\(result.stderr)")
        let catalog = try Catalog(path: root.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        #expect(try catalog.asset(AssetID("look")!) == nil)
    }

    @Test func damagedFilesAndUnknownAssetsFailWithOneLine() throws {
        let root = try Self.dataDirectory(asset: "cut")
        defer { try? FileManager.default.removeItem(at: root) }
        let segment = root.appendingPathComponent("vod/cut/video-90p/seg-2.m4s")
        try Data(try Data(contentsOf: segment).prefix(100)).write(to: segment)
        let damaged = try run(TestMedia.mediaserveBinary.path, ["reindex", "cut", "--data-dir", root.path])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.hasPrefix("mediaserve: rendition video-90p (") && damaged.stderr.contains("MP4 box 'moof' at byte")
                && damaged.stderr.split(separator: "\n").count == 1, "\(damaged.stderr)")
        let catalog = try Catalog(path: root.appendingPathComponent("catalog.sqlite"), clock: { Date() })
        #expect(try catalog.asset(AssetID("cut")!) == nil, "nothing written when a file is bad")
        let missing = try run(TestMedia.mediaserveBinary.path, ["reindex", "nothere", "--data-dir", root.path])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("mediaserve: asset 'nothere' has no files at"), "\(missing.stderr)")
        let badName = try run(TestMedia.mediaserveBinary.path, ["reindex", "../etc", "--data-dir", root.path])
        #expect(badName.status == 1 && badName.stderr.contains("is not a valid name"), "\(badName.stderr)")
    }
}
