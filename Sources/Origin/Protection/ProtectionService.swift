import Catalog
import Foundation
import MediaCore
import Storage
import Packaging
import Protection
import Synchronization

/// What the origin needs to deliver encrypted items: which items are encrypted, their keys (the vault),
/// the configured schemes, key rotation and the access seam for key requests.
public final class ProtectionService: Sendable {
    public struct Settings: Sendable, Equatable {
        /// `aes128` or `sampleAES` (`drm.hls_method`).
        public var hlsScheme: EncryptionScheme
        /// `cenc` or `cbcs` (`drm.dash_scheme`).
        public var dashScheme: EncryptionScheme
        /// `drm.key_rotation_seconds` for live streams; 0 = one key per stream.
        public var rotationSeconds: Int
        /// `drm.cache_max_bytes`: encrypted segments and inits kept in memory (LRU); 0 = encrypt every request.
        public var cacheMaxBytes: Int

        public init(hlsScheme: EncryptionScheme = .aes128, dashScheme: EncryptionScheme = .cenc, rotationSeconds: Int = 0,
                    cacheMaxBytes: Int = 256 << 20) {
            self.hlsScheme = hlsScheme
            self.dashScheme = dashScheme
            self.rotationSeconds = rotationSeconds
            self.cacheMaxBytes = cacheMaxBytes
        }
    }

    public let vault: KeyVault
    public let settings: Settings
    public let access: any KeyAccessPolicy
    /// Encrypted bytes already made, keyed by everything they depend on (`EncryptedObjectKey`).
    let encryptedObjects: EncryptedObjectCache
    private let store: any ContentKeyStore
    /// Encryption flags by owner, so a segment request does not read the catalog; `setEncrypted` and
    /// `forget` keep it current on this node.
    private let known = Mutex<[KeyOwner: Bool]>([:])

    public init(vault: KeyVault, settings: Settings, store: any ContentKeyStore, access: any KeyAccessPolicy = OpenKeyAccess()) {
        self.vault = vault
        self.settings = settings
        self.access = access
        self.store = store
        self.encryptedObjects = EncryptedObjectCache(maxBytes: settings.cacheMaxBytes)
    }

    static func owner(tree: MediaTree, id: SafeName) -> KeyOwner { KeyOwner(kind: tree.rawValue, id: id.rawValue) }

    public func isEncrypted(tree: MediaTree, owner: SafeName) throws -> Bool {
        let key = Self.owner(tree: tree, id: owner)
        if let hit = known.withLock({ $0[key] }) { return hit }
        let value = try store.isEncrypted(ownerKind: key.kind, ownerID: key.id)
        known.withLock { $0[key] = value }
        return value
    }

    /// Marks an item encrypted or clear (`PATCH /api/v1/assets/<id>`, live-stream creation).
    public func setEncrypted(tree: MediaTree, owner: SafeName, _ encrypted: Bool) throws {
        let key = Self.owner(tree: tree, id: owner)
        try store.setEncrypted(ownerKind: key.kind, ownerID: key.id, encrypted)
        known.withLock { $0[key] = encrypted }
        if !encrypted { encryptedObjects.removeAll(tree: key.kind, owner: key.id) }
    }

    /// An item was deleted: its keys go with it (a new item under the same id gets new keys).
    public func deleted(tree: MediaTree, owner: SafeName) throws {
        let key = Self.owner(tree: tree, id: owner)
        try store.deleteContentKeys(ownerKind: key.kind, ownerID: key.id)
        try store.setEncrypted(ownerKind: key.kind, ownerID: key.id, false)
        forget(tree: tree, owner: owner)
    }

    /// Call after the flag changed in the catalog behind this node's back.
    public func forget(tree: MediaTree, owner: SafeName) {
        let key = Self.owner(tree: tree, id: owner)
        known.withLock { $0[key] = nil }
        vault.forget(owner: key)
        encryptedObjects.removeAll(tree: key.kind, owner: key.id)
    }

