import Foundation
import GRDB

/// A content key as the catalog holds it: sealed bytes only (the Protection module seals and opens them).
public struct StoredContentKey: Hashable, Sendable {
    /// `vod` or `live`.
    public var ownerKind: String
    public var ownerID: String
    public var period: Int
    /// 32 lower-case hex digits.
    public var kid: String
    public var sealed: [UInt8]
    /// JSON array of the DRM systems' signalling from a key server (`[]` for server-made keys).
    public var signalling: String

    public init(ownerKind: String, ownerID: String, period: Int, kid: String, sealed: [UInt8], signalling: String = "[]") {
        self.ownerKind = ownerKind
        self.ownerID = ownerID
        self.period = period
        self.kid = kid
        self.sealed = sealed
        self.signalling = signalling
    }
}

/// The catalog seam for encryption: which items are encrypted, their sealed keys and the master-key
/// check. Separate from `CatalogStore` so stores that do not hold keys need not change.
public protocol ContentKeyStore: Sendable {
    func isEncrypted(ownerKind: String, ownerID: String) throws -> Bool
    func setEncrypted(ownerKind: String, ownerID: String, _ encrypted: Bool) throws
    func contentKey(ownerKind: String, ownerID: String, period: Int) throws -> StoredContentKey?
    func contentKey(kid: String) throws -> StoredContentKey?
    /// Stores the key unless the owner already has one for that period; returns the one stored.
    func insertContentKey(_ key: StoredContentKey) throws -> StoredContentKey
    func deleteContentKeys(ownerKind: String, ownerID: String) throws
    /// Stores `check` unless one is stored; returns the stored one.
    func masterKeyCheck(storingIfAbsent check: [UInt8]?) throws -> [UInt8]?
    /// Whether any item is marked encrypted (start-up refuses to go on silently without a master key).
    func hasEncryptedItems() throws -> Bool
}

extension Catalog: ContentKeyStore {
    public func isEncrypted(ownerKind: String, ownerID: String) throws -> Bool {
        try perform("read encryption flag of \(ownerKind)/\(ownerID)") {
            try writer.read { db in
                try Bool.fetchOne(db, sql: "SELECT 1 FROM encrypted_items WHERE owner_kind = ? AND owner_id = ?",
                                  arguments: [ownerKind, ownerID]) ?? false
            }
        }
    }

    public func setEncrypted(ownerKind: String, ownerID: String, _ encrypted: Bool) throws {
        try perform("set encryption flag of \(ownerKind)/\(ownerID)") {
            try writer.write { db in
                if encrypted {
                    try db.execute(sql: "INSERT OR IGNORE INTO encrypted_items (owner_kind, owner_id) VALUES (?, ?)",
                                   arguments: [ownerKind, ownerID])
                } else {
                    try db.execute(sql: "DELETE FROM encrypted_items WHERE owner_kind = ? AND owner_id = ?",
                                   arguments: [ownerKind, ownerID])
                }
            }
        }
    }

    public func contentKey(ownerKind: String, ownerID: String, period: Int) throws -> StoredContentKey? {
        try perform("read content key of \(ownerKind)/\(ownerID)") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM content_keys WHERE owner_kind = ? AND owner_id = ? AND period = ?",
                                 arguments: [ownerKind, ownerID, period]).map(Self.storedKey)
            }
        }
    }

    public func contentKey(kid: String) throws -> StoredContentKey? {
        try perform("read content key \(kid)") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM content_keys WHERE kid = ?", arguments: [kid]).map(Self.storedKey)
            }
        }
    }

    public func insertContentKey(_ key: StoredContentKey) throws -> StoredContentKey {
        try perform("store content key of \(key.ownerKind)/\(key.ownerID)") {
            try writer.write { db in
                try db.execute(sql: """
                    INSERT OR IGNORE INTO content_keys (kid, owner_kind, owner_id, period, sealed, signalling, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [key.kid, key.ownerKind, key.ownerID, key.period, Data(key.sealed), key.signalling, clock()])
                guard let stored = try Row.fetchOne(db, sql: "SELECT * FROM content_keys WHERE owner_kind = ? AND owner_id = ? AND period = ?",
                                                    arguments: [key.ownerKind, key.ownerID, key.period]) else {
                    throw CatalogError.database(operation: "store content key", reason: "key id \(key.kid) is already used by another item")
                }
                return Self.storedKey(stored)
            }
        }
    }

    public func deleteContentKeys(ownerKind: String, ownerID: String) throws {
        try perform("delete content keys of \(ownerKind)/\(ownerID)") {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM content_keys WHERE owner_kind = ? AND owner_id = ?", arguments: [ownerKind, ownerID])
            }
        }
    }

    public func masterKeyCheck(storingIfAbsent check: [UInt8]?) throws -> [UInt8]? {
        try perform("read master key check") {
            try writer.write { db in
                if let check {
                    try db.execute(sql: "INSERT OR IGNORE INTO drm_master_key_check (id, sealed) VALUES (1, ?)", arguments: [Data(check)])
                }
                return try Data.fetchOne(db, sql: "SELECT sealed FROM drm_master_key_check WHERE id = 1").map { [UInt8]($0) }
            }
        }
    }

    public func hasEncryptedItems() throws -> Bool {
        try perform("count encrypted items") {
            try writer.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM encrypted_items LIMIT 1") ?? false }
        }
    }

    private static func storedKey(_ row: Row) -> StoredContentKey {
        StoredContentKey(ownerKind: row["owner_kind"], ownerID: row["owner_id"], period: row["period"], kid: row["kid"],
                         sealed: [UInt8](row["sealed"] as Data), signalling: row["signalling"])
    }
}
