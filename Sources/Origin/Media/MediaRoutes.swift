import Foundation
import Hummingbird
import MediaCore
import Storage
import Synchronization

/// `/vod/<asset>/...` and `/live/<stream>/...`: manifests built per request from the index, segments
/// streamed from the media store. Every path component is parsed into a `SafeName` or a fixed file
/// name before it is joined to the data directory, so nothing outside `vod/` and `live/` can be named.
public struct MediaRoutes: Sendable {
    let store: any MediaStore
    let index: any MediaIndex
    let renderer: any ManifestRendering
    let files: FileResponder
    /// Encrypted delivery (issue 13); nil when the server has no `drm` set-up at all.
    let protection: ProtectionService?
    /// Who may fetch keys: the access gate's decision for the key's item when access control is on.
    let keyAccess: (any KeyAccessPolicy)?
    /// The `now` of live manifests (availability start, publish time): injected so tests can fix it.
    let clock: @Sendable () -> Double
    let kinds = KindCache()
    let manifests = ManifestCache()

    public init(store: any MediaStore, index: any MediaIndex, renderer: any ManifestRendering, files: FileResponder,
                clock: @escaping @Sendable () -> Double = OriginClock.system, protection: ProtectionService? = nil,
                keyAccess: (any KeyAccessPolicy)? = nil) {
        self.protection = protection
        self.keyAccess = keyAccess
        self.store = store
        self.index = index
        self.renderer = renderer
        self.files = files
        self.clock = clock
    }

    func register(on router: Router<OriginRequestContext>) {
        for tree in [MediaTree.vod, .live] {
            let group = router.group(RouterPath(tree.rawValue))
            group.get(":owner/:name") { request, context in
                try await manifest(tree: tree, request: request, context: context)
            }
            group.get(":owner/:name/:file") { request, context in
                if tree == .vod { return try await vodVersionedPlaylistOrSegment(request: request, context: context) }
                return try await segment(tree: tree, request: request, context: context)
            }
        }
        // Hummingbird's trie wants one parameter name per level: here `name` holds `v<n>`, `file` the
        // rendition and `leaf` the segment file name.
        router.group(RouterPath(MediaTree.vod.rawValue)).get(":owner/:name/:file/:leaf") { request, context in
            try await vodVersionedSegment(request: request, context: context)
        }
        if let protection { KeyRoutes(protection: protection, access: keyAccess ?? protection.access).register(on: router) }
    }

    func manifest(tree: MediaTree, request: Request, context: OriginRequestContext) async throws -> Response {
        guard let owner = SafeName(context.parameters.get("owner") ?? ""),
              let name = context.parameters.get("name").flatMap({ ManifestName($0[...]) }) else {
            throw OriginError.notFound(request.uri.path)
        }
        return try await manifest(tree: tree, owner: owner, name: name, version: nil, request: request)
    }

