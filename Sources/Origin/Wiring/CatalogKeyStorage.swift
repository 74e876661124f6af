import Catalog
import Foundation
import Protection

/// The vault's storage on the catalog: sealed keys in `content_keys`, DRM signalling as JSON beside them.
public struct CatalogKeyStorage: SealedKeyStorage {
    let store: any ContentKeyStore

    public init(store: any ContentKeyStore) {
        self.store = store
    }

    public func sealedKey(owner: KeyOwner, period: Int) throws -> SealedKeyRecord? {
        try store.contentKey(ownerKind: owner.kind, ownerID: owner.id, period: period).map(Self.record)
    }

    public func sealedKey(kid: KeyID) throws -> SealedKeyRecord? {
        try store.contentKey(kid: kid.hex).map(Self.record)
    }

    public func insert(_ record: SealedKeyRecord) throws -> SealedKeyRecord {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let signalling = String(decoding: try encoder.encode(record.signalling), as: UTF8.self)
        return Self.record(try store.insertContentKey(StoredContentKey(
            ownerKind: record.owner.kind, ownerID: record.owner.id, period: record.period, kid: record.kid.hex,
            sealed: record.sealed, signalling: signalling)))
    }

    static func record(_ stored: StoredContentKey) -> SealedKeyRecord {
        let signalling = (try? JSONDecoder().decode([DRMSignalling].self, from: Data(stored.signalling.utf8))) ?? []
        return SealedKeyRecord(owner: KeyOwner(kind: stored.ownerKind, id: stored.ownerID), period: stored.period,
                               kid: KeyID(stored.kid) ?? KeyID(bytes: [UInt8](repeating: 0, count: 16))!,
                               sealed: stored.sealed, signalling: signalling)
    }
}
