import Foundation
import MediaCore
import Testing
@testable import Storage

@Suite struct DataDirectoryLayoutTests {
    @Test func createsTheTreeAndStagingFolders() throws {
        let temp = try TemporaryDataDirectory()
        #expect(temp.entries("") == ["live", "staging", "vod"])
        #expect(temp.data.catalogFile.lastPathComponent == "catalog.sqlite")
        let staging = try temp.data.newStaging(job: "Job-1.a")
        #expect(staging.deletingLastPathComponent().path == temp.data.stagingRoot.path)
        try Data("partial".utf8).write(to: staging.appendingPathComponent("leftover"))
        let again = try temp.data.newStaging(job: "Job-1.a")
        #expect(try FileManager.default.contentsOfDirectory(atPath: again.path).isEmpty)
    }

    @Test(arguments: ["", "..", ".hidden", "-x", "a/b", "a\0b", "../../etc", String(repeating: "j", count: 129), "a b"])
    func rejectsJobNamesThatAreNotOneFolder(_ job: String) throws {
        let temp = try TemporaryDataDirectory()
        #expect(throws: StorageError.invalidJobName(job)) { try temp.data.newStaging(job: job) }
        #expect(temp.entries("staging").isEmpty)
    }

    @Test func rootThatIsAFileIsNotWritable() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("storage-file-\(UUID().uuidString)")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: StorageError.self) { try DataDirectory(root: file) }
        #expect(error?.description.contains(file.path) == true)
    }

    @Test func freeSpace() throws {
        let temp = try TemporaryDataDirectory()
        #expect(try temp.data.availableBytes() > 0)
        try temp.data.ensureAvailable(1)
        #expect(throws: StorageError.self) { try temp.data.ensureAvailable(Int64.max) }
    }
}

@Suite struct PublishTests {
    @Test func publishMovesTheStagedFolderIntoVod() throws {
        let temp = try TemporaryDataDirectory()
        let staged = try temp.stage(job: "job1", renditions: ["video-360p", "audio-aac"], tag: "v1")
        try temp.data.publish(staging: staged, asset: assetID("movie"), replace: false)
        #expect(temp.entries("vod/movie") == ["audio-aac", "video-360p"])
        #expect(temp.text("vod/movie/video-360p/seg-2.m4s") == "seg 2 video-360p v1")
        #expect(temp.entries("staging").isEmpty)
        #expect(temp.data.assetExists(assetID("movie")))
        #expect(try temp.data.assetIDs() == [assetID("movie")])
    }

