import Crypto
import Foundation
import Synchronization

/// What a signed URL grants: one item (its path prefix), until an instant, optionally only to one
/// client network and only up to a rendition height.
public struct SignedURLClaims: Sendable, Equatable {
    public var scope: AccessScope
    /// Seconds since 1970 after which the URL is refused.
    public var expires: Int
    public var network: IPNetwork?
    public var maxHeight: Int?

    public init(scope: AccessScope, expires: Int, network: IPNetwork? = nil, maxHeight: Int? = nil) {
        self.scope = scope
        self.expires = expires
        self.network = network
        self.maxHeight = maxHeight
    }
}

/// Mints and checks signed playback URLs: HMAC-SHA256 over the scope and the query parameters, in
/// base64url. The query is `exp=<unix>[&ip=<cidr>][&mh=<height>]&sig=<mac>`; the scope is not in the
/// query but in the MAC, so a URL minted for one asset does not open another. `access.signing_key`
/// signs; `access.previous_signing_keys` still verify, so a key can rotate while URLs are in flight.
public struct URLSigner: Sendable {
    /// Shortest key accepted (bytes of UTF-8): shorter keys can be brute-forced from one URL.
    public static let minimumKeyLength = 16

    private let signingKey: SymmetricKey
    private let verifyingKeys: [SymmetricKey]
    /// URLs found valid, with their claims: a player makes hundreds of requests with one URL.
    private let verified = VerifiedURLMemo()

    public init(key: String, previousKeys: [String] = []) {
        signingKey = SymmetricKey(data: Array(key.utf8))
        verifyingKeys = [signingKey] + previousKeys.map { SymmetricKey(data: Array($0.utf8)) }
    }

    /// The query string (without `?`) that grants `claims`.
    public func query(for claims: SignedURLClaims) -> String {
        let fields = Self.fields(claims.expires, claims.network?.description, claims.maxHeight.map(String.init))
        let mac = HMAC<SHA256>.authenticationCode(for: Self.message(claims.scope, fields), using: signingKey)
        return fields.map { "\($0.0)=\($0.1)" }.joined(separator: "&") + "&sig=" + Base64URL.encode(mac)
    }

    /// Checks the signed-URL parameters of a request for `scope` at `now` (seconds since 1970).
    /// A URL that verified before (same parameters, same scope) is not MAC-checked again, but its expiry
    /// is checked on every call, and the caller checks its network and height against each request.
    public func verify(_ parameters: AccessParameters, scope: AccessScope, now: Int) -> Result<VerifiedSignedURL, AccessRefusal> {
        guard let signature = parameters.signature else {
            return .failure(AccessRefusal(.missingToken, "this content needs a signed URL (exp and sig parameters)"))
        }
        let canonical = parameters.signedQuery
        if let known = verified.claims(canonical, scope: scope) {
            guard now <= known.expires else { return .failure(.expired(at: known.expires)) }
            return .success(VerifiedSignedURL(claims: known, query: canonical))
        }
        guard let rawExpiry = parameters.expires, let expires = Int(rawExpiry), let mac = Base64URL.decode(signature), mac.count == 32 else {
            return .failure(AccessRefusal(.malformedToken, "the signed URL's exp or sig parameter is malformed"))
        }
        let message = Self.message(scope, Self.fields(expires, parameters.ip, parameters.maxHeight))
        guard verifyingKeys.contains(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: $0) }) else {
            return .failure(AccessRefusal(.badSignature, "the URL's signature does not match: it was altered or was signed for other content"))
        }
        var claims = SignedURLClaims(scope: scope, expires: expires)
        if let ip = parameters.ip {
            guard let network = IPNetwork(ip) else { return .failure(AccessRefusal(.malformedToken, "the signed URL's ip parameter is malformed")) }
            claims.network = network
        }
        if let height = parameters.maxHeight {
            guard let value = Int(height), value > 0 else { return .failure(AccessRefusal(.malformedToken, "the signed URL's mh parameter is malformed")) }
            claims.maxHeight = value
        }
        guard now <= expires else { return .failure(.expired(at: expires)) }
        verified.insert(canonical, claims, now: now)
        return .success(VerifiedSignedURL(claims: claims, query: canonical))
    }

    /// The same from decoded parameters by name.
    public func verify(query: [String: String], scope: AccessScope, now: Int) -> Result<SignedURLClaims, AccessRefusal> {
        verify(AccessParameters(query), scope: scope, now: now).map(\.claims)
    }

    private static func fields(_ expires: Int, _ ip: String?, _ maxHeight: String?) -> [(String, String)] {
        var out = [("exp", String(expires))]
        if let ip { out.append(("ip", ip)) }
        if let maxHeight { out.append(("mh", maxHeight)) }
        return out
    }

    /// Versioned, newline-separated: the scope, then each parameter as `name=value`.
    private static func message(_ scope: AccessScope, _ fields: [(String, String)]) -> [UInt8] {
        Array((["mediaserve-signed-url-v1", scope.pathPrefix] + fields.map { "\($0.0)=\($0.1)" }).joined(separator: "\n").utf8)
    }
}

/// A signed URL that verified: what it grants, and its parameters in canonical order (what manifests
/// under it append to every URI).
public struct VerifiedSignedURL: Sendable, Equatable {
    public let claims: SignedURLClaims
    public let query: String
}

/// Signed URLs already verified, by their canonical parameters (signature included), with the claims
/// they grant, kept until they expire: a player makes hundreds of requests with one URL, and each then
/// costs a lookup instead of base64, a message and an HMAC. Only URLs whose MAC matched are kept (forged
/// ones are checked every time and cannot fill it); a hit needs exactly the parameters that verified
/// and the same scope, so nothing weaker is trusted. Bounded: when full, expired entries go, and if none
/// had, all of them.
final class VerifiedURLMemo: Sendable {
    let capacity: Int
    private let entries = Mutex<[String: SignedURLClaims]>([:])

    init(capacity: Int = 10_000) { self.capacity = capacity }

    func claims(_ canonicalQuery: String, scope: AccessScope) -> SignedURLClaims? {
        guard let claims = entries.withLock({ $0[canonicalQuery] }), claims.scope == scope else { return nil }
        return claims
    }

    func insert(_ canonicalQuery: String, _ claims: SignedURLClaims, now: Int) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires >= now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[canonicalQuery] = claims
        }
    }
}
