import Catalog
import Foundation
import NIOCore

/// Encryption flags, sealed content keys and the master-key check on PostgreSQL. Two origins creating
/// the same item's key at once both insert `ON CONFLICT DO NOTHING` and both return the one that won.
extension PostgresCatalog: ContentKeyStore {
    public func isEncrypted(ownerKind: String, ownerID: String) throws -> Bool {
        try pool.withSession("read encryption flag of \(ownerKind)/\(ownerID)") { session in
            try session.queryOne("SELECT 1 FROM encrypted_items WHERE owner_kind = $1 AND owner_id = $2", [ownerKind, ownerID]) != nil
        }
    }

    public func setEncrypted(ownerKind: String, ownerID: String, _ encrypted: Bool) throws {
        try pool.withSession("set encryption flag of \(ownerKind)/\(ownerID)") { session in
            if encrypted {
                try session.execute("INSERT INTO encrypted_items (owner_kind, owner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                    [ownerKind, ownerID])
            } else {
                try session.execute("DELETE FROM encrypted_items WHERE owner_kind = $1 AND owner_id = $2", [ownerKind, ownerID])
            }
        }
    }

    public func contentKey(ownerKind: String, ownerID: String, period: Int) throws -> StoredContentKey? {
        try pool.withSession("read content key of \(ownerKind)/\(ownerID)") { session in
            try session.queryOne("SELECT * FROM content_keys WHERE owner_kind = $1 AND owner_id = $2 AND period = $3",
                                 [ownerKind, ownerID, period]).map(Self.storedKey)
        }
    }

    public func contentKey(kid: String) throws -> StoredContentKey? {
        try pool.withSession("read content key \(kid)") { session in
            try session.queryOne("SELECT * FROM content_keys WHERE kid = $1", [kid]).map(Self.storedKey)
        }
    }

    public func insertContentKey(_ key: StoredContentKey) throws -> StoredContentKey {
        try pool.transaction("store content key of \(key.ownerKind)/\(key.ownerID)") { session in
            try session.execute("""
                INSERT INTO content_keys (kid, owner_kind, owner_id, period, sealed, signalling, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
                """, [key.kid, key.ownerKind, key.ownerID, key.period, ByteBuffer(bytes: key.sealed), key.signalling, clock()])
            guard let stored = try session.queryOne("SELECT * FROM content_keys WHERE owner_kind = $1 AND owner_id = $2 AND period = $3",
                                                    [key.ownerKind, key.ownerID, key.period]) else {
                throw CatalogError.database(operation: "store content key", reason: "key id \(key.kid) is already used by another item")
            }
            return try Self.storedKey(stored)
        }
    }

    public func deleteContentKeys(ownerKind: String, ownerID: String) throws {
        try pool.withSession("delete content keys of \(ownerKind)/\(ownerID)") { session in
            try session.execute("DELETE FROM content_keys WHERE owner_kind = $1 AND owner_id = $2", [ownerKind, ownerID])
        }
    }

    public func masterKeyCheck(storingIfAbsent check: [UInt8]?) throws -> [UInt8]? {
        try pool.transaction("read master key check") { session in
            if let check {
                try session.execute("INSERT INTO drm_master_key_check (id, sealed) VALUES (1, $1) ON CONFLICT DO NOTHING",
                                    [ByteBuffer(bytes: check)])
            }
            return try session.queryOne("SELECT sealed FROM drm_master_key_check WHERE id = 1")
                .map { Array(buffer: try $0.get("sealed", as: ByteBuffer.self)) }
        }
    }

    public func hasEncryptedItems() throws -> Bool {
        try pool.withSession("count encrypted items") { session in
            try session.queryOne("SELECT 1 FROM encrypted_items LIMIT 1") != nil
        }
    }

    private static func storedKey(_ row: SQLRow) throws -> StoredContentKey {
        StoredContentKey(ownerKind: try row.get("owner_kind"), ownerID: try row.get("owner_id"), period: try row.get("period"),
                         kid: try row.get("kid"), sealed: Array(buffer: try row.get("sealed", as: ByteBuffer.self)),
                         signalling: try row.get("signalling"))
    }
}
