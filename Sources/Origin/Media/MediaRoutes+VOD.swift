import Hummingbird
import MediaCore
import Storage

/// Versioned VOD URLs (README, "Behind a CDN": a replaced asset gets a new version in its URLs).
///
///     /vod/<asset>/master.m3u8, manifest.mpd        entry points: the same URL across replaces, short cache
///     /vod/<asset>/v<n>/<rendition>.m3u8            media playlist of version n
///     /vod/<asset>/v<n>/<rendition>/init.mp4, seg-<k>.m4s
///
/// Only the current version answers; any other `v<n>` is 404, because after a replace the old files are
/// gone and the new bytes must never appear under an old version's URL. The unversioned media playlists
/// and segments of the first layout (`/vod/<asset>/<rendition>.m3u8`, `<rendition>/seg-<k>.m4s`) are
/// still served while the asset is at version 1: those are exactly the bytes that name always had, so
/// players and CDN copies of manifests made before versioned URLs keep working; once the asset is
/// replaced they are 404 like every other old version's URL.
extension MediaRoutes {
    /// `/vod/<asset>/<a>/<b>`: `v<n>/<rendition>.m3u8` is a versioned media playlist; anything else is an
    /// unversioned segment `<rendition>/<file>`.
    func vodVersionedPlaylistOrSegment(request: Request, context: OriginRequestContext) async throws -> Response {
        let first = context.parameters.get("name") ?? "", file = context.parameters.get("file") ?? ""
        guard let owner = SafeName(context.parameters.get("owner") ?? "") else { throw OriginError.notFound(request.uri.path) }
        if let version = AssetVersion(first[...]), file.hasSuffix(".m3u8") {
            guard let name = ManifestName(file[...]), case .hlsMedia = name else {
                throw OriginError.notFound(request.uri.path)
            }
            return try await manifest(tree: .vod, owner: owner, name: name, version: version, request: request)
        }
        guard let rendition = SafeName(first) else { throw OriginError.notFound(request.uri.path) }
        return try await vodSegment(owner: owner, version: nil, rendition: rendition, fileName: file, request: request)
    }

    /// `/vod/<asset>/v<n>/<rendition>/<file>` (route parameters `owner/name/file/leaf`).
    func vodVersionedSegment(request: Request, context: OriginRequestContext) async throws -> Response {
        guard let owner = SafeName(context.parameters.get("owner") ?? ""),
              let version = context.parameters.get("name").flatMap({ AssetVersion($0[...]) }),
              let rendition = SafeName(context.parameters.get("file") ?? "") else {
            throw OriginError.notFound(request.uri.path)
        }
        return try await vodSegment(owner: owner, version: version, rendition: rendition,
                                    fileName: context.parameters.get("leaf") ?? "", request: request)
    }

    /// A VOD segment, from the asset folder only when that folder is the version the URL names (nil: the
    /// unversioned URL, which stands for version 1). The stamp and the file are read from one opened
    /// version of the asset (`StoredAssetVersion`), so a replace in between cannot pair them wrongly.
    func vodSegment(owner: SafeName, version: AssetVersion?, rendition: SafeName, fileName: String,
                    request: Request) async throws -> Response {
        let missing = OriginError.notFound(request.uri.path)
        guard SegmentFileName.isValid(fileName) else { throw missing }
        let store = store
        guard var folder = try await StoreReads.run(store, { store.openVersion(of: AssetID(owner)) }) else { throw absent(missing) }
        let requested = version?.number ?? 1
        if case .version(let stamped) = folder.stamp(), stamped < requested {
            // The store's version as this node holds it may be behind a replace (a remote store's pointer
            // is refreshed in the background): when the catalog already names the requested version, the
            // store is asked again. A version nobody published is 404 without asking it.
            guard let listing = try await index.listing(tree: .vod, owner: owner), listing.assetVersion >= requested,
                  let newer = try await StoreReads.run(store, { store.openVersion(of: AssetID(owner), atLeast: requested) }) else {
                throw missing
            }
            folder = newer
        }
        let filesVersion: Int
        switch folder.stamp() {
        case .version(let stamped): filesVersion = stamped
        case .missing:
            // Published before stamps: the catalog's number is the only one there is.
            guard let listing = try await index.listing(tree: .vod, owner: owner) else { throw missing }
            filesVersion = listing.assetVersion
        case .unreadable:
            throw missing
        }
        guard filesVersion == requested else { throw missing }
        let opened = folder
        guard let object = try await StoreReads.run(store, { opened.openSegment(rendition: rendition, fileName: fileName) }) else {
            throw absent(missing)
        }
        guard let contentType = try await segmentContentType(tree: .vod, owner: owner, rendition: rendition,
                                                             isInit: fileName == SegmentFileName.initSegment) else { throw missing }
        if let protection, try protection.isEncrypted(tree: .vod, owner: owner) {
            return try await encryptedSegment(object, protection: protection, tree: .vod, owner: owner, rendition: rendition,
                                              fileName: fileName, contentType: contentType, request: request)
        }
        return try files.respond(object: object, contentType: contentType, cache: .immutable, request: request)
    }

    /// How a VOD manifest is cached, or nil when it must be 404: master and MPD only at their entry URLs;
    /// a media playlist under the current `v<n>/`, or unversioned while the asset is at version 1.
    static func vodManifestCache(_ name: ManifestName, requested: AssetVersion?, current: Int) -> CachePolicy? {
        switch (name, requested) {
        case (.hlsMaster, nil), (.dash, nil): return .vodEntryManifest
        case (.hlsMedia, let version?): return version.number == current ? .vodVersionedManifest : nil
        case (.hlsMedia, nil): return current == 1 ? .vodEntryManifest : nil
        case (.hlsMaster, _?), (.dash, _?): return nil
        }
    }
}
