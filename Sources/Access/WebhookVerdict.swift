/// The external authorisation hook's answer for one request, as the evaluator needs it.
public enum WebhookVerdict: Sendable, Equatable {
    case allowed
    /// The hook answered with a non-2xx status.
    case denied(status: Int)
    /// Down, slow or unreachable: fail closed.
    case unavailable(String)
}

/// Body of the POST to `access.webhook_url` (and `live.publish_webhook_url`): who asks to do what.
public struct WebhookQuery: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        case play
        case publish
    }

    public var action: Action
    public var path: String
    public var asset: String?
    public var stream: String?
    public var token: String?
    public var ip: String?
    /// `hls`, `dash`, `rtmp` or `srt`.
    public var `protocol`: String

    public init(action: Action, path: String, asset: String? = nil, stream: String? = nil, token: String? = nil,
                ip: String? = nil, protocol: String) {
        self.action = action
        self.path = path
        self.asset = asset
        self.stream = stream
        self.token = token
        self.ip = ip
        self.protocol = `protocol`
    }

    /// The query a play decision is cached by: one item, one token, one address (not the exact path, so
    /// a viewer's segments reuse the decision made for the manifest).
    public var cacheKey: String {
        [action.rawValue, asset ?? "", stream ?? "", token ?? "", ip ?? ""].joined(separator: "\u{1F}")
    }

    /// A play query for a media request to `path`: protocol `dash` for an MPD, `hls` for a playlist,
    /// `segment` for the media both share.
    public static func play(_ request: ViewerRequest, path: String) -> WebhookQuery {
        let scope = request.path.scope
        let format = path.hasSuffix(".mpd") ? "dash" : path.hasSuffix(".m3u8") ? "hls" : "segment"
        return WebhookQuery(action: .play, path: path, asset: scope.tree == .vod ? scope.owner.rawValue : nil,
                            stream: scope.tree == .live ? scope.owner.rawValue : nil, token: request.presentedToken?.value,
                            ip: request.clientIP, protocol: format)
    }
}
