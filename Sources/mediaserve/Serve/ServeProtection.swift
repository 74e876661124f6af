import Catalog
import Config
import Logging
import Origin
import Protection

/// The `drm` settings made into the origin's protection service, checked at start-up: a master key that
/// cannot be parsed, or that is not the one the catalog's keys were sealed with, stops `serve` with one
/// line saying so; no master key with encrypted items in the catalog is a warning (those items answer 503).
enum ServeProtection {
    static func make(_ drm: MediaServeConfig.DRM, catalog: any ContentKeyStore, logger: Logger) throws -> ProtectionService {
        var master: MasterKey?
        if let text = drm.masterKey {
            let key = try MasterKey(parsing: text)
            if let check = try catalog.masterKeyCheck(storingIfAbsent: key.makeCheck()) { try key.verify(check: check) }
            master = key
        } else if try catalog.hasEncryptedItems() {
            logger.warning("the catalog has encrypted items but drm.master_key (MEDIASERVE_DRM_MASTER_KEY) is not set: they will not be delivered")
        }
        let hls = try EncryptionScheme(parsing: drm.hlsMethod)
        let dash = try EncryptionScheme(parsing: drm.dashScheme)
        var keyServer: SPEKEClient?
        if let url = drm.spekeURL, !url.isEmpty {
            let systems = try drm.spekeSystems.split(separator: ",").map { name -> DRMSystem in
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let system = DRMSystem.named(trimmed) else {
                    throw ProtectionError.keyServer(reason: "drm.speke.systems names '\(trimmed)': use widevine, playready, fairplay or a system id")
                }
                return system
            }
            keyServer = SPEKEClient(settings: SPEKESettings(url: url, authHeader: drm.spekeAuthHeader, systems: systems))
        }
        let vault = KeyVault(master: master, storage: CatalogKeyStorage(store: catalog), keyServer: keyServer,
                             keyServerScheme: dash.sampleScheme ?? .cenc)
        return ProtectionService(vault: vault, settings: .init(hlsScheme: hls, dashScheme: dash, rotationSeconds: drm.keyRotationSeconds,
                                                                 cacheMaxBytes: drm.cacheMaxBytes),
                                 store: catalog)
    }
}
