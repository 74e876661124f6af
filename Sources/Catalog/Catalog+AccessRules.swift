import Foundation
import GRDB
import MediaCore

/// An item's stored access rules as the catalog keeps them: the policy name and country code lists.
/// The Access target gives them meaning; the catalog only stores them.
public struct AccessRulesRecord: Sendable, Equatable {
    public var policy: String?
    public var blockedCountries: [String]
    public var allowedCountries: [String]

    public init(policy: String?, blockedCountries: [String] = [], allowedCountries: [String] = []) {
        self.policy = policy
        self.blockedCountries = blockedCountries
        self.allowedCountries = allowedCountries
    }
}

extension Catalog {
    public func accessRules(tree: String, owner: SafeName) throws -> AccessRulesRecord? {
        try perform("read access rules of \(tree)/\(owner)") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM access_rules WHERE tree = ? AND owner = ?",
                                 arguments: [tree, owner.rawValue]).map { row in
                    AccessRulesRecord(policy: row["policy"], blockedCountries: Self.codes(row["blocked_countries"]),
                                      allowedCountries: Self.codes(row["allowed_countries"]))
                }
            }
        }
    }

    public func setAccessRules(tree: String, owner: SafeName, _ rules: AccessRulesRecord?) throws {
        try perform("store access rules of \(tree)/\(owner)") {
            try writer.write { db in
                guard let rules else {
                    try db.execute(sql: "DELETE FROM access_rules WHERE tree = ? AND owner = ?", arguments: [tree, owner.rawValue])
                    return
                }
                try db.execute(sql: """
                    INSERT INTO access_rules (tree, owner, policy, blocked_countries, allowed_countries) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (tree, owner) DO UPDATE SET policy = excluded.policy,
                        blocked_countries = excluded.blocked_countries, allowed_countries = excluded.allowed_countries
                    """, arguments: [tree, owner.rawValue, rules.policy, rules.blockedCountries.joined(separator: ","),
                                     rules.allowedCountries.joined(separator: ",")])
            }
        }
    }

    private static func codes(_ text: String?) -> [String] { CatalogRules.codes(text) }
}
