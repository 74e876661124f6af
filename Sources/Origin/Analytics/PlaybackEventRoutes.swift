import Analytics
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /api/v1/playback-events`: players send `{"events": [...]}` (no admin key; CORS like media).
/// 202 when taken, 400 naming the first bad event, 413 over 64 KiB or 200 events, 429 over the rate.
struct PlaybackEventRoutes: Sendable {
    let recorder: AnalyticsRecorder
    let countryHeader: String?

    func register(on router: Router<OriginRequestContext>) {
        router.post("api/v1/playback-events") { request, context in
            try await receive(request: request, context: context)
        }
    }

    func receive(request: Request, context: OriginRequestContext) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > EventBatch.maxBytes {
            throw OriginError.payloadTooLarge(limit: EventBatch.maxBytes)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: EventBatch.maxBytes)
        } catch is NIOTooManyBytesError {
            throw OriginError.payloadTooLarge(limit: EventBatch.maxBytes)
        }
        let batch: EventBatch
        do {
            batch = try EventBatch(json: Array(buffer: body), now: AnalyticsFeatures.nowMilliseconds())
        } catch {
            if case .batchTooLarge(let reason) = error { throw OriginError.status(.contentTooLarge, reason) }
            throw OriginError.badRequest(error.description)
        }
        do {
            try recorder.record(batch, address: context.remoteIP ?? "unknown",
                                         userAgent: request.headers[.userAgent], country: country(request))
        } catch {
            switch error {
            case .rateLimited: throw OriginError.tooManyRequests(error.description, retryAfter: 10)
            case .invalid(let reason): throw OriginError.badRequest(reason.description)
            case .full: throw OriginError.unavailable(error.description)
            }
        }
        return Response(status: .accepted, headers: [.contentType: "application/json; charset=utf-8",
                                                     .cacheControl: CachePolicy.noStore.headerValue],
                        body: .init(byteBuffer: ByteBuffer(string: "{\"accepted\":\(batch.events.count)}")))
    }

    func country(_ request: Request) -> String? {
        countryHeader.flatMap { HTTPField.Name($0) }.flatMap { request.headers[$0] }
    }
}
