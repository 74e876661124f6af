import Catalog
import Config
import Foundation
import MediaCore
@testable import Publishing
import Storage
import Testing
import TestSupport

/// The one publishing path on a real data directory and a real SQLite catalog: what a success publishes,
/// and that every failure (stage step, verification, catalog) leaves nothing visible and no staging.
@Suite struct AssetPublisherTests {
    final class Stores {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("publishing-tests-\(UUID().uuidString)")
        let data: DataDirectory
        let catalog: Catalog
        var publisher: AssetPublisher { AssetPublisher(store: data, catalog: catalog) }

        init() throws {
            data = try DataDirectory(root: root)
            catalog = try Catalog(path: data.catalogFile)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        var staging: [String] { (try? FileManager.default.contentsOfDirectory(atPath: data.stagingRoot.path)) ?? [] }
        var published: [String] { (try? FileManager.default.contentsOfDirectory(atPath: data.vodRoot.path)) ?? [] }
    }

    static let asset = AssetID("clip")!

    /// One rendition folder with an init segment and two media segments whose bytes name `tag`.
    static func stageFiles(_ staging: URL, tag: String, initSegment: Bool = true) throws -> AssetPublisher.Staged {
        let folder = staging.appendingPathComponent("video-180p")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if initSegment { try Data("init \(tag)".utf8).write(to: folder.appendingPathComponent("init.mp4")) }
        for number in 1...2 { try Data("seg \(number) \(tag)".utf8).write(to: folder.appendingPathComponent("seg-\(number).m4s")) }
        let segments = (1...2).map { SegmentInfo(number: $0, start: Int64($0 - 1) * 90_000, duration: 90_000, size: 10) }
        let rendition = Rendition(id: SafeName("video-180p")!, kind: .video, codecs: "avc1.64000d", peakBitrate: 80, averageBitrate: 80,
                                  timescale: 90_000)
        return .init(record: AssetRecord(id: asset, title: tag), renditions: [RenditionIndex(rendition: rendition, segments: segments)])
    }

    @Test func publishesFilesStampAndCatalogTogether() throws {
        let stores = try Stores()
        let stored = try stores.publisher.publish(asset: Self.asset, job: "job-1", replace: false) { try Self.stageFiles($0, tag: "one") }
        #expect(stored.version == 1 && stored.title == "one")
        #expect(stores.data.publishedVersion(Self.asset) == 1)
        #expect(try stores.data.segmentData(kind: .vod, owner: Self.asset.name, rendition: SafeName("video-180p")!, fileName: "seg-2.m4s")
            == Data("seg 2 one".utf8))
        #expect(try stores.catalog.renditions(of: Self.asset).map(\.segments.count) == [2])
        #expect(stores.staging.isEmpty)

        let replaced = try stores.publisher.publish(asset: Self.asset, job: "job-2", replace: true) { try Self.stageFiles($0, tag: "two") }
        #expect(replaced.version == 2 && stores.data.publishedVersion(Self.asset) == 2)
        let version = try #require(stores.data.openVersion(of: Self.asset))
        #expect(version.stamp() == .version(2))
        guard case .localFile(let file) = version.openSegment(rendition: SafeName("video-180p")!, fileName: "init.mp4") else {
            Issue.record("the local store hands out an open file")
            return
        }
        #expect(file.size == "init two".utf8.count)
    }

