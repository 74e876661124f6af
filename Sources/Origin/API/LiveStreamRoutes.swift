import Access
import Foundation
import Hummingbird
import MediaCore
import Storage
import Publishing

/// `/api/v1/live-streams`: configure live streams (id, publishing key, RTMP and SRT URLs, playback URLs), list,
/// read and delete them, and archive a stream's segments as a VOD asset.
struct LiveStreamRoutes: Sendable {
    let backend: any AdminBackend
    let media: MediaRoutes
    let access: AccessGate?
    /// JSON bodies of these routes are small; anything larger is refused.
    static let maxBodyBytes = 64 << 10

    func register(on api: RouterGroup<OriginRequestContext>) {
        api.get("live-streams") { _, _ in try AdminAPIRoutes.json(["streams": try await backend.listLiveStreams()]) }
        api.post("live-streams") { request, _ in
            let creation = try LiveStreamCreation.parse(try await Self.body(request))
            if creation.encrypted, media.protection == nil {
                throw OriginError.badRequest("encrypted live streams need the drm settings (drm.master_key)")
            }
            var summary = try await backend.createLiveStream(creation)
            if creation.encrypted, let id = SafeName(summary.id) { try media.protection?.setEncrypted(tree: .live, owner: id, true) }
            if let policy = creation.access, let id = SafeName(summary.id) {
                let scope = AccessScope(tree: .live, owner: id)
                try await backend.setAccessRules(scope, ItemAccess(policy: policy))
                access?.forget(scope)
                summary.access = policy.rawValue
            }
            if let key = summary.key, let port = backend.rtmpPort {
                summary.rtmpUrl = "rtmp://\(Self.host(of: request)):\(port)/live/\(key)"
            }
            if let key = summary.key, let port = backend.srtPort {
                summary.srtUrl = "srt://\(Self.host(of: request)):\(port)?streamid=\(key)"
            }
            if let key = summary.backupKey, let port = backend.rtmpPort {
                summary.backupRtmpUrl = "rtmp://\(Self.host(of: request)):\(port)/live/\(key)"
            }
            if let key = summary.backupKey, let port = backend.srtPort {
                summary.backupSrtUrl = "srt://\(Self.host(of: request)):\(port)?streamid=\(key)"
            }
            var response = try AdminAPIRoutes.json(summary)
            response.status = .created
            response.headers[.location] = "/api/v1/live-streams/\(summary.id)"
            return response
        }
        api.get("live-streams/:id") { _, context in
            let id = try Self.streamID(context)
            guard let stream = try await backend.liveStream(id) else { throw OriginError.notFound("live stream '\(id)'") }
            return try AdminAPIRoutes.json(stream)
        }
        api.delete("live-streams/:id") { _, context in
            let id = try Self.streamID(context)
            guard try await backend.deleteLiveStream(id) else { throw OriginError.notFound("live stream '\(id)'") }
            media.forget(tree: .live, owner: id)
            try media.protection?.deleted(tree: .live, owner: id)
            return Response(status: .noContent, headers: [.cacheControl: CachePolicy.noStore.headerValue])
        }
        // Redundant inputs (issue 15): back to the primary publisher at its next keyframe (live.failback: manual).
        api.post("live-streams/:id/failback") { _, context in
            let id = try Self.streamID(context)
            let stream = try await backend.failbackLiveStream(id)
            context.logger.info("live stream \(id): failback to the primary input requested")
            var response = try AdminAPIRoutes.json(stream)
            response.status = .accepted
            return response
        }
        api.post("live-streams/:id/archive") { request, context in
            let id = try Self.streamID(context)
            let archive = try LiveArchiveRequest.parse(try await Self.body(request))
            let asset = try await backend.archiveLiveStream(id, archive)
            context.logger.info("live stream \(id) archived as asset \(asset.id)")
            var response = try AdminAPIRoutes.json(asset)
            response.status = .created
            response.headers[.location] = "/api/v1/assets/\(asset.id)"
            return response
        }
    }

    static func streamID(_ context: OriginRequestContext) throws -> SafeName {
        guard let id = SafeName(context.parameters.get("id") ?? "") else {
            throw OriginError.notFound("live stream ids use a-z, 0-9, '-' and '_' (at most 64)")
        }
        return id
    }

    static func body(_ request: Request) async throws -> Data {
        do {
            var buffer = try await request.body.collect(upTo: maxBodyBytes)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw RequestBodyFailure.originError(error, limit: maxBodyBytes)
        }
    }

    /// The host name the client used (without its port), for the RTMP and SRT URLs it should publish to.
    static func host(of request: Request) -> String {
        let authority = request.head.authority ?? "127.0.0.1"
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { return String(authority[...close]) }
        return String(authority.split(separator: ":").first ?? "127.0.0.1")
    }
}
