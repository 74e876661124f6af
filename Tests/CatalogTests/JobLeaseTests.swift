import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Catalog

/// Job leases (issue 14) on both backends, with the real clock: a lease lapses only in real time.
@Suite struct JobLeaseTests {
    static let shortLease = 1.0

    /// A worker that stops renewing loses the job: another claims it again from the start, the first can
    /// neither renew nor publish, and exactly one publish results.
    @Test(arguments: Backend.allCases) func aLapsedLeaseIsClaimedAgainAndOnlyTheNewHolderPublishes(_ backend: Backend) async throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let nodeA = try db.open(), nodeB = try db.open()
        _ = try nodeA.enqueueJob(id: "j1", assetID: assetID("movie"), sourcePath: "/in/movie.mov")
        let first = try #require(try nodeA.claimNextJob(lease: JobLeaseTerms(owner: "worker-a", seconds: Self.shortLease)))
        #expect(first.id == "j1" && first.attempts == 1 && first.leaseOwner == "worker-a" && first.leaseExpiresAt != nil)
        // While A's lease holds, B finds nothing to do.
        #expect(try nodeB.claimNextJob(lease: JobLeaseTerms(owner: "worker-b", seconds: 30)) == nil)
        // A dies (no more heartbeats); once the lease lapses B takes the job over.
        let box = ClaimBox()
        let taken = try await eventually(timeout: .seconds(15), poll: .milliseconds(100)) {
            box.job = try nodeB.claimNextJob(lease: JobLeaseTerms(owner: "worker-b", seconds: 30))
            return box.job != nil
        }
        #expect(taken)
        let second = try #require(box.job)
        #expect(second.id == "j1" && second.attempts == 2 && second.leaseOwner == "worker-b" && second.percent == 0)

        let aLease = try #require(first.lease), bLease = try #require(second.lease)
        #expect(throws: CatalogError.leaseLost(job: "j1")) { try nodeA.renewJobLease(aLease, seconds: 30) }
        #expect(throws: CatalogError.leaseLost(job: "j1")) {
            try nodeA.publishAsset(AssetRecord(id: assetID("movie"), title: "from A"), renditions: [audioIndex()], replace: false,
                                   metadata: ContentMetadataChange(), lease: aLease)
        }
        #expect(try nodeA.asset(assetID("movie")) == nil)
        try nodeB.renewJobLease(bLease, seconds: 30)
        let published = try nodeB.publishAsset(AssetRecord(id: assetID("movie"), title: "from B"), renditions: [audioIndex()],
                                               replace: false, metadata: ContentMetadataChange(), lease: bLease)
        #expect(published.version == 1)
        let done = try #require(try nodeA.job(id: "j1"))
        #expect(done.state == .succeeded && done.percent == 100)
        #expect(try nodeA.asset(assetID("movie"))?.title == "from B")
        // The publish ended the lease: nobody can take the job again.
        #expect(try nodeA.claimNextJob(lease: JobLeaseTerms(owner: "worker-a", seconds: 30)) == nil)
        #expect(throws: CatalogError.leaseLost(job: "j1")) { try nodeB.renewJobLease(bLease, seconds: 30) }
    }

    /// Heartbeats keep a job with its worker well past the lease length.
    @Test(arguments: Backend.allCases) func heartbeatsKeepTheJob(_ backend: Backend) async throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let nodeA = try db.open(), nodeB = try db.open()
        _ = try nodeA.enqueueJob(id: "j1", assetID: assetID("a"), sourcePath: "/a")
        let job = try #require(try nodeA.claimNextJob(lease: JobLeaseTerms(owner: "worker-a", seconds: Self.shortLease)))
        let lease = try #require(job.lease)
        let until = ContinuousClock.now + .seconds(3 * Self.shortLease)
        while ContinuousClock.now < until {
            try nodeA.renewJobLease(lease, seconds: Self.shortLease)
            #expect(try nodeB.claimNextJob(lease: JobLeaseTerms(owner: "worker-b", seconds: 30)) == nil)
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(try nodeB.job(id: "j1")?.leaseOwner == "worker-a")
    }

    /// A job whose worker keeps dying is given up after its attempts, not retried for ever.
    @Test(arguments: Backend.allCases) func lapsedLeasesUseUpTheAttempts(_ backend: Backend) async throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        _ = try catalog.enqueueJob(id: "j1", assetID: assetID("a"), sourcePath: "/a")
        let terms = JobLeaseTerms(owner: "w", seconds: 0.2, maxAttempts: 2)
        #expect(try catalog.claimNextJob(lease: terms)?.attempts == 1)
        let box = ClaimBox()
        #expect(try await eventually(timeout: .seconds(10), poll: .milliseconds(100)) {
            box.job = try catalog.claimNextJob(lease: terms)
            return box.job != nil
        })
        #expect(box.job?.attempts == 2)
        #expect(try await eventually(timeout: .seconds(10), poll: .milliseconds(100)) {
            _ = try catalog.claimNextJob(lease: terms)
            return try catalog.job(id: "j1")?.state == .interrupted
        })
        #expect(try catalog.job(id: "j1")?.error?.contains("lease") == true)
        #expect(try catalog.requeueJob(id: "j1").state == .queued)
    }
}

final class ClaimBox: @unchecked Sendable {
    var job: JobRecord?
}
