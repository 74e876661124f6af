import Foundation

/// Where the PostgreSQL catalog is: `catalog.url: postgres://USER:PASS@HOST:PORT/DB` taken apart once at
/// start-up. The password never appears in `description` (logs, errors, `/readyz`).
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    public init(host: String, port: Int = 5432, user: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Nil when `url` is not a `postgres://` (or `postgresql://`) URL; throws when it is one but lacks a
    /// part the catalog needs, saying which.
    public init?(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else { return nil }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresLocationError("catalog.url \(Self.redact(text)) names no host: use postgres://USER:PASS@HOST:PORT/DB")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresLocationError("catalog.url \(Self.redact(text)) names no user: use postgres://USER:PASS@HOST:PORT/DB")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLocationError("catalog.url \(Self.redact(text)) names no database: use postgres://USER:PASS@HOST:PORT/DB")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw PostgresLocationError("catalog.url \(Self.redact(text)) has port \(port), outside 1-65535")
        }
        self.init(host: host, port: components.port ?? 5432, user: user.removingPercentEncoding ?? user,
                  password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database)
    }

    /// `postgres://USER@HOST:PORT/DB`, without the password.
    public var description: String { "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }

    private static func redact(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(unparsable)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unparsable)"
    }
}

public struct PostgresLocationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
