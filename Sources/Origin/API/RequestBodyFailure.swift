import Hummingbird
import NIOHTTP1

/// What went wrong while a request body was read, as the answer the client should get: an over-long body
/// is 413, a malformed one (a bad chunk size) 400, and a client that went away 499 (logged, never a 500,
/// since the server did nothing wrong).
enum RequestBodyFailure {
    static func originError(_ error: any Error, limit: Int) -> OriginError {
        switch error {
        case let error as OriginError:
            return error
        case let error as HTTPError where error.status == .contentTooLarge:
            return .payloadTooLarge(limit: limit)
        case let error as HTTPParserError where error == .invalidEOFState:
            // The connection ended inside the body: the client went away, the body was not malformed.
            return .clientClosedRequest("the connection closed before the body was complete")
        case let error as HTTPParserError:
            return .badRequest("malformed request body (\(error)): send Content-Length or well-formed chunked encoding")
        default:
            return .clientClosedRequest("the body ended before it was complete (\(type(of: error)))")
        }
    }
}
