import Foundation
import MediaCore
import Testing
@testable import Catalog

@Suite struct JobQueueTests {
    struct IngestOptions: Codable, Equatable {
        var title: String
        var maxHeight: Int
    }

    @Test(arguments: Backend.allCases) func jobsRunThroughTheirStates(_ backend: Backend) throws {
        let clock = TestClock()
        let db = try TestDatabase(backend, clock: clock.read)
        defer { db.stop() }
        let catalog = try db.open()
        let first = try catalog.enqueueJob(assetID: assetID("a"), sourcePath: "/in/a.mov",
                                           options: IngestOptions(title: "A/B", maxHeight: 720))
        clock.advance(1)
        let second = try catalog.enqueueJob(id: "job-b", assetID: assetID("b"), sourcePath: "/in/b.mov")
        #expect(first.state == .queued && second.id == "job-b")
        #expect(try catalog.job(id: first.id)?.decodeOptions(as: IngestOptions.self) == IngestOptions(title: "A/B", maxHeight: 720))

        let claimed = try #require(try catalog.claimNextJob())
        #expect(claimed.id == first.id)  // oldest first
        #expect(claimed.state == .running && claimed.attempts == 1 && claimed.kind == .ingest)
        try catalog.updateJobProgress(id: first.id, percent: 42.5)
        try catalog.updateJobProgress(id: first.id, percent: 250)
        #expect(try catalog.job(id: first.id)?.percent == 100)
        try catalog.finishJob(id: first.id)
        #expect(try catalog.job(id: first.id)?.state == .succeeded)
        #expect(throws: CatalogError.jobState(id: first.id, state: .succeeded, expected: [.running])) {
            try catalog.updateJobProgress(id: first.id, percent: 1)
        }
        #expect(throws: CatalogError.jobNotFound("nope")) { try catalog.finishJob(id: "nope") }

        #expect(try catalog.claimNextJob()?.id == "job-b")
        try catalog.failJob(id: "job-b", error: "source has no video stream")
        let failed = try #require(try catalog.job(id: "job-b"))
        #expect(failed.state == .failed && failed.error == "source has no video stream")
        #expect(try catalog.claimNextJob() == nil)
        #expect(try catalog.requeueJob(id: "job-b").state == .queued)
        #expect(try catalog.jobCounts() == [.queued: 1, .running: 0, .succeeded: 1, .failed: 0, .interrupted: 0])
        #expect(try catalog.listJobs().map(\.id) == ["job-b", first.id])
        #expect(try catalog.listJobs(state: .succeeded, limit: 10).map(\.id) == [first.id])
    }

    @Test(arguments: Backend.allCases) func optionsMustBeAJSONObject(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        #expect(throws: CatalogError.self) { try catalog.enqueueJob(id: nil, kind: .ingest, assetID: assetID("a"), sourcePath: "/x", options: "[1]") }
        #expect(throws: CatalogError.self) { try catalog.enqueueJob(id: nil, kind: .ingest, assetID: assetID("a"), sourcePath: "/x", options: "{") }
        #expect(try catalog.jobCounts().values.reduce(0, +) == 0)
    }

    @Test(arguments: Backend.allCases) func restartRequeuesRunningJobsUntilAttemptsRunOut(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        do {
            let catalog = try db.open()
            _ = try catalog.enqueueJob(id: "j1", assetID: assetID("a"), sourcePath: "/a")
            _ = try catalog.enqueueJob(id: "j2", assetID: assetID("b"), sourcePath: "/b")
            _ = try catalog.claimNextJob()
            try catalog.updateJobProgress(id: "j1", percent: 60)
        }
        // A new process opens the catalog: j1 was running when the old one died.
        var catalog = try db.open()
        #expect(try catalog.markInterruptedJobs() == InterruptedJobs(requeued: ["j1"], interrupted: []))
        let requeued = try #require(try catalog.job(id: "j1"))
        #expect(requeued.state == .queued && requeued.percent == 0 && requeued.attempts == 1)
        #expect(requeued.error?.contains("interrupted") == true)
        // Two more crashes while running j1 use up its three attempts.
        for attempt in 2...3 {
            #expect(try catalog.claimNextJob()?.id == "j1")
            #expect(try catalog.job(id: "j1")?.attempts == attempt)
            catalog = try db.open()
            _ = try catalog.markInterruptedJobs(maxAttempts: 3)
        }
        #expect(try catalog.job(id: "j1")?.state == .interrupted)
        #expect(try catalog.claimNextJob()?.id == "j2")
        #expect(try catalog.requeueJob(id: "j1").state == .queued)
        #expect(throws: CatalogError.jobState(id: "j2", state: .running, expected: [.interrupted, .failed])) {
            try catalog.requeueJob(id: "j2")
        }
    }

    @Test(arguments: Backend.allCases) func twoConcurrentClaimersGetDistinctJobs(_ backend: Backend) async throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        _ = try catalog.enqueueJob(id: "only-1", assetID: assetID("a"), sourcePath: "/a")
        _ = try catalog.enqueueJob(id: "only-2", assetID: assetID("b"), sourcePath: "/b")
        async let first = Task.detached { try catalog.claimNextJob()?.id }.value
        async let second = Task.detached { try catalog.claimNextJob()?.id }.value
        let ids = try await [first, second]
        #expect(Set(ids.compactMap { $0 }) == ["only-1", "only-2"])
        #expect(try catalog.claimNextJob() == nil)
    }

    @Test(arguments: Backend.allCases) func manyWorkersClaimEveryJobExactlyOnce(_ backend: Backend) async throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        for n in 0..<60 { _ = try catalog.enqueueJob(id: "job-\(n)", assetID: assetID("a\(n)"), sourcePath: "/\(n)") }
        // Two catalog objects on one file act like two processes.
        let other = try db.open()
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                let store: any TestableCatalog = worker.isMultiple(of: 2) ? catalog : other
                group.addTask {
                    var mine: [String] = []
                    while let job = try store.claimNextJob() {
                        mine.append(job.id)
                        try store.finishJob(id: job.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claimed.count == 60)
        #expect(Set(claimed).count == 60)
        #expect(try catalog.jobCounts()[.succeeded] == 60)
    }
}

@Suite struct LiveStreamCatalogTests {
    @Test(arguments: Backend.allCases) func createLookUpUpdateDelete(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        let created = try catalog.createLiveStream(LiveStreamRecord(id: name("cam1"), key: "k-123", dvrWindowSeconds: 7200))
        #expect(created.state == .idle)
        #expect(throws: CatalogError.liveStreamExists(name("cam1"))) {
            try catalog.createLiveStream(LiveStreamRecord(id: name("cam1"), key: "other", dvrWindowSeconds: 60))
        }
        #expect(throws: CatalogError.liveStreamKeyInUse) {
            try catalog.createLiveStream(LiveStreamRecord(id: name("cam2"), key: "k-123", dvrWindowSeconds: 60))
        }
        #expect(try catalog.liveStream(key: "k-123")?.id == name("cam1"))
        #expect(try catalog.liveStream(key: "nope") == nil)
        try catalog.setLiveStreamState(id: name("cam1"), state: .live)
        #expect(try catalog.liveStream(id: name("cam1"))?.state == .live)
        #expect(try catalog.listLiveStreams().map(\.id) == [name("cam1")])
        #expect(try catalog.deleteLiveStream(id: name("cam1")))
        #expect(try catalog.deleteLiveStream(id: name("cam1")) == false)
    }
}
