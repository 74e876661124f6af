import Analytics
import HTTPTypes
import Hummingbird
import HummingbirdCore
import MediaCore

/// Credits the CMCD of every media request (`/vod/...`, `/live/...`) to its session, from the `CMCD`
/// query argument or the four CMCD headers. Requests without CMCD cost one dictionary lookup and four
/// header lookups; parsing never fails a request. Only answered requests (2xx, 304) are credited.
struct CMCDMiddleware: RouterMiddleware {
    typealias Context = OriginRequestContext
    let recorder: AnalyticsRecorder
    let countryHeader: HTTPField.Name?
    private static let headerNames = CMCD.headerNames.compactMap { HTTPField.Name($0) }

    init(recorder: AnalyticsRecorder, countryHeader: String?) {
        self.recorder = recorder
        self.countryHeader = countryHeader.flatMap { HTTPField.Name($0) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard response.status.code < 400 else { return response }
        credit(uri: request.uri, headers: request.headers)
        return response
    }

    /// Credits the CMCD a media request carries, if any (the fast path calls this for what it answers).
    func credit(uri: URI, headers: HTTPFields) {
        guard let subject = Self.subject(path: uri.path) else { return }
        let query = uri.query.flatMap { Self.mayCarryCMCD($0) ? uri.queryParameters["CMCD"].map(String.init) : nil }
        var values: [String] = []
        for name in Self.headerNames { if let value = headers[name] { values.append(value) } }
        if let cmcd = CMCD.parse(query: query, headers: values) {
            recorder.record(cmcd, subject: subject, userAgent: headers[.userAgent],
                            country: countryHeader.flatMap { headers[$0] })
        }
    }

    /// Whether a raw query has `CMCD=` in it, by bytes: Foundation's `contains` bridges through NSString,
    /// which was 5 % of a signed segment request (every signed URL has a query).
    static func mayCarryCMCD(_ query: String) -> Bool {
        let needle = cmcdNeedle
        let bytes = query.utf8
        guard bytes.count >= needle.count else { return false }
        var index = bytes.startIndex
        while let found = bytes[index...].firstIndex(of: needle[0]) {
            if bytes[found...].starts(with: needle) { return true }
            index = bytes.index(after: found)
        }
        return false
    }

    private static let cmcdNeedle = Array("CMCD=".utf8)

    /// `/vod/<asset>/...` and `/live/<stream>/...`; nil for other paths.
    static func subject(path: String) -> PlaybackSubject? {
        let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, let id = SafeName(String(parts[1])) else { return nil }
        switch parts[0] {
        case "vod": return .asset(id.rawValue)
        case "live": return .stream(id.rawValue)
        default: return nil
        }
    }
}
