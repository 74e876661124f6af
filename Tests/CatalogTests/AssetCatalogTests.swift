import Foundation
import GRDB
import MediaCore
import Testing
@testable import Catalog

@Suite struct AssetCatalogTests {
    @Test(arguments: Backend.allCases) func realRenditionIndexRoundTrips(_ backend: Backend) throws {
        let folder = try TemporaryFolder()
        let video = try RealRenditionIndex.make(in: folder.url.appendingPathComponent("media"))
        #expect(video.rendition.codecs == "avc1.42C00B")  // ultrafast: Constrained Baseline, level 1.1
        #expect(video.segments.count == 3)
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        let probe = SourceProbe(path: "/media/in.mov", container: "mov,mp4,m4a,3gp,3g2,mj2", duration: 3.003, size: 123_456,
                                streams: [StreamProbe(index: 0, type: .video, codec: "h264", width: 160, height: 90,
                                                      frameRate: Rational(30000, 1001), rotation: 90)])
        // Segments handed over out of order come back ordered by number.
        var shuffled = audioIndex()
        shuffled.segments.reverse()
        let stored = try catalog.publishAsset(AssetRecord(id: assetID("clip"), title: "Clip «1»", sourceProbe: probe),
                                              renditions: [video, shuffled], replace: false)
        #expect(stored.version == 1)
        #expect(stored.duration == 24.0)  // the longest rendition (audio: 4 x 6 s)

        let reopened = try db.open()
        #expect(try reopened.renditions(of: assetID("clip")) == [video, audioIndex()])
        let asset = try #require(try reopened.asset(assetID("clip")))
        #expect(asset.title == "Clip «1»")
        #expect(asset.sourceProbe == probe)
        #expect(asset.state == .ready)
        #expect(try reopened.renditions(of: assetID("nothing")).isEmpty)
        #expect(try reopened.asset(assetID("nothing")) == nil)
    }

    @Test(arguments: Backend.allCases) func replaceBumpsVersionAndSwapsTheIndex(_ backend: Backend) throws {
        let clock = TestClock()
        let db = try TestDatabase(backend, clock: clock.read)
        defer { db.stop() }
        let catalog = try db.open()
        let first = try catalog.publishAsset(AssetRecord(id: assetID("movie"), title: "v1"),
                                             renditions: [audioIndex(id: "audio-old"), audioIndex(segments: 2, id: "audio-aac")], replace: false)
        clock.advance(60)
        #expect(throws: CatalogError.assetExists(assetID("movie"))) {
            try catalog.publishAsset(AssetRecord(id: assetID("movie"), title: "v2"), renditions: [audioIndex()], replace: false)
        }
        #expect(try catalog.asset(assetID("movie"))?.title == "v1")
        #expect(try catalog.renditions(of: assetID("movie")).count == 2)

        let second = try catalog.publishAsset(AssetRecord(id: assetID("movie"), title: "v2"), renditions: [audioIndex(segments: 5)], replace: true)
        #expect(second.version == 2)
        #expect(second.createdAt == first.createdAt)
        #expect(second.updatedAt == first.updatedAt + 60)
        #expect(try catalog.asset(assetID("movie")) == second)
        #expect(try catalog.renditions(of: assetID("movie")) == [audioIndex(segments: 5)])
        #expect(try catalog.publishAsset(AssetRecord(id: assetID("movie")), renditions: [audioIndex()], replace: true).version == 3)
        #expect(try db.rowCount("segments") == 4)
    }

    /// A deleted id published again continues the numbering: v1 URLs of the deleted asset may still sit
    /// in a CDN, so the new asset must not be v1 again.
    @Test(arguments: Backend.allCases) func versionsContinueAcrossDeleteAndRepublish(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        #expect(try catalog.nextVersion(of: assetID("talk")) == 1)
        try catalog.publishAsset(AssetRecord(id: assetID("talk")), renditions: [audioIndex()], replace: false)
        try catalog.publishAsset(AssetRecord(id: assetID("talk")), renditions: [audioIndex()], replace: true)
        #expect(try catalog.nextVersion(of: assetID("talk")) == 3)
        #expect(try catalog.deleteAsset(assetID("talk")))
        #expect(try catalog.asset(assetID("talk")) == nil)
        #expect(try catalog.nextVersion(of: assetID("talk")) == 3)
        let again = try catalog.publishAsset(AssetRecord(id: assetID("talk")), renditions: [audioIndex()], replace: false)
        #expect(again.version == 3)
        #expect(try catalog.nextVersion(of: assetID("talk")) == 4)
        // Deleted twice: the newest deleted version counts.
        #expect(try catalog.deleteAsset(assetID("talk")))
        #expect(try catalog.publishAsset(AssetRecord(id: assetID("talk")), renditions: [audioIndex()], replace: false).version == 4)
        // A requested version above the next one is kept (reindex after a lost catalog); below, ignored.
        #expect(try catalog.publishAsset(AssetRecord(id: assetID("talk"), version: 9), renditions: [audioIndex()], replace: true).version == 9)
        #expect(try catalog.publishAsset(AssetRecord(id: assetID("talk"), version: 2), renditions: [audioIndex()], replace: true).version == 10)
        #expect(try catalog.publishAsset(AssetRecord(id: assetID("new"), version: 5), renditions: [audioIndex()], replace: false).version == 5)
        // Other ids are not affected.
        #expect(try catalog.publishAsset(AssetRecord(id: assetID("other")), renditions: [audioIndex()], replace: false).version == 1)
    }

    @Test(arguments: Backend.allCases) func listAndDeleteCascade(_ backend: Backend) throws {
        let clock = TestClock()
        let db = try TestDatabase(backend, clock: clock.read)
        defer { db.stop() }
        let catalog = try db.open()
        for id in ["a", "b", "c"] {
            try catalog.publishAsset(AssetRecord(id: assetID(id)), renditions: [audioIndex()], replace: false)
            clock.advance(1)
        }
        #expect(try catalog.listAssets().map(\.id.rawValue) == ["c", "b", "a"])
        #expect(try catalog.deleteAsset(assetID("b")))
        #expect(try catalog.deleteAsset(assetID("b")) == false)
        #expect(try catalog.listAssets().map(\.id.rawValue) == ["c", "a"])
        #expect(try catalog.renditions(of: assetID("b")).isEmpty)
        #expect(try db.rowCount("segments") == 8)
    }

    @Test(arguments: Backend.allCases) func invalidIndexesAreRejectedWhole(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        #expect(throws: CatalogError.invalidIndex(asset: assetID("x"), reason: "it has no renditions")) {
            try catalog.publishAsset(AssetRecord(id: assetID("x")), renditions: [], replace: false)
        }
        #expect(throws: CatalogError.self) {
            try catalog.publishAsset(AssetRecord(id: assetID("x")), renditions: [audioIndex(), audioIndex()], replace: false)
        }
        var duplicated = audioIndex()
        duplicated.segments.append(duplicated.segments[0])
        #expect(throws: CatalogError.self) {
            try catalog.publishAsset(AssetRecord(id: assetID("x")), renditions: [duplicated], replace: false)
        }
        #expect(try catalog.listAssets().isEmpty)
    }
}

