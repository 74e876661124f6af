import Analytics
import CatalogPostgres
import Foundation
import GRDB
import MediaCore
import Testing
import TestSupport
@testable import Catalog

/// What the behaviour tests use of a catalog, which both backends provide.
protocol TestableCatalog: CatalogStore, ContentKeyStore, AnalyticsStore {
    func updateContentMetadata(kind: ContentEntry.Kind, id: SafeName, change: ContentMetadataChange) throws -> Bool
    func contentEntry(kind: ContentEntry.Kind, id: SafeName) throws -> ContentEntry?
    func listContent(search: String?, after cursor: ContentCursor?, limit: Int) throws -> [ContentEntry]
}
extension Catalog: TestableCatalog {}
extension PostgresCatalog: TestableCatalog {}

/// The catalog backends the behaviour tests run against: SQLite, and PostgreSQL 15 started by the test
/// itself (never skipped: a missing PostgreSQL fails the test, saying why).
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// One test's database: a file in a temporary folder, or a fresh PostgreSQL server. `open()` gives a new
/// store on it each time (two stores act like two processes or two nodes); `stop()` ends the server.
final class TestDatabase: @unchecked Sendable {
    let backend: Backend
    let clock: @Sendable () -> Date
    let folder: TemporaryFolder
    private(set) var server: PostgresTestServer?
    private var stores: [PostgresCatalog] = []

    init(_ backend: Backend, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.backend = backend
        self.clock = clock
        folder = try TemporaryFolder()
        if backend == .postgres { server = try PostgresTestServer() }
    }

    var location: PostgresLocation? { server.flatMap { try? PostgresLocation(url: $0.url) } }

    func open() throws -> any TestableCatalog {
        switch backend {
        case .sqlite:
            return try Catalog(path: folder.catalogFile, clock: clock)
        case .postgres:
            let store = try PostgresCatalog(location: location!, timeout: .seconds(5), clock: clock)
            stores.append(store)
            return store
        }
    }

    /// Rows in `table`, read behind the store's back.
    func rowCount(_ table: String) throws -> Int {
        switch backend {
        case .sqlite:
            return try DatabaseQueue(path: folder.catalogFile.path).read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1
            }
        case .postgres:
            return Int(try server!.psql("SELECT COUNT(*) FROM \(table)")) ?? -1
        }
    }

    /// Runs SQL behind the store's back (planting rows a newer version would write).
    func execute(_ sql: String) throws {
        switch backend {
        case .sqlite:
            try DatabaseQueue(path: folder.catalogFile.path).write { db in try db.execute(sql: sql) }
        case .postgres:
            _ = try server!.psql(sql)
        }
    }

    func stop() {
        for store in stores { store.close() }
        stores = []
        server?.server.stop()
    }

    deinit { stop() }
}
