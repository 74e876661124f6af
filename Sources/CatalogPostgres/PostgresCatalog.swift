import Catalog
import Foundation
import Logging
import MediaCore
import NIOCore

/// The catalog on PostgreSQL (`catalog.url: postgres://...`, issue 14): the same tables and behaviour as
/// the SQLite `Catalog`, shared by every node. Every method is one transaction on a pooled connection
/// (`PostgresPool` says how the synchronous protocol waits on postgres-nio). Publishes, replaces and
/// deletes send `NOTIFY mediaserve_catalog` in their transaction, so other nodes hear of a change when it
/// commits (`PostgresChangeListener`).
public final class PostgresCatalog: CatalogStore, Sendable {
    let pool: PostgresPool
    let clock: @Sendable () -> Date
    public var location: PostgresLocation { pool.location }

    /// The channel every change notice goes to; the payload is `asset <id>` or `stream <id>`.
    public static let channel = "mediaserve_catalog"
    /// Key of the advisory lock nodes take while migrating, so two starting nodes never both migrate.
    static let migrationLockKey: Int64 = 0x6D65_6469_6173_7276  // "mediasrv"

    /// Connects, creates the schema or brings it up to date (under the advisory lock), and is ready.
    /// `timeout` bounds each statement and connection attempt; `clock` stamps created/updated times.
    public init(location: PostgresLocation, timeout: TimeAmount = .seconds(10), clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "mediaserve.catalog.postgres")) throws {
        pool = PostgresPool(location: location, timeout: timeout, logger: logger)
        self.clock = clock
        do {
            try migrate()
        } catch {
            pool.shutdown()
            throw error
        }
    }

    /// Names of the migrations this version knows, in order (the same as `Catalog.migrationNames`).
    public static var migrationNames: [String] { PostgresSchema.migrations.map(\.name) }

    /// Names of the migrations the database has run, in the order they ran.
    public func appliedMigrations() throws -> [String] {
        try pool.withSession("read migrations") { session in
            try session.query("SELECT name FROM mediaserve_migrations ORDER BY seq").map { try $0.get("name") }
        }
    }

    /// Closes the connections (tests; a server process just exits).
    public func close() { pool.shutdown() }

    deinit { pool.shutdown() }

    /// Applies the migrations the database lacks, in order, in one transaction holding an advisory lock:
    /// nodes starting together wait for each other, and the second finds nothing left to do. A database
    /// that ran a migration this version does not know was made by a newer mediaserve and is refused.
    private func migrate() throws {
        try pool.transaction("migrate") { session in
            try session.execute("SELECT pg_advisory_xact_lock($1)", [Self.migrationLockKey])
            try session.execute("""
                CREATE TABLE IF NOT EXISTS mediaserve_migrations (
                    seq SERIAL, name TEXT PRIMARY KEY NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let applied = Set(try session.query("SELECT name FROM mediaserve_migrations").map { try $0.get("name", as: String.self) })
            let unknown = applied.subtracting(Self.migrationNames).sorted()
            guard unknown.isEmpty else {
                throw CatalogError.newerSchema(path: location.description, unknownMigrations: unknown)
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in Self.statements(migration.sql) { try session.execute(statement) }
                try session.execute("INSERT INTO mediaserve_migrations (name) VALUES ($1)", [migration.name])
            }
        }
    }

    /// A migration's text as single statements (the extended protocol takes one at a time). No migration
    /// has a semicolon inside a literal.
    static func statements(_ sql: String) -> [String] {
        sql.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Tells other nodes, when the transaction commits, that an asset or live stream changed.
    static func notify(_ session: PostgresSession, kind: String, id: String) throws {
        try session.execute("SELECT pg_notify($1, $2)", [channel, "\(kind) \(id)"])
    }

    /// Whether the server answers now (`/readyz`); nil when it does, else what is wrong.
    public func problem() -> String? {
        do {
            _ = try pool.withSession("ping") { try $0.query("SELECT 1") }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
