import Foundation
import Hummingbird
import MediaCore
import _NIOFileSystem

/// `/api/v1`: assets and jobs as JSON behind a bearer key; the OpenAPI document is public.
struct AdminAPIRoutes: Sendable {
    let backend: any AdminBackend
    let configuration: OriginConfiguration
    let media: MediaRoutes
    let access: AccessGate?
    /// The content API's catalogue, where `PATCH /api/v1/assets/{id}` keeps titles, descriptions and tags.
    let content: (any ContentCatalog)?

    func register(on router: Router<OriginRequestContext>, limiter: FailedAuthLimiter, metrics: OriginMetrics) {
        router.get("api/v1/openapi.yaml") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "Resources"),
                  let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw OriginError.internalError("openapi.yaml is missing from the build")
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml", .cacheControl: CachePolicy.noStore.headerValue],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let api = router.group("api/v1")
            .add(middleware: BearerAuthMiddleware(apiKey: configuration.apiKey, limiter: limiter, metrics: metrics))
        api.get("assets") { _, _ in try Self.json(["assets": try await backend.listAssets()]) }
        api.post("assets") { request, context in try await upload(request: request, context: context) }
        api.get("assets/:id") { _, context in
            let id = try assetID(context)
            guard let asset = try await backend.asset(id) else { throw OriginError.notFound("asset '\(id)'") }
            return try Self.json(asset)
        }
        api.delete("assets/:id") { _, context in
            let id = try assetID(context)
            guard try await backend.deleteAsset(id) else { throw OriginError.notFound("asset '\(id)'") }
            media.forget(tree: .vod, owner: id.name)
            return Response(status: .noContent, headers: [.cacheControl: CachePolicy.noStore.headerValue])
        }
        LiveStreamRoutes(backend: backend, media: media, access: access).register(on: api)
        AccessAdminRoutes(backend: backend, access: access).register(on: api)
        AssetPatchRoutes(backend: backend, access: access, content: content).register(on: api)
        api.get("jobs/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard SafeName.isValid(id), let job = try await backend.job(id) else { throw OriginError.notFound("job '\(id)'") }
            return try Self.json(job)
        }
    }

    private func assetID(_ context: OriginRequestContext) throws -> AssetID {
        guard let id = AssetID(context.parameters.get("id") ?? "") else {
            throw OriginError.notFound("asset ids use a-z, 0-9, '-' and '_' (at most 64)")
        }
        return id
    }

    /// Streams the request body into a staging file, refusing more than `maxUploadBytes` (413, file
    /// removed), then queues an ingest job and answers 202 with it.
    private func upload(request: Request, context: OriginRequestContext) async throws -> Response {
        let limit = configuration.maxUploadBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw OriginError.payloadTooLarge(limit: limit)
        }
        var asset: AssetID?
        if let raw = request.uri.queryParameters["id"] {
            guard let id = AssetID(String(raw)) else {
                throw OriginError.badRequest("asset id '\(raw)' must use a-z, 0-9, '-' and '_' (at most 64)")
            }
            asset = id
        }
        if let asset, try await backend.asset(asset) != nil {
            // Refused before a byte of the body is stored.
            throw OriginError.conflict("asset '\(asset)' already exists: delete it first or upload with another ?id=")
        }
        let file = try await backend.newUploadFile()
        var received = 0
        let job: JobSummary
        do {
            do {
                try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(file.path), options: .newFile(replaceExisting: true)) { handle in
                    try await handle.withBufferedWriter { writer in
                        for try await chunk in request.body {
                            received += chunk.readableBytes
                            if received > limit { throw OriginError.payloadTooLarge(limit: limit) }
                            try await writer.write(contentsOf: chunk)
                        }
                    }
                }
            } catch {
                if StorageFailure.isDiskFull(error) { throw OriginError.insufficientStorage("the disk is full: the upload was not stored") }
                throw RequestBodyFailure.originError(error, limit: limit)
            }
            guard received > 0 else { throw OriginError.badRequest("the request body is empty: send the source file as the body") }
            let name = request.uri.queryParameters["name"].map(String.init)
            // Every refusal from here on (409 for an id taken meanwhile, a full catalog) removes the body too.
            job = try await backend.enqueueIngest(source: file, asset: asset, originalName: name)
        } catch {
            await backend.discardUpload(file)
            throw error
        }
        context.logger.info("upload of \(received) bytes queued as job \(job.id)")
        var response = try Self.json(job)
        response.status = .accepted
        response.headers[.location] = "/api/v1/jobs/\(job.id)"
        return response
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: CachePolicy.noStore.headerValue],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
