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
    /// The query parameters a signed URL adds; the origin strips them before it builds a manifest.
    public static let parameterNames: Set<String> = ["exp", "ip", "mh", "sig"]
    /// Shortest key accepted (bytes of UTF-8): shorter keys can be brute-forced from one URL.
    public static let minimumKeyLength = 16

    private let signingKey: SymmetricKey
    private let verifyingKeys: [SymmetricKey]
    /// Messages whose signature was found valid lately: a player makes hundreds of requests with one URL.
    private let verified = SignatureMemo()

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
    public func verify(query: [String: String], scope: AccessScope, now: Int) -> Result<SignedURLClaims, AccessRefusal> {
        guard let signature = query["sig"] else {
            return .failure(AccessRefusal(.missingToken, "this content needs a signed URL (exp and sig parameters)"))
        }
        guard let rawExpiry = query["exp"], let expires = Int(rawExpiry), let mac = Base64URL.decode(signature), mac.count == 32 else {
            return .failure(AccessRefusal(.malformedToken, "the signed URL's exp or sig parameter is malformed"))
        }
        let fields = Self.fields(expires, query["ip"], query["mh"])
        let message = Self.message(scope, fields)
        let memoKey = String(decoding: message, as: UTF8.self) + "\n" + signature
        if !verified.contains(memoKey, now: now) {
            guard verifyingKeys.contains(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: $0) }) else {
                return .failure(AccessRefusal(.badSignature, "the URL's signature does not match: it was altered or was signed for other content"))
            }
            verified.insert(memoKey, now: now)
        }
        var claims = SignedURLClaims(scope: scope, expires: expires)
        if let ip = query["ip"] {
            guard let network = IPNetwork(ip) else { return .failure(AccessRefusal(.malformedToken, "the signed URL's ip parameter is malformed")) }
            claims.network = network
        }
        if let height = query["mh"] {
            guard let value = Int(height), value > 0 else { return .failure(AccessRefusal(.malformedToken, "the signed URL's mh parameter is malformed")) }
            claims.maxHeight = value
        }
        guard now <= expires else { return .failure(.expired(at: expires)) }
        return .success(claims)
    }

    /// The query of an accepted URL in its canonical order: what manifests append to every URI they write.
    public static func propagatedQuery(_ query: [String: String]) -> String {
        ["exp", "ip", "mh", "sig"].compactMap { name in query[name].map { "\(name)=\($0)" } }.joined(separator: "&")
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

/// Signed-URL messages (scope, parameters and signature) already found valid, so the requests of one
/// signed URL cost one HMAC per `windowSeconds`, not one each. Only valid signatures are kept (forged
/// ones are checked every time and cannot fill it), and it is emptied every window and when full, so it
/// stays small. A hit is exactly the same message and signature that verified: nothing weaker is trusted,
/// and expiry, network and height are still checked per request.
final class SignatureMemo: Sendable {
    let windowSeconds: Int
    let capacity: Int
    private let state = Mutex<(window: Int, keys: Set<String>)>((0, []))

    init(windowSeconds: Int = 60, capacity: Int = 10_000) {
        self.windowSeconds = windowSeconds
        self.capacity = capacity
    }

    func contains(_ key: String, now: Int) -> Bool {
        state.withLock { $0.window == now / windowSeconds && $0.keys.contains(key) }
    }

    func insert(_ key: String, now: Int) {
        state.withLock { state in
            let window = now / windowSeconds
            if state.window != window || state.keys.count >= capacity { state = (window, []) }
            state.keys.insert(key)
        }
    }
}
