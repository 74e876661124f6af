import Catalog
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// The connections of one PostgreSQL catalog, used from synchronous code.
///
/// `CatalogStore` is synchronous (GRDB is, and every caller is written for it), while postgres-nio is
/// built on SwiftNIO futures. The pool owns its own one-thread `EventLoopGroup`, and a caller blocks on a
/// semaphore that the future's completion signals on that loop. It never waits through a Swift `Task`:
/// with every cooperative thread blocked in a catalog call, such a task could never run (a deadlock on a
/// 2-core machine), while the pool's loop is never blocked by anyone, so it always completes the future.
/// A caller on another NIO loop is blocked as it would be by SQLite, no worse.
///
/// Idle connections are kept (at most `maxIdle`) and a broken one is dropped, so after PostgreSQL restarts
/// the next call simply connects again. Connecting has a short timeout and every wait a deadline, so while
/// the server is down calls fail fast with `CatalogError.unavailable` instead of hanging a request.
final class PostgresPool: Sendable {
    let location: PostgresLocation
    let group: MultiThreadedEventLoopGroup
    let connectionConfiguration: PostgresConnection.Configuration
    private let idle = NIOLockedValueBox<[PostgresConnection]>([])
    private let nextID = NIOLockedValueBox<Int>(1)
    private let closed = NIOLockedValueBox<Bool>(false)
    let logger: Logger
    let maxIdle = 8
    /// How long one statement (or a connection attempt) may take before the call gives up.
    let timeout: TimeAmount

    init(location: PostgresLocation, timeout: TimeAmount = .seconds(10), logger: Logger) {
        self.location = location
        self.timeout = timeout
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                            password: location.password, database: location.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(3)
        connectionConfiguration = configuration
    }

    /// A new connection, not from the pool (the change listener keeps one of its own).
    func connect() throws -> PostgresConnection {
        let id = nextID.withLockedValue { value in defer { value += 1 }; return value }
        return try wait(PostgresConnection.connect(on: group.next(), configuration: connectionConfiguration, id: id, logger: logger),
                        operation: "connect")
    }

    /// Runs `body` on a pooled connection. A connection that failed below SQL (closed, timed out) is
    /// closed instead of returned.
    func withSession<T>(_ operation: String, _ body: (PostgresSession) throws -> T) throws -> T {
        guard !closed.withLockedValue({ $0 }) else { throw CatalogError.unavailable(location: location.description, reason: "the catalog is closed") }
        let pooled = idle.withLockedValue { idle -> PostgresConnection? in
            while let last = idle.popLast() {
                if !last.isClosed { return last }
                last.close().whenComplete { _ in }
            }
            return nil
        }
        let connection: PostgresConnection
        do {
            connection = try pooled ?? connect()
        } catch {
            throw map(error, operation: operation)
        }
        let session = PostgresSession(connection: connection, pool: self)
        do {
            let result = try body(session)
            checkIn(connection)
            return result
        } catch {
            if Self.isServerError(error) && !connection.isClosed {
                checkIn(connection)
            } else {
                connection.close().whenComplete { _ in }
            }
            logger.debug("catalog \(operation) failed: \(String(reflecting: error))")
            throw map(error, operation: operation)
        }
    }

    /// Runs `body` in one transaction (`BEGIN` ... `COMMIT`, `ROLLBACK` when it throws).
    func transaction<T>(_ operation: String, _ body: (PostgresSession) throws -> T) throws -> T {
        try withSession(operation) { session in
            try session.execute("BEGIN")
            do {
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                if !session.connection.isClosed { _ = try? session.execute("ROLLBACK") }
                throw error
            }
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        let surplus: PostgresConnection? = idle.withLockedValue { idle in
            guard !connection.isClosed, idle.count < maxIdle, !closed.withLockedValue({ $0 }) else { return connection }
            idle.append(connection)
            return nil
        }
        surplus?.close().whenComplete { _ in }
    }

    /// Blocks until `future` completes on the pool's loop, or `timeout` passes.
    func wait<T>(_ future: EventLoopFuture<T>, operation: String, timeout: TimeAmount? = nil) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = NIOLockedValueBox<Result<T, any Error>?>(nil)
        future.whenComplete { result in
            box.withLockedValue { $0 = result }
            done.signal()
        }
        let limit = timeout ?? self.timeout
        if done.wait(timeout: .now() + .nanoseconds(Int(limit.nanoseconds))) == .timedOut {
            throw CatalogError.unavailable(location: location.description,
                                           reason: "\(operation) got no answer within \(limit.nanoseconds / 1_000_000_000) s")
        }
        return try box.withLockedValue { $0! }.get()
    }

    /// Closes every idle connection and stops the loop; later calls fail with `unavailable`.
    func shutdown() {
        closed.withLockedValue { $0 = true }
        let connections = idle.withLockedValue { idle in defer { idle = [] }; return idle }
        for connection in connections { _ = try? wait(connection.close(), operation: "close", timeout: .seconds(2)) }
        try? group.syncShutdownGracefully()
    }

    /// The server answered with an SQL error: the connection itself is fine.
    static func isServerError(_ error: any Error) -> Bool {
        (error as? PSQLError)?.code == .server || error is CatalogError
    }

    /// SQL errors become `CatalogError.database` naming the operation and the server's message; a failure to
    /// reach the server becomes `unavailable`; the catalog's own errors pass through.
    func map(_ error: any Error, operation: String) -> any Error {
        if error is CatalogError { return error }
        if let error = error as? PSQLError {
            if error.code == .server {
                let message = error.serverInfo?[.message] ?? "server error"
                let state = error.serverInfo?[.sqlState] ?? "?"
                if state == "53100" { return CatalogError.diskFull(operation: operation, path: location.description) }
                return CatalogError.database(operation: operation, reason: "\(message) (SQLSTATE \(state))")
            }
            return CatalogError.unavailable(location: location.description, reason: Self.describe(error))
        }
        return CatalogError.unavailable(location: location.description, reason: String(describing: error))
    }

    private static func describe(_ error: PSQLError) -> String {
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