    /// A manifest; `version` is the `v<n>` of a versioned VOD media playlist's path (nil elsewhere).
    func manifest(tree: MediaTree, owner: SafeName, name: ManifestName, version: AssetVersion?,
                  request: Request) async throws -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        guard var listing = try await index.listing(tree: tree, owner: owner) else {
            throw absent(tree == .live ? OriginError.notYetAvailable("live stream '\(owner)'") : OriginError.notFound("asset '\(owner)'"))
        }
        var blocking: BlockingReload?
        if tree == .live, case .hlsMedia(let rendition) = name, listing.partTargetSeconds != nil,
           let reload = try BlockingReload.parse(query) {
            listing = try await held(reload, rendition: rendition, owner: owner, listing: listing)
            blocking = reload
        }
        if case .hlsMedia(let rendition) = name, !listing.renditions.contains(where: { $0.rendition.id == rendition }) {
            throw OriginError.notFound("rendition '\(rendition)' of '\(owner)'")
        }
        let vodCache = tree == .vod ? Self.vodManifestCache(name, requested: version, current: listing.assetVersion) : nil
        if tree == .vod, vodCache == nil {
            throw OriginError.notFound("\(request.uri.path): asset '\(owner)' is at version \(listing.assetVersion)")
        }
        var schemeTag = "clear"
        if let protection, try protection.isEncrypted(tree: tree, owner: owner) {
            let scheme = try protection.scheme(for: name, query: query)
            listing.protection = try await protection.manifestProtection(scheme: scheme, tree: tree, owner: owner, listing: listing,
                                                                         licenceURL: "/clearkey/license")
            schemeTag = scheme.rawValue
        }
        let finalListing = listing
        let render = { try renderer.render(name, tree: tree, owner: owner, listing: finalListing, query: query, now: clock()) }
        let rendered: RenderedManifest
        if tree == .vod, let version = listing.version {
            // VOD text depends only on the asset version, the manifest and the query.
            let key = ManifestCache.key(owner: owner, version: version, scheme: schemeTag, path: request.uri.path, query: query)
            rendered = try manifests.rendered(key: key, render: render)
        } else {
            rendered = RenderedManifest(text: try render())
        }
        let contentType = name == .dash ? "application/dash+xml" : "application/vnd.apple.mpegurl"
        let cache = vodCache ?? Self.liveManifestCache(listing, blocking: blocking != nil)
        return try ManifestResponse.make(rendered, contentType: contentType, cache: cache, request: request)
    }

    /// An LL-HLS blocking reload: the listing once `reload`'s segment or part is in it. 400 for a segment
    /// beyond the next two, 503 when it does not come within three target durations.
    func held(_ reload: BlockingReload, rendition: SafeName, owner: SafeName, listing: MediaListing) async throws -> MediaListing {
        let edge = listing.edge(of: rendition)
        if edge.satisfies(msn: reload.msn, part: reload.part) { return listing }
        if reload.isTooFarAhead(of: edge) {
            throw OriginError.badRequest("_HLS_msn=\(reload.msn) is more than two segments past the newest (\(edge.lastSegment ?? 0))")
        }
        let limit = BlockingReload.holdLimit(targetDurationSeconds: listing.targetDurationSeconds ?? 6)
        let satisfied = { @Sendable (listing: MediaListing) in listing.edge(of: rendition).satisfies(msn: reload.msn, part: reload.part) }
        guard let ready = try await index.listing(tree: .live, owner: owner, when: satisfied, until: .now + limit) else {
            throw OriginError.unavailable("segment \(reload.msn)\(reload.part.map { " part \($0)" } ?? "") of '\(owner)/\(rendition)' did not arrive within \(limit)")
        }
        return ready
    }

    /// Live playlists change every segment, low-latency ones every part. A blocking reload's answer names
    /// its segment and part in the URL (which a CDN keeps in its cache key): it never goes stale for the
    /// players that ask that URL, so it may be kept as long as such a request can come (the skip window).
    static func liveManifestCache(_ listing: MediaListing, blocking: Bool) -> CachePolicy {
        let target = listing.targetDurationSeconds ?? 6
        guard let part = listing.partTargetSeconds else { return .liveManifest(targetDurationSeconds: target) }
        return blocking ? .lowLatencyBlockingPlaylist(targetDurationSeconds: target) : .lowLatencyPlaylist(partTargetSeconds: part)
    }

    /// What to answer for an object the store did not hand out: `missing` (404), or 503 when the store
    /// could not be read (a remote store that is down: the object may well exist, and a CDN must not
    /// cache a 404 for it).
    func absent(_ missing: OriginError) -> OriginError {
        store.outage.map(OriginError.unavailable) ?? missing
    }

    /// Live segments; VOD segments go through `vodSegment`, which checks the asset version.
    func segment(tree: MediaTree, request: Request, context: OriginRequestContext) async throws -> Response {
        let fileName = context.parameters.get("file") ?? ""
        guard let owner = SafeName(context.parameters.get("owner") ?? ""),
              let rendition = SafeName(context.parameters.get("name") ?? ""),
              SegmentFileName.isValid(fileName) else {
            throw OriginError.notFound(request.uri.path)
        }
        let isInit = SegmentFileName.isInitSegment(fileName)
        let missing: OriginError = tree == .live && !isInit
            ? .notYetAvailable("segment \(fileName) of live stream '\(owner)'")
            : .notFound("\(tree.rawValue)/\(owner)/\(rendition)/\(fileName)")
        // The store checks every level (locally with lstat: real folders and a regular file inside vod/
        // or live/ only).
        let key = MediaObjectKey(tree: tree, owner: owner, rendition: rendition, fileName: fileName)
        // An encrypted item is encrypted per request from whole stored segments: its low-latency parts and a
        // segment still being written are never sent (they would go out clear).
        let encrypted = try protection.map { try $0.isEncrypted(tree: tree, owner: owner) } ?? false
        if encrypted, SegmentFileName.partNumber(fileName) != nil { throw missing }
        let store = store
        var opened = try await StoreReads.run(store) { store.openObject(key) }
        if opened == nil, tree == .live, let part = SegmentFileName.partNumber(fileName),
           try await awaitPart(part, rendition: rendition, owner: owner) != nil {
            opened = try await StoreReads.run(store) { store.openObject(key) }
        }
        if opened == nil, tree == .live, !encrypted, let number = SegmentFileName.segmentNumber(fileName),
           let growing = try await growingSegment(number, rendition: rendition, owner: owner) {
            guard let contentType = try await segmentContentType(tree: tree, owner: owner, rendition: rendition, isInit: false) else { throw missing }
            return Response(status: .ok, headers: [.contentType: contentType, .cacheControl: CachePolicy.immutable.headerValue], body: growing)
        }
        guard let object = opened else { throw absent(missing) }
        guard let contentType = try await segmentContentType(tree: tree, owner: owner, rendition: rendition, isInit: isInit) else {
            throw missing
        }
        if let protection, encrypted {
            return try await encryptedSegment(object, protection: protection, tree: tree, owner: owner, rendition: rendition,
                                              fileName: fileName, contentType: contentType, request: request)
        }
        return try files.respond(object: object, contentType: contentType, cache: .immutable, request: request)
    }

    /// A part asked for before it is written (a player following EXT-X-PRELOAD-HINT): held until the
    /// segmenter stores it, for at most three target durations, and only when it is at most the next two
    /// segments ahead (anything further is not coming soon: 404 at once). Nil when it did not come.
    func awaitPart(_ part: (segment: Int, index: Int), rendition: SafeName, owner: SafeName) async throws -> MediaListing? {
        guard let listing = try await index.listing(tree: .live, owner: owner), listing.partTargetSeconds != nil else { return nil }
        let reload = BlockingReload(msn: part.segment, part: part.index)
        guard !reload.isTooFarAhead(of: listing.edge(of: rendition)) else { return nil }
        let limit = BlockingReload.holdLimit(targetDurationSeconds: listing.targetDurationSeconds ?? 6)
        return try await index.listing(tree: .live, owner: owner, when: { listing in
            listing.edge(of: rendition).satisfies(msn: part.segment, part: part.index)
        }, until: .now + limit)
    }

    /// The segment's Content-Type from its rendition's kind; nil when the index has no such rendition (its
    /// files are not part of any manifest, so they are not served).
    func segmentContentType(tree: MediaTree, owner: SafeName, rendition: SafeName, isInit: Bool) async throws -> String? {
        Self.segmentContentType(try await mediaKind(tree: tree, owner: owner, rendition: rendition), isInit: isInit)
    }

    static func segmentContentType(_ kind: MediaKind?, isInit: Bool) -> String? {
        switch kind {
        case .audio: return "audio/mp4"
        case .video: return isInit ? "video/mp4" : "video/iso.segment"
        case nil: return nil
        }
    }

    /// The rendition's kind as the index records it (what the segments hold, whatever the rendition is
    /// called), remembered per rendition: segments are requested far more often than renditions change.
    func mediaKind(tree: MediaTree, owner: SafeName, rendition: SafeName) async throws -> MediaKind? {
        let key = "\(tree.rawValue)/\(owner)/\(rendition)"
        if let known = kinds.mutex.withLock({ $0[key] }) { return known }
        guard let listing = try await index.listing(tree: tree, owner: owner),
              let match = listing.renditions.first(where: { $0.rendition.id == rendition }) else { return nil }
        kinds.mutex.withLock { $0[key] = match.rendition.kind }
        return match.rendition.kind
    }

    /// Forgets what was remembered about an asset (after it is deleted).
    public func forget(tree: MediaTree, owner: SafeName) {
        let prefix = "\(tree.rawValue)/\(owner)/"
        kinds.mutex.withLock { $0 = $0.filter { !$0.key.hasPrefix(prefix) } }
    }
}

/// Rendition kinds by `tree/owner/rendition`, shared by every copy of the routes.
final class KindCache: Sendable {
    let mutex = Mutex<[String: MediaKind]>([:])

    /// The kind remembered for a rendition, without asking the index (nil when not remembered yet).
    func known(tree: MediaTree, owner: SafeName, rendition: SafeName) -> MediaKind? {
        mutex.withLock { $0["\(tree.rawValue)/\(owner)/\(rendition)"] }
    }
}