    @Test func anExistingAssetIsRefusedWithoutReplace() throws {
        let stores = try Stores()
        try stores.publisher.publish(asset: Self.asset, job: "job-1", replace: false) { try Self.stageFiles($0, tag: "one") }
        #expect(try stores.publisher.isTaken(Self.asset))
        #expect(throws: PublishingError.self) {
            try stores.publisher.publish(asset: Self.asset, job: "job-2", replace: false) { try Self.stageFiles($0, tag: "two") }
        }
        #expect(try stores.data.segmentData(kind: .vod, owner: Self.asset.name, rendition: SafeName("video-180p")!, fileName: "init.mp4")
            == Data("init one".utf8))
        #expect(stores.staging.isEmpty)
    }

    struct StageFailed: Error {}

    @Test func aFailingStageStepLeavesNothing() throws {
        let stores = try Stores()
        #expect(throws: StageFailed.self) {
            try stores.publisher.publish(asset: Self.asset, job: "job-1", replace: false) { staging in
                _ = try Self.stageFiles(staging, tag: "half")
                throw StageFailed()
            }
        }
        #expect(stores.staging.isEmpty && stores.published.isEmpty)
        #expect(try stores.catalog.asset(Self.asset) == nil)
    }

    @Test func aStagedTreeThatFailsVerificationLeavesNothing() throws {
        let stores = try Stores()
        #expect(throws: StorageError.self) {
            try stores.publisher.publish(asset: Self.asset, job: "job-1", replace: false) {
                try Self.stageFiles($0, tag: "no-init", initSegment: false)
            }
        }
        #expect(stores.staging.isEmpty && stores.published.isEmpty)
        #expect(try stores.catalog.asset(Self.asset) == nil)
    }

    /// The files are already renamed into vod/ when the catalog refuses the entry (here: no renditions):
    /// a new asset's files are taken away again, so no player ever finds files without a catalog entry.
    @Test func aCatalogRefusalTakesTheFilesAwayAgain() throws {
        let stores = try Stores()
        #expect(throws: CatalogError.self) {
            try stores.publisher.publish(asset: Self.asset, job: "job-1", replace: false) { staging in
                var staged = try Self.stageFiles(staging, tag: "one")
                staged.renditions = []
                return staged
            }
        }
        #expect(!stores.data.assetExists(Self.asset))
        #expect(stores.published.isEmpty)
        #expect(try stores.catalog.asset(Self.asset) == nil)
    }

    /// Reindex re-records published files: never a version below the stamp, and the stamp follows.
    @Test func recatalogKeepsVersionsAboveTheStamp() throws {
        let stores = try Stores()
        let staged = try stores.publisher.publish(asset: Self.asset, job: "job-1", replace: false) { try Self.stageFiles($0, tag: "one") }
        try stores.data.restampVersion(4, asset: Self.asset)
        let renditions = try stores.catalog.renditions(of: Self.asset)
        #expect(staged.version == 1)
        let stored = try stores.publisher.recatalog(Self.asset, renditions: renditions)
        #expect(stored.version == 4, "the stamp (4) wins over the catalog's next number (2)")
        #expect(stores.data.publishedVersion(Self.asset) == stored.version)
        #expect(throws: PublishingError.notFound("asset 'gone'")) {
            try stores.publisher.recatalog(AssetID("gone")!, renditions: renditions)
        }
    }

    /// A worker killed between its files and its catalog entry leaves published files no catalog entry
    /// names. The job's next attempt publishes in their place (once); anyone else is still refused.
    @Test func aJobsNextAttemptTakesThePlaceOfTheFilesItsDeadAttemptLeft() throws {
        let stores = try Stores()
        let dead = try stores.data.newStaging(job: "job-dead")
        _ = try Self.stageFiles(dead, tag: "dead")
        try stores.data.stampVersion(1, staging: dead)
        try stores.data.publish(staging: dead, asset: Self.asset, replace: false)
        #expect(try stores.catalog.asset(Self.asset) == nil && stores.data.assetExists(Self.asset))

        // Not a rerun (a new upload, `mediaserve ingest`, a first attempt): those files are not its own.
        #expect(throws: PublishingError.self) {
            try stores.publisher.publish(asset: Self.asset, job: "job-other", replace: false) { try Self.stageFiles($0, tag: "other") }
        }
        // The job's first attempt lapses (the dead worker); its second is this worker's.
        let upload = try stores.data.newUpload()
        let job = try stores.catalog.enqueueJob(assetID: Self.asset, sourcePath: upload.path)
        let first = try #require(try stores.catalog.claimNextJob(lease: JobLeaseTerms(owner: "dead", seconds: -1)))  // already lapsed
        #expect(first.id == job.id && first.lease?.attempt == 1)
        let second = try #require(try stores.catalog.claimNextJob(lease: JobLeaseTerms(owner: "alive", seconds: 60)))
        let lease = try #require(second.lease)
        #expect(second.id == job.id && lease.attempt == 2)
        let stored = try stores.publisher.publish(asset: Self.asset, job: "job-\(job.id)", replace: false, lease: lease) {
            try Self.stageFiles($0, tag: "rerun")
        }
        #expect(stored.version == 1 && stored.title == "rerun")
        #expect(try stores.data.segmentData(kind: .vod, owner: Self.asset.name, rendition: SafeName("video-180p")!, fileName: "seg-1.m4s")
            == Data("seg 1 rerun".utf8))
        #expect(try stores.catalog.job(id: job.id)?.state == .succeeded)
        #expect(stores.published == [Self.asset.rawValue] && stores.staging.isEmpty)
        // Once catalogued, the asset is an ordinary one: another rerun-like publish is refused.
        #expect(throws: PublishingError.self) {
            try stores.publisher.publish(asset: Self.asset, job: "job-late", replace: false, lease: lease) { try Self.stageFiles($0, tag: "late") }
        }
    }

    /// The job worker's path end to end: a source no decoder reads fails the job and publishes nothing;
    /// a real clip is published at version 1 through the same publisher.
    @Test func theJobWorkerPublishesThroughThePublisher() async throws {
        let stores = try Stores()
        let ladder = LadderConfig(rungs: [LadderRung.standardLadder.sorted { $0.height < $1.height }[0]], preset: "ultrafast")
        let jobs = CatalogIngestJobs(catalog: stores.catalog, store: stores.data, ladder: ladder, preset: "ultrafast")
        let bad = try stores.data.newUpload()
        try Data("not media".utf8).write(to: bad)
        try stores.catalog.enqueueJob(assetID: AssetID("bad")!, sourcePath: bad.path)
        let badJob = try #require(try await jobs.claimNext())
        await #expect(throws: (any Error).self) { try await jobs.run(badJob) { _ in } }
        // As the worker pool does: a failed run fails its job (else it stays leased until the lease lapses).
        try await jobs.fail(badJob, error: "no media")
        #expect(try stores.catalog.job(id: badJob.id)?.state == .failed)
        #expect(stores.staging.isEmpty && stores.published.isEmpty)
        #expect(try stores.catalog.asset(AssetID("bad")!) == nil)

        let good = try stores.data.newUpload()
        try FileManager.default.copyItem(at: TestMedia.file("video_only.mp4"), to: good)
        try stores.catalog.enqueueJob(assetID: AssetID("good")!, sourcePath: good.path, options: IngestJobOptions(originalName: "Good.mp4"))
        let goodJob = try #require(try await jobs.claimNext())
        #expect(goodJob.lease?.owner != nil)
        try await jobs.run(goodJob) { _ in }
        #expect(try stores.catalog.job(id: goodJob.id)?.state == .succeeded, "the leased publish succeeds the job")
        try await jobs.finish(goodJob)
        #expect(stores.published == ["good"])
        #expect(stores.data.publishedVersion(AssetID("good")!) == 1)
        #expect(try stores.catalog.asset(AssetID("good")!)?.title == "Good.mp4")
        #expect(!FileManager.default.fileExists(atPath: good.deletingLastPathComponent().path), "the upload is discarded once published")
        #expect(stores.staging.isEmpty)
    }
}
