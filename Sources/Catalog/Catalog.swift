import Foundation
import GRDB
import MediaCore

/// The SQLite catalog (GRDB): assets with their segment index, the job queue and live streams.
///
/// A file catalog is a `DatabasePool` in WAL mode, so the origin's many reads run in parallel with an
/// ingest's writes; an in-memory catalog (tests) is a `DatabaseQueue`. Every method is one transaction.
public final class Catalog: CatalogStore, Sendable {
    let writer: any DatabaseWriter
    /// The database file, or ":memory:".
    public let location: String
    let clock: @Sendable () -> Date

    /// Opens (creating and migrating if needed) the catalog file.
    public convenience init(path: URL) throws {
        try self.init(path: path, clock: { Date() })
    }

    /// `clock` stamps created/updated times (tests inject one).
    public init(path: URL, clock: @escaping @Sendable () -> Date) throws {
        location = path.path
        self.clock = clock
        do {
            writer = try DatabasePool(path: path.path, configuration: Self.configuration())
        } catch let error as DatabaseError {
            throw Self.openError(error, path: path.path)
        } catch {
            throw CatalogError.cannotOpen(path: path.path, reason: String(describing: error))
        }
        try migrate()
    }

    private init(memoryWithClock clock: @escaping @Sendable () -> Date) throws {
        location = ":memory:"
        self.clock = clock
        writer = try DatabaseQueue(configuration: Self.configuration())
        try migrate()
    }

    /// A private, empty catalog in memory (tests).
    public static func inMemory(clock: @escaping @Sendable () -> Date = { Date() }) throws -> Catalog {
        try Catalog(memoryWithClock: clock)
    }

    /// Names of the migrations this version knows, in order.
    public static var migrationNames: [String] { CatalogSchema.migrations.map(\.name) }

    /// Names of the migrations the database has run.
    public func appliedMigrations() throws -> [String] {
        try perform("read migrations") { try writer.read { db in try CatalogSchema.migrator.appliedMigrations(db) } }
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // `mediaserve ingest` and `mediaserve serve` may share one file: wait for the other's write.
        configuration.busyMode = .timeout(10)
        configuration.label = "mediaserve.catalog"
        return configuration
    }

    private func migrate() throws {
        let migrator = CatalogSchema.migrator
        do {
            let (superseded, applied) = try writer.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db))
            }
            if superseded {
                let unknown = applied.subtracting(Self.migrationNames).sorted()
                throw CatalogError.newerSchema(path: location, unknownMigrations: unknown)
            }
            try migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw Self.openError(error, path: location)
        }
    }

    private static func openError(_ error: DatabaseError, path: String) -> CatalogError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
        default:
            return .cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Runs a database operation, turning GRDB errors into `CatalogError.database` naming the operation.
    func perform<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_FULL {
                throw CatalogError.diskFull(operation: operation, path: location)
            }
            if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
                throw CatalogError.corrupt(path: location, reason: error.message ?? "\(error.resultCode)")
            }
            throw CatalogError.database(operation: operation, reason: error.message ?? "\(error.resultCode)")
        }
    }
}
