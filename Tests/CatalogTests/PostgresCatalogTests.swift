import CatalogPostgres
import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Catalog

/// What only the PostgreSQL catalog has: migrations shared by nodes, change notices, and a server that
/// goes away and comes back.
@Suite struct PostgresCatalogTests {
    @Test func sameMigrationsAsSQLiteAppliedOnceByNodesStartingTogether() async throws {
        #expect(PostgresCatalog.migrationNames == Catalog.migrationNames)
        let db = try TestDatabase(.postgres)
        defer { db.stop() }
        let location = try #require(db.location)
        // Four nodes start at once: the advisory lock lets one migrate, the others find it done.
        let opened = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { let store = try PostgresCatalog(location: location); defer { store.close() }; return try store.appliedMigrations() }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(opened.count == 4 && opened.allSatisfy { $0 == Catalog.migrationNames })
        #expect(try db.rowCount("mediaserve_migrations") == Catalog.migrationNames.count)

        try db.execute("INSERT INTO mediaserve_migrations (name) VALUES ('v99-from-the-future')")
        #expect(throws: CatalogError.newerSchema(path: location.description, unknownMigrations: ["v99-from-the-future"])) {
            try PostgresCatalog(location: location)
        }
    }

    @Test func urlsAreReadAndTheirMistakesNamed() throws {
        let location = try #require(try PostgresLocation(url: "postgres://ms:s%40cret@db.internal:6543/media"))
        #expect(location == PostgresLocation(host: "db.internal", port: 6543, user: "ms", password: "s@cret", database: "media"))
        #expect(location.description == "postgres://ms@db.internal:6543/media")
        #expect(try PostgresLocation(url: "postgresql://ms@db/media")?.port == 5432)
        #expect(try PostgresLocation(url: "/var/lib/catalog.sqlite") == nil)
        #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: "postgres://ms:pw@db:5432/") }
        #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: "postgres://db:5432/media") }
        let error = #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: "postgres://ms:topsecret@db:5432") }
        #expect(error?.description.contains("topsecret") == false)
    }

    /// A publish, a replace and a delete on one node reach another node's listener, and a stream's
    /// delete too; a rollback sends nothing.
    @Test func noticesReachAnotherNode() async throws {
        let db = try TestDatabase(.postgres)
        defer { db.stop() }
        let listening = try #require(try db.open() as? PostgresCatalog)
        let other = try db.open()
        let changes = RecordedEvents<CatalogChange>()
        let listener = PostgresChangeListener(catalog: listening) { changes.append($0) }
        listener.start()
        defer { listener.stop() }
        #expect(await changes.wait { $0.contains(.everything) })  // connected
        #expect(listener.isListening)

        try other.publishAsset(AssetRecord(id: assetID("film")), renditions: [audioIndex()], replace: false)
        #expect(await changes.wait { $0.filter { $0 == .asset("film") }.count == 1 })
        try other.publishAsset(AssetRecord(id: assetID("film")), renditions: [audioIndex(segments: 2)], replace: true)
        #expect(await changes.wait { $0.filter { $0 == .asset("film") }.count == 2 })
        #expect(throws: CatalogError.assetExists(assetID("film"))) {
            try other.publishAsset(AssetRecord(id: assetID("film")), renditions: [audioIndex()], replace: false)
        }
        #expect(try other.deleteAsset(assetID("film")))
        #expect(await changes.wait { $0.filter { $0 == .asset("film") }.count == 3 })
        _ = try other.createLiveStream(LiveStreamRecord(id: name("cam"), key: "k", dvrWindowSeconds: 60))
        #expect(try other.deleteLiveStream(id: name("cam")))
        #expect(await changes.wait { $0.contains(.stream("cam")) })
        // The refused publish (rolled back) sent nothing: exactly three notices for the asset.
        #expect(changes.count { $0 == .asset("film") } == 3)
    }

    /// PostgreSQL killed: calls fail at once with `unavailable` (never hang); restarted: the same store
    /// and the listener carry on by themselves.
    @Test func aRestartedServerIsReconnectedAndADeadOneFailsFast() async throws {
        let db = try TestDatabase(.postgres)
        defer { db.stop() }
        let catalog = try #require(try db.open() as? PostgresCatalog)
        let changes = RecordedEvents<CatalogChange>()
        let listener = PostgresChangeListener(catalog: catalog, retryInterval: .milliseconds(200)) { changes.append($0) }
        listener.start()
        defer { listener.stop() }
        #expect(await changes.wait { $0.count == 1 })
        try catalog.publishAsset(AssetRecord(id: assetID("kept")), renditions: [audioIndex()], replace: false)
        #expect(catalog.problem() == nil)

        let server = try #require(db.server)
        server.kill9()
        let started = ContinuousClock.now
        let error = #expect(throws: CatalogError.self) { try catalog.asset(assetID("kept")) }
        if case .unavailable(let location, _)? = error {
            #expect(location == catalog.location.description)
        } else {
            Issue.record("expected unavailable, got \(String(describing: error))")
        }
        #expect(throws: CatalogError.self) { try catalog.asset(assetID("kept")) }  // no pooled connection: connect refused
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(catalog.problem() != nil)
        #expect(await changes.wait { $0.count >= 2 })  // the listener saw its connection go: forget everything

        let restarted = try server.restarted()
        defer { restarted.server.stop() }
        #expect(try catalog.asset(assetID("kept"))?.id == assetID("kept"))
        #expect(catalog.problem() == nil)
        // Connected, lost, connected again: each time everything is forgotten.
        #expect(await changes.wait(timeout: 15) { $0.filter { $0 == .everything }.count >= 3 })
        #expect(await eventually(timeout: .seconds(10)) { listener.isListening })
        let other = try db.open()
        try other.deleteAsset(assetID("kept"))
        #expect(await changes.wait { $0.contains(.asset("kept")) })
    }
}