    /// The scheme for a manifest request: `?scheme=` or the configured one for the manifest's protocol.
    func scheme(for manifest: ManifestName, query: [String: String]) throws -> EncryptionScheme {
        if let raw = query["scheme"] {
            let scheme: EncryptionScheme
            do { scheme = try EncryptionScheme(parsing: raw) } catch { throw OriginError.badRequest("\(error)") }
            switch (manifest, scheme) {
            case (.dash, .aes128), (.dash, .sampleAES):
                throw OriginError.badRequest("scheme=\(raw) is an HLS method; DASH takes cenc or cbcs")
            case (.hlsMaster, .cenc), (.hlsMedia, .cenc):
                throw OriginError.badRequest("scheme=cenc is for DASH; HLS takes aes-128 or sample-aes (cbcs)")
            default:
                return scheme
            }
        }
        return manifest == .dash ? settings.dashScheme : settings.hlsScheme
    }

    /// The signalling for one manifest: a key per key period the listing's segments fall in.
    func manifestProtection(scheme: EncryptionScheme, tree: MediaTree, owner: SafeName, listing: MediaListing,
                            licenceURL: String) async throws -> ManifestProtection {
        let keyOwner = Self.owner(tree: tree, id: owner)
        let rotation = tree == .live ? settings.rotationSeconds : 0
        let schedule = KeySchedule.periods(listing, rotation: KeyRotation(periodSeconds: rotation))
        var indexes = Set(schedule.values)
        if indexes.isEmpty { indexes.insert(0) }
        var periods: [ManifestProtection.Period] = []
        for index in indexes.sorted() {
            let served = try await key(owner: keyOwner, period: index)
            periods.append(Self.period(served, scheme: scheme))
        }
        let ivs = ManifestProtection.SegmentIVs(rule: "mediaserve-aes128-v1") { period, rendition, number in
            guard let kid = KeyID(period.kid) else { return "" }
            return IVDerivation.wholeSegment(kid: kid, stream: rendition.rawValue, segment: number).map { String(format: "%02x", $0) }.joined()
        }
        return ManifestProtection(
            hlsMethod: scheme == .aes128 ? .aes128 : scheme == .sampleAES ? .sampleAES : nil,
            dashScheme: scheme.isHLS ? nil : scheme.rawValue,
            periods: periods, rotationSeconds: rotation, segmentPeriods: schedule, urlQuery: "scheme=\(scheme.rawValue)",
            ivs: scheme == .aes128 ? ivs : nil, clearKeyLicenceURL: licenceURL)
    }

    static func period(_ served: ServedKey, scheme: EncryptionScheme) -> ManifestProtection.Period {
        let kid = served.period.key.id
        let signalling = served.signalling
        return ManifestProtection.Period(
            index: served.period.index, kid: kid.uuidString, keyURI: "/keys/\(kid.hex)",
            hlsKeyLines: scheme == .sampleAES ? signalling.compactMap(\.hlsMedia) : [],
            dashContentProtection: Dictionary(signalling.compactMap { entry in entry.contentProtectionData.map { (entry.systemID, $0) } },
                                              uniquingKeysWith: { first, _ in first }),
            psshBase64: Dictionary(signalling.compactMap { entry in entry.pssh.map { (entry.systemID, Data($0).base64EncodedString()) } }
                                   + [(DRMSystem.commonPSSH.id.uuidString, Data(CENCInit.commonPSSH(kid: kid)).base64EncodedString())],
                                   uniquingKeysWith: { first, _ in first }))
    }

    /// A key, with the vault's refusals turned into HTTP errors (no master key: 503 with the reason).
    func key(owner: KeyOwner, period: Int) async throws -> ServedKey {
        do {
            return try await vault.key(owner: owner, period: period)
        } catch let error as ProtectionError {
            throw Self.httpError(error)
        }
    }

    static func httpError(_ error: ProtectionError) -> OriginError {
        switch error {
        case .masterKeyMissing, .masterKeyMismatch, .sealedKeyDamaged, .keyServer: return .unavailable(error.description)
        default: return .badRequest(error.description)
        }
    }
}