    @Test func publishOverAnExistingAssetWithoutReplaceFailsAndKeepsBoth() throws {
        let temp = try TemporaryDataDirectory()
        try temp.data.publish(staging: temp.stage(job: "a", renditions: ["v"], tag: "old"), asset: assetID("movie"), replace: false)
        let second = try temp.stage(job: "b", renditions: ["v"], tag: "new")
        #expect(throws: StorageError.assetExists(assetID("movie"))) {
            try temp.data.publish(staging: second, asset: assetID("movie"), replace: false)
        }
        #expect(temp.text("vod/movie/v/init.mp4") == "init v old")
        #expect(temp.text("staging/b/v/init.mp4") == "init v new")  // the caller may still publish it elsewhere
    }

    @Test func replaceSwapsAndRemovesTheOldFiles() throws {
        let temp = try TemporaryDataDirectory()
        try temp.data.publish(staging: temp.stage(job: "a", renditions: ["v", "old-only"], tag: "old"), asset: assetID("movie"), replace: false)
        try temp.data.publish(staging: temp.stage(job: "b", renditions: ["v"], segments: 3, tag: "new"), asset: assetID("movie"), replace: true)
        #expect(temp.entries("vod/movie") == ["v"])
        #expect(temp.entries("vod/movie/v") == ["init.mp4", "seg-1.m4s", "seg-2.m4s", "seg-3.m4s"])
        #expect(temp.text("vod/movie/v/init.mp4") == "init v new")
        #expect(temp.entries("staging").isEmpty)
        #expect(temp.entries("vod") == ["movie"])
    }

    @Test func replaceOfAMissingAssetIsAPlainPublish() throws {
        let temp = try TemporaryDataDirectory()
        try temp.data.publish(staging: temp.stage(job: "a", renditions: ["v"], tag: "x"), asset: assetID("fresh"), replace: true)
        #expect(temp.text("vod/fresh/v/init.mp4") == "init v x")
    }

    /// Readers during a replace see the old file or the new one, never nothing (one atomic swap).
    @Test func readersNeverSeeAMissingAssetDuringReplaces() throws {
        let temp = try TemporaryDataDirectory()
        try temp.data.publish(staging: temp.stage(job: "j0", renditions: ["v"], segments: 1, tag: "0"), asset: assetID("hot"), replace: false)
        let reader = PollingReader(path: temp.root.appendingPathComponent("vod/hot/v/init.mp4").path)
        reader.start()
        for round in 1...40 {
            let staged = try temp.stage(job: "j\(round)", renditions: ["v"], segments: 1, tag: "\(round)")
            try temp.data.publish(staging: staged, asset: assetID("hot"), replace: true)
        }
        let (reads, missing) = reader.stop()
        #expect(reads > 40)
        #expect(missing == 0)
        #expect(temp.text("vod/hot/v/init.mp4") == "init v 40")
    }

    @Test func rejectsFoldersThatAreNotStagedAssets() throws {
        let temp = try TemporaryDataDirectory()
        let empty = try temp.data.newStaging(job: "empty")
        #expect(throws: StorageError.invalidStagedAsset(path: empty.path, reason: "it holds no rendition folder")) {
            try temp.data.publish(staging: empty, asset: assetID("a"), replace: false)
        }
        let noInit = try temp.data.newStaging(job: "noinit")
        try FileManager.default.createDirectory(at: noInit.appendingPathComponent("v"), withIntermediateDirectories: true)
        #expect(throws: StorageError.invalidStagedAsset(path: noInit.path, reason: "rendition 'v' has no init.mp4")) {
            try temp.data.publish(staging: noInit, asset: assetID("a"), replace: false)
        }
        let linked = try temp.stage(job: "linked", renditions: ["v"], tag: "x")
        try FileManager.default.createSymbolicLink(atPath: linked.appendingPathComponent("v/seg-9.m4s").path, withDestinationPath: "/etc/passwd")
        #expect(throws: StorageError.self) { try temp.data.publish(staging: linked, asset: assetID("a"), replace: false) }
        let badName = try temp.stage(job: "badname", renditions: ["Video HD"], tag: "x")
        #expect(throws: StorageError.self) { try temp.data.publish(staging: badName, asset: assetID("a"), replace: false) }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("not-staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside.appendingPathComponent("v"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        #expect(throws: StorageError.notInStaging(path: outside.path, staging: temp.data.stagingRoot.path)) {
            try temp.data.publish(staging: outside, asset: assetID("a"), replace: false)
        }
        let nested = temp.data.stagingRoot.appendingPathComponent("linked/v")
        #expect(throws: StorageError.self) { try temp.data.publish(staging: nested, asset: assetID("a"), replace: false) }
        #expect(temp.entries("vod").isEmpty)
    }

    @Test func cleanStagingRemovesAllWorkInProgress() throws {
        let temp = try TemporaryDataDirectory()
        _ = try temp.stage(job: "crashed-1", renditions: ["v"], tag: "x")
        _ = try temp.stage(job: "crashed-2", renditions: ["v", "a"], tag: "x")
        try Data("x".utf8).write(to: temp.data.stagingRoot.appendingPathComponent(".replaced-movie-123"))
        #expect(try temp.data.cleanStaging() == 3)
        #expect(temp.entries("staging").isEmpty)
        #expect(try temp.data.cleanStaging() == 0)
    }

    @Test func removeAsset() throws {
        let temp = try TemporaryDataDirectory()
        try temp.data.publish(staging: temp.stage(job: "a", renditions: ["v"], tag: "x"), asset: assetID("gone"), replace: false)
        #expect(try temp.data.removeAsset(assetID("gone")))
        #expect(!temp.data.assetExists(assetID("gone")))
        #expect(temp.entries("vod").isEmpty && temp.entries("staging").isEmpty)
        #expect(try temp.data.removeAsset(assetID("gone")) == false)
    }
}

/// Reads one file in a loop on its own thread (not the cooperative pool, which other tests keep busy)
/// and counts the reads that found nothing.
final class PollingReader: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var running = true
    private var reads = 0
    private var missing = 0

    init(path: String) { self.path = path }

    func start() {
        Thread.detachNewThread { [self] in
            started.signal()
            while lock.withLock({ running }) {
                let found = FileManager.default.contents(atPath: path) != nil
                lock.withLock {
                    reads += 1
                    if !found { missing += 1 }
                }
            }
            finished.signal()
        }
        started.wait()
    }

    func stop() -> (reads: Int, missing: Int) {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { (reads, missing) }
    }
}