@Suite struct CatalogFileTests {
    @Test func migratesAFileDatabaseInWALModeOnce() throws {
        let folder = try TemporaryFolder()
        let catalog = try Catalog(path: folder.catalogFile)
        #expect(try catalog.appliedMigrations() == Catalog.migrationNames)
        let mode = try catalog.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let tables = try catalog.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        // content_search_* are FTS5's own shadow tables of the content_search index.
        #expect(tables == ["access_rules", "asset_tombstones", "assets", "content_keys", "content_metadata", "content_search", "content_search_config",
                           "content_search_content", "content_search_data", "content_search_docsize", "content_search_idx", "drm_master_key_check",
                           "encrypted_items",                            "jobs", "live_streams", "playback_events", "playback_rollups", "playback_sessions", "renditions", "segments"])
        _ = try catalog.enqueueJob(assetID: assetID("a"), sourcePath: "/in.mov")
        let again = try Catalog(path: folder.catalogFile)
        #expect(try again.appliedMigrations() == Catalog.migrationNames)
        #expect(try again.jobCounts()[.queued] == 1)
    }

    @Test func newerSchemaIsRefused() throws {
        let folder = try TemporaryFolder()
        let catalog = try Catalog(path: folder.catalogFile)
        try catalog.writer.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        #expect(throws: CatalogError.newerSchema(path: folder.catalogFile.path, unknownMigrations: ["v9-from-the-future"])) {
            try Catalog(path: folder.catalogFile)
        }
    }

    @Test func corruptFileIsAClearError() throws {
        let folder = try TemporaryFolder()
        try Data(repeating: 0x5A, count: 8192).write(to: folder.catalogFile)
        let error = #expect(throws: CatalogError.self) { try Catalog(path: folder.catalogFile) }
        guard case .corrupt(let path, _)? = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == folder.catalogFile.path)
        #expect(error?.description.contains("not a valid database") == true)
    }

    /// A real catalog whose pages were overwritten: a clear `corrupt` error naming the file, not a crash.
    @Test(arguments: [100, 8192])
    func damagedPagesAreErrorsNotCrashes(offset: Int) throws {
        let folder = try TemporaryFolder()
        do {
            let catalog = try Catalog(path: folder.catalogFile)
            for n in 0..<20 {
                try catalog.publishAsset(AssetRecord(id: assetID("asset-\(n)")), renditions: [audioIndex(segments: 50)], replace: false)
            }
        }  // closing the last connection checkpoints the WAL into the file
        let handle = try FileHandle(forWritingTo: folder.catalogFile)
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data((0..<16_384).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }))
        try handle.close()
        do {
            let catalog = try Catalog(path: folder.catalogFile)
            _ = try catalog.listAssets()
            for n in 0..<20 { _ = try catalog.renditions(of: assetID("asset-\(n)")) }
            Issue.record("a damaged catalog read without error")
        } catch CatalogError.corrupt(let path, _) {
            #expect(path == folder.catalogFile.path)
        }
    }

    @Test func unopenablePathIsAClearError() throws {
        let folder = try TemporaryFolder()
        let error = #expect(throws: CatalogError.self) {
            try Catalog(path: folder.url.appendingPathComponent("missing-dir/catalog.sqlite"))
        }
        #expect(error?.description.contains("missing-dir/catalog.sqlite") == true)
    }
}
