/// One media request as the access evaluator sees it: plain values the HTTP layer read from the request.
public struct ViewerRequest: Sendable {
    public var path: MediaPath
    /// The query parameters access control reads (the rest of the query is the routes' business).
    public var parameters: AccessParameters
    /// From `Authorization: Bearer ...`.
    public var bearerToken: String?
    public var country: String?
    /// Value of the mobile-viewer header, if sent.
    public var mobileHeader: String?
    public var userAgent: String?
    /// The viewer's address (from the connection or `access.client_ip_header`).
    public var clientIP: String?
    /// Value of the CDN secret header, if sent.
    public var cdnSecret: String?
    /// Seconds since 1970.
    public var now: Int

    public init(path: MediaPath, parameters: AccessParameters = .none, bearerToken: String? = nil, country: String? = nil,
                mobileHeader: String? = nil, userAgent: String? = nil, clientIP: String? = nil, cdnSecret: String? = nil,
                now: Int) {
        self.path = path
        self.parameters = parameters
        self.bearerToken = bearerToken
        self.country = country
        self.mobileHeader = mobileHeader
        self.userAgent = userAgent
        self.clientIP = clientIP
        self.cdnSecret = cdnSecret
        self.now = now
    }

    /// The viewer's token for `jwt` and `webhook` items: the bearer header, else `?token=`.
    public var presentedToken: (value: String, fromQuery: Bool)? {
        if let bearerToken, !bearerToken.isEmpty { return (bearerToken, false) }
        if let token = parameters.token, !token.isEmpty { return (token, true) }
        return nil
    }
}
