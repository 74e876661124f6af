import Catalog
import Foundation
import NIOCore
import PostgresNIO

/// One checked-out connection, with synchronous statements: `query` returns rows, `execute` the number
/// of rows a statement changed. Placeholders are PostgreSQL's `$1`, `$2`, ...
struct PostgresSession {
    let connection: PostgresConnection
    let pool: PostgresPool

    func query(_ sql: String, _ values: [any SQLBindable] = []) throws -> [SQLRow] {
        let result = try pool.wait(connection.query(Self.statement(sql, values), logger: pool.logger), operation: "query")
        return result.rows.map { SQLRow(row: $0.makeRandomAccess()) }
    }

    func queryOne(_ sql: String, _ values: [any SQLBindable] = []) throws -> SQLRow? {
        try query(sql, values).first
    }

    @discardableResult
    func execute(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int {
        let result = try pool.wait(connection.query(Self.statement(sql, values), logger: pool.logger), operation: "statement")
        return result.metadata.rows ?? 0
    }

    private static func statement(_ sql: String, _ values: [any SQLBindable]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { value.bind(into: &binds) }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

/// A value a statement binds to a placeholder; nil binds SQL NULL.
protocol SQLBindable {
    func bind(into binds: inout PostgresBindings)
}

extension String: SQLBindable { func bind(into binds: inout PostgresBindings) { binds.append(self) } }
extension Int: SQLBindable { func bind(into binds: inout PostgresBindings) { binds.append(self) } }
extension Int64: SQLBindable { func bind(into binds: inout PostgresBindings) { binds.append(self) } }
extension Double: SQLBindable { func bind(into binds: inout PostgresBindings) { binds.append(self) } }
extension Bool: SQLBindable { func bind(into binds: inout PostgresBindings) { binds.append(self) } }
extension Date: SQLBindable { func bind(into binds: inout PostgresBindings) { binds.append(self) } }
extension ByteBuffer: SQLBindable { func bind(into binds: inout PostgresBindings) { binds.append(self) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    func bind(into binds: inout PostgresBindings) {
        switch self {
        case .some(let value): value.bind(into: &binds)
        case .none: binds.appendNull()
        }
    }
}

/// One result row, read by column name.
struct SQLRow {
    let row: PostgresRandomAccessRow

    func get<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        do {
            return try row[column].decode(T.self)
        } catch {
            throw CatalogError.invalidStoredValue(table: "(query)", column: column, value: "\(error)")
        }
    }

    func get<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        do {
            return try row[index].decode(T.self)
        } catch {
            throw CatalogError.invalidStoredValue(table: "(query)", column: "#\(index)", value: "\(error)")
        }
    }
}
