import Catalog
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// First middleware of the chain: gives every request an id (kept from a sane incoming `X-Request-Id`,
/// otherwise a fresh random one), returns it as `X-Request-Id`, and hands one access-log line and the
/// request's metrics to the `RequestRecorder` (written off the response's path). Errors thrown further in
/// are turned into responses here so they are counted too.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = OriginRequestContext
    let recorder: RequestRecorder

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
        } catch CatalogError.unavailable(_, let reason) {
            // A shared catalog (PostgreSQL) that is down or restarting: fail fast, the client retries.
            context.logger.error("catalog unavailable: \(reason)")
            response = try OriginError.unavailable("the catalog is unreachable: try again shortly")
                .response(from: request, context: context)
            response.headers[.retryAfter] = "5"
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
        let nanos = RequestRecorder.nanoseconds(elapsed)
        let bytes = request.method == .head ? 0 : (response.body.contentLength ?? 0)
        let path = request.uri.path
        recorder.record(.init(method: request.method.rawValue, path: path, status: response.status.code, bytes: bytes,
                              nanoseconds: nanos, requestID: context.requestID, kind: RouteKind.classify(path: path)))
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
        return RequestIDSequence.hex(RequestIDSequence.next())
    }
}

/// Fresh request ids without a getrandom(2) call per request (`UInt64.random` asks the kernel each
/// time): a counter that starts at a random value, stepped by an odd constant (so it visits every
/// 64-bit value once) and scrambled by SplitMix64's finaliser. Unique within a process, unpredictable
/// enough for tracing; not a secret.
enum RequestIDSequence {
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0...UInt64.max))

    /// `value` as 16 lower-case hex digits, made in place: `String(radix:)`, the zero padding and the
    /// concatenation were three strings per request (~1 % of a cached manifest's CPU).
    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { digits in
                for index in 0..<16 {
                    buffer[index] = digits[Int((value >> UInt64(60 - 4 * index)) & 0xF)]
                }
            }
            return 16
        }
    }

    static func next() -> UInt64 {
        var z = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-Id")!
}
