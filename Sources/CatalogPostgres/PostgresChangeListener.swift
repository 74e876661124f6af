import Catalog
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// Hears other nodes' catalog changes: one connection of its own that `LISTEN`s on
/// `PostgresCatalog.channel` and hands each notice to `onChange`. When the connection drops (PostgreSQL
/// restarted, the network failed) it reconnects by itself every `retryInterval`, and after every
/// (re)connection reports `.everything`, because notices sent while it was away are lost. Runs on the
/// catalog's event loop with futures only: nothing blocks, nothing needs a Swift task.
public final class PostgresChangeListener: Sendable {
    private let pool: PostgresPool
    private let onChange: @Sendable (CatalogChange) -> Void
    private let retryInterval: TimeAmount
    private let state = NIOLockedValueBox<(stopped: Bool, connection: PostgresConnection?)>((false, nil))

    public init(catalog: PostgresCatalog, retryInterval: TimeAmount = .milliseconds(500),
                onChange: @escaping @Sendable (CatalogChange) -> Void) {
        pool = catalog.pool
        self.retryInterval = retryInterval
        self.onChange = onChange
    }

    /// Whether it is listening now (`/readyz` and tests).
    public var isListening: Bool { state.withLockedValue { $0.connection.map { !$0.isClosed } ?? false } }

    public func start() {
        connect()
    }

    public func stop() {
        let connection = state.withLockedValue { state -> PostgresConnection? in
            state.stopped = true
            defer { state.connection = nil }
            return state.connection
        }
        connection?.close().whenComplete { _ in }
    }

    private func connect() {
        guard !state.withLockedValue({ $0.stopped }) else { return }
        let loop = pool.group.next()
        let id = Int.random(in: 1_000_000...9_999_999)
        let onChange = self.onChange
        PostgresConnection.connect(on: loop, configuration: pool.connectionConfiguration, id: id, logger: pool.logger)
            .flatMap { connection -> EventLoopFuture<PostgresConnection> in
                connection.addListener(channel: PostgresCatalog.channel) { _, notice in
                    if let change = CatalogChange(payload: notice.payload) { onChange(change) }
                }
                return connection.query("LISTEN \(unescaped: PostgresCatalog.channel)", logger: self.pool.logger)
                    .map { _ in connection }
                    .flatMapErrorWithEventLoop { error, loop in
                        connection.close().flatMapThrowing { throw error }
                    }
            }
            .whenComplete { result in
                switch result {
                case .success(let connection):
                    let stopped = self.state.withLockedValue { state -> Bool in
                        if !state.stopped { state.connection = connection }
                        return state.stopped
                    }
                    if stopped {
                        connection.close().whenComplete { _ in }
                        return
                    }
                    self.onChange(.everything)
                    connection.closeFuture.whenComplete { _ in
                        self.state.withLockedValue { if $0.connection === connection { $0.connection = nil } }
                        self.onChange(.everything)
                        self.retry(on: loop)
                    }
                case .failure(let error):
                    self.pool.logger.debug("catalog change listener cannot connect: \(error)")
                    self.retry(on: loop)
                }
            }
    }

    private func retry(on loop: any EventLoop) {
        guard !state.withLockedValue({ $0.stopped }) else { return }
        loop.scheduleTask(in: retryInterval) { self.connect() }
    }
}
