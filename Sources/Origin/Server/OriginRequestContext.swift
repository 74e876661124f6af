import Hummingbird

/// The request context of every origin route. Request bodies are small everywhere except the upload
/// route, which streams its body itself and enforces its own limit.
public struct OriginRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AccessLogMiddleware` before any route runs; returned as `X-Request-Id`.
    public var requestID: String = ""
    /// The peer's IP address (the CDN's, behind one): signed URLs bound to a network, admin and playback-event
    /// rate limiting.
    public var remoteIP: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress
    }

    /// JSON bodies of the admin API are a few hundred bytes; anything bigger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }
}
