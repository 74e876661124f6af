import Foundation
import Synchronization

/// Which item a key belongs to: a VOD asset or a live stream (`kind` is `vod` or `live`).
public struct KeyOwner: Hashable, Sendable, CustomStringConvertible {
    public let kind: String
    public let id: String

    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind)/\(id)" }
}

/// A key as stored: the owner, the period, the key id and the sealed bytes, plus the key server's
/// signalling as JSON. `KeyVault` reads and writes these through `SealedKeyStorage` (the catalog).
public struct SealedKeyRecord: Hashable, Sendable {
    public var owner: KeyOwner
    public var period: Int
    public var kid: KeyID
    public var sealed: [UInt8]
    public var signalling: [DRMSignalling]

    public init(owner: KeyOwner, period: Int, kid: KeyID, sealed: [UInt8], signalling: [DRMSignalling]) {
        self.owner = owner
        self.period = period
        self.kid = kid
        self.sealed = sealed
        self.signalling = signalling
    }
}

/// Where sealed keys live (the catalog, adapted in the Origin wiring).
public protocol SealedKeyStorage: Sendable {
    func sealedKey(owner: KeyOwner, period: Int) throws -> SealedKeyRecord?
    func sealedKey(kid: KeyID) throws -> SealedKeyRecord?
    /// Inserts unless the owner has a key for the period; returns the stored record (the race winner).
    func insert(_ record: SealedKeyRecord) throws -> SealedKeyRecord
}

/// The one place content keys are made, fetched, sealed and opened.
///
/// A key is created the first time an encrypted item (or live key period) needs one: from the SPEKE key
/// server when one is configured, else generated here; it is sealed under the master key and stored, and
/// the clear key is kept in memory afterwards. Without a master key every call fails with
/// `masterKeyMissing`, so nothing encrypted is served and the message says why.
public final class KeyVault: Sendable {
    private let master: MasterKey?
    private let storage: any SealedKeyStorage
    private let keyServer: SPEKEClient?
    private let keyServerScheme: SampleScheme
    private let cache = Mutex<[KeyID: ServedKeyEntry]>([:])
    private let byOwner = Mutex<[String: KeyID]>([:])

    public struct ServedKeyEntry: Sendable, Hashable {
        public let owner: KeyOwner
        public let served: ServedKey
    }

    public init(master: MasterKey?, storage: any SealedKeyStorage, keyServer: SPEKEClient? = nil,
                keyServerScheme: SampleScheme = .cenc) {
        self.master = master
        self.storage = storage
        self.keyServer = keyServer
        self.keyServerScheme = keyServerScheme
    }

    public var hasMasterKey: Bool { master != nil }

    /// The key of `owner` for key period `period` (0 for VOD), created on first use.
    public func key(owner: KeyOwner, period: Int) async throws -> ServedKey {
        let ownerKey = "\(owner)#\(period)"
        if let kid = byOwner.withLock({ $0[ownerKey] }), let hit = cache.withLock({ $0[kid] }) { return hit.served }
        guard let master else { throw ProtectionError.masterKeyMissing(subject: "\(owner)") }
        let record: SealedKeyRecord
        if let stored = try storage.sealedKey(owner: owner, period: period) {
            record = stored
        } else {
            let made: ServedKey
            if let keyServer {
                guard let fetched = try await keyServer.keys(contentID: owner.id, scheme: keyServerScheme, periodIndexes: [period]).first else {
                    throw ProtectionError.keyServer(reason: "no key in the answer")
                }
                made = fetched
            } else {
                made = ServedKey(period: KeyPeriod(index: period, key: .generate()), signalling: [])
            }
            record = try storage.insert(SealedKeyRecord(owner: owner, period: period, kid: made.period.key.id,
                                                        sealed: master.seal(made.period.key), signalling: made.signalling))
        }
        return try remember(record, master: master).served
    }

    /// The key with this id and its owner, nil when no item has it (a key request for an unknown id).
    public func key(kid: KeyID) throws -> ServedKeyEntry? {
        if let hit = cache.withLock({ $0[kid] }) { return hit }
        guard let master else { throw ProtectionError.masterKeyMissing(subject: "key \(kid)") }
        guard let record = try storage.sealedKey(kid: kid) else { return nil }
        return try remember(record, master: master)
    }

    private func remember(_ record: SealedKeyRecord, master: MasterKey) throws -> ServedKeyEntry {
        let key = try master.open(record.sealed, kid: record.kid)
        let entry = ServedKeyEntry(owner: record.owner,
                                   served: ServedKey(period: KeyPeriod(index: record.period, key: key), signalling: record.signalling))
        cache.withLock { $0[record.kid] = entry }
        byOwner.withLock { $0["\(record.owner)#\(record.period)"] = record.kid }
        return entry
    }

    /// Forgets an owner's keys (after the item is deleted).
    public func forget(owner: KeyOwner) {
        let prefix = "\(owner)#"
        let kids = byOwner.withLock { map in
            let gone = map.filter { $0.key.hasPrefix(prefix) }
            for key in gone.keys { map[key] = nil }
            return Array(gone.values)
        }
        cache.withLock { cache in for kid in kids { cache[kid] = nil } }
    }
}
