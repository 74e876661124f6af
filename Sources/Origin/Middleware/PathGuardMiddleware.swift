import Hummingbird

/// Answers 400 to any request whose path `RequestTargetGuard` refuses, before routing: traversal attempts,
/// percent escapes, NUL and other control bytes, and over-long paths never reach a handler or the disk.
public struct PathGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let rejection = RequestTargetGuard.check(path: request.uri.path) {
            throw OriginError.badRequest(rejection.description)
        }
        return try await next(request, context)
    }
}
