import Foundation
import MediaCore
import NIOCore
import S3
import Storage

/// Reading and writing asset pointers (`vod/<asset>/current`), and the versions they open. Viewers' reads
/// use `PointerCache` stale-while-revalidate: a warm segment request never waits on the bucket; the
/// pointer is refreshed by one background read per asset, and read by the request itself only when this
/// node knows nothing recent of the asset or the catalog names a newer version than the one it holds.
extension S3MediaStore {
    /// The asset's pointer for a viewer's request: from `pointers` (starting the background refresh when
    /// the entry is past `refreshAfter`), else read now. `fresh` always reads, with the patient client:
    /// what publishing decides on.
    func pointer(_ asset: AssetID, fresh: Bool = false) throws -> AssetPointer? {
        if !fresh, let known = cachedPointer(asset) { return known }
        let key = pointerKey(asset)
        let data: Data?
        if fresh {
            let client = client
            data = try run("read", key) { try await client.get(key: key, maxBytes: 4_096) }
        } else {
            do {
                data = try read("read", key) { try await $0.get(key: key, maxBytes: 4_096) }
            } catch {
                // The store is down: keep serving the version this node knew (its cached objects play on).
                if outages.current != nil, let stale = pointers.stale(asset) { return stale }
                throw error
            }
        }
        let pointer = data.flatMap { AssetPointer(String(decoding: $0, as: UTF8.self)) }
        pointers.store(pointer, for: asset)
        return pointer
    }

    /// The pointer from memory without waiting (`.some(nil)`: known absent), or nil when the request must
    /// read it. A stale entry is served and, for the first request that finds it so, refreshed behind it.
    func cachedPointer(_ asset: AssetID) -> AssetPointer?? {
        switch pointers.lookup(asset) {
        case .fresh(let pointer): return .some(pointer)
        case .stale(let pointer, let refresh, let generation):
            if refresh { refreshPointer(asset, generation: generation) }
            return .some(pointer)
        case .miss: return nil
        }
    }

    /// One background read of the asset's pointer, kept if nothing changed the entry meanwhile. During an
    /// outage it is not attempted (the entry keeps serving; a later request tries again).
    func refreshPointer(_ asset: AssetID, generation: Int) {
        let pointers = pointers
        guard outages.current == nil else {
            pointers.refreshFailed(asset, generation: generation)
            return
        }
        let key = pointerKey(asset), reader = reader, outages = outages
        Task.detached {
            do {
                let data = try await reader.get(key: key, maxBytes: 4_096)
                outages.succeeded()
                let pointer = data.flatMap { AssetPointer(String(decoding: $0, as: UTF8.self)) }
                pointers.store(pointer, for: asset, ifStill: generation)
            } catch {
                if case S3Error.unavailable = error { outages.failed((error as? S3Error)?.description ?? "\(error)") }
                pointers.refreshFailed(asset, generation: generation)
            }
        }
    }

    func writePointer(_ pointer: AssetPointer, asset: AssetID) throws {
        let key = pointerKey(asset)
        let client = client
        try run("write", key) { try await client.put(ByteBuffer(string: pointer.text), key: key, contentType: "text/plain") }
        pointers.store(pointer, for: asset)
    }

    // MARK: Other nodes' changes

    /// Another node published, replaced or deleted the asset (a catalog notice): its pointer is read again
    /// at once, in the background; requests meanwhile are served from the entry (a URL of a newer version
    /// reads it itself, `openVersion(of:atLeast:)`).
    public func assetChanged(_ asset: AssetID) {
        guard let generation = pointers.expire(asset) else { return }
        refreshPointer(asset, generation: generation)
    }

    /// Notices may have been missed (the catalog listener reconnected): every known pointer is read again.
    public func everythingChanged() {
        for (asset, generation) in pointers.expireAll() { refreshPointer(asset, generation: generation) }
    }

    // MARK: Versions

    public func assetExists(_ asset: AssetID) -> Bool {
        (try? pointer(asset)) != nil
    }

    public func publishedVersion(_ asset: AssetID) -> Int? {
        (try? pointer(asset))?.version
    }

    public func openVersion(of asset: AssetID) -> (any StoredAssetVersion)? {
        guard let pointer = try? pointer(asset) else { return nil }
        return S3AssetVersion(store: self, asset: asset, pointer: pointer, cachedOnly: false)
    }

    /// From memory only, files from the cache only (see `MediaStore.openCachedVersion`).
    public func openCachedVersion(of asset: AssetID) -> (any StoredAssetVersion)? {
        guard let known = cachedPointer(asset), let pointer = known else { return nil }
        return S3AssetVersion(store: self, asset: asset, pointer: pointer, cachedOnly: true)
    }

    /// The pointer this node holds when it names `atLeast` or later, else the one read from the bucket now.
    public func openVersion(of asset: AssetID, atLeast version: Int) -> (any StoredAssetVersion)? {
        if let known = cachedPointer(asset), let pointer = known, pointer.version >= version {
            return S3AssetVersion(store: self, asset: asset, pointer: pointer, cachedOnly: false)
        }
        let key = pointerKey(asset)
        let data: Data?
        do {
            data = try read("read", key) { try await $0.get(key: key, maxBytes: 4_096) }
        } catch {
            return nil
        }
        let pointer = data.flatMap { AssetPointer(String(decoding: $0, as: UTF8.self)) }
        pointers.store(pointer, for: asset)
        return pointer.map { S3AssetVersion(store: self, asset: asset, pointer: $0, cachedOnly: false) }
    }
}

/// One published version, pinned by its pointer: every file is read from the pointer's folder. A version
/// opened `cachedOnly` hands out only files already in the object cache (nil on a miss, which the caller
/// then asks for the ordinary way).
struct S3AssetVersion: StoredAssetVersion {
    let store: S3MediaStore
    let asset: AssetID
    let pointer: AssetPointer
    let cachedOnly: Bool

    func stamp() -> VersionStamp { .version(pointer.version) }

    func openSegment(rendition: SafeName, fileName: String) -> StoredObject? {
        guard SegmentFileName.isValid(fileName) else { return nil }
        return open(store.assetKey(asset, "\(pointer.folder)/\(rendition.rawValue)/\(fileName)"))
    }

    func openImage(_ image: PosterImage) -> StoredObject? {
        open(store.assetKey(asset, "\(pointer.folder)/\(image.fileName)"))
    }

    private func open(_ key: String) -> StoredObject? {
        let file = cachedOnly ? store.cache.open(key) : (try? store.cachedFile(key)) ?? nil
        return file.map(StoredObject.localFile)
    }
}
