import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// First middleware of the chain: gives every request an id (kept from a sane incoming `X-Request-Id`,
/// otherwise a fresh random one), returns it as `X-Request-Id`, writes one access-log line and records the
/// request's metrics. Errors thrown further in are turned into responses here so they are counted too.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = OriginRequestContext
    let logger: Logger
    let metrics: OriginMetrics

    public init(logger: Logger, metrics: OriginMetrics) {
        self.logger = logger
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        context.requestID = Self.requestID(from: request.headers[.xRequestID])
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch where StorageFailure.isDiskFull(error) {
            context.logger.error("disk full: \(error)")
            response = try OriginError.insufficientStorage("the server's disk is full: nothing was changed")
                .response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error: \(error)")
            response = try OriginError.internalError("see the server log for request \(context.requestID)")
                .response(from: request, context: context)
        }
        if response.status.code >= 400, response.headers[.contentType] == nil {
            // Hummingbird's own refusals (unknown route, wrong method, unreadable request) come bodiless:
            // give them the same JSON or text body as ours.
            response = try OriginError.status(response.status, request.uri.path).response(from: request, context: context)
        }
        response.headers[.xRequestID] = context.requestID
        let elapsed = start.duration(to: .now)
        let nanos = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let bytes = request.method == .head ? 0 : (response.body.contentLength ?? 0)
        let kind = RouteKind.classify(path: request.uri.path)
        metrics.recordRequest(kind: kind, status: response.status.code, bytes: bytes, durationNanoseconds: nanos)
        if logger.logLevel <= .info {
            logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(bytes)B \(nanos / 1000)us",
                        metadata: ["request_id": .string(context.requestID), "kind": .string(kind.rawValue)])
        }
        return response
    }

    /// Keeps a client's id when it is a short token (so ids can be followed through a CDN); otherwise a new
    /// 16-hex-digit random id. Never echoes arbitrary bytes into logs or headers.
    static func requestID(from incoming: String?) -> String {
        if let incoming, (8...64).contains(incoming.utf8.count),
           incoming.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
               || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
               || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
               || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) {
            return incoming
        }
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-Id")!
}
