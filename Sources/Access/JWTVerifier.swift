import Foundation
import JWTKit

/// What became of a JWT's signature check: the claims, a key the JWKS does not have (the caller may
/// re-fetch the JWKS), or a token that is simply bad.
public enum JWTOutcome: Sendable, Equatable {
    case verified(TokenClaims)
    case unknownKey(String)
    case invalid(String)
}

/// Checks JWT signatures (RS256, ES256, EdDSA, ...) against the keys of one JWKS document. No I/O:
/// fetching the document is the caller's job; a new document makes a new verifier.
public struct JWTVerifier: Sendable {
    private let keys: JWTKeyCollection
    /// The `kid`s of the JWKS, for "unknown kid" decisions without asking the collection.
    public let keyIDs: Set<String>

    /// Throws a one-line reason when the document is not a JWKS jwt-kit can use.
    public init(jwksJSON: String) async throws {
        let keys = JWTKeyCollection()
        do {
            let jwks = try JSONDecoder().decode(JWKS.self, from: Data(jwksJSON.utf8))
            try await keys.add(jwks: jwks)
            keyIDs = Set(jwks.keys.compactMap { $0.keyIdentifier?.string })
        } catch {
            throw JWTVerifierError(reason: "not a usable JWKS document: \(error)")
        }
        self.keys = keys
    }

    public func verify(_ token: String) async -> JWTOutcome {
        do {
            if let kid = Self.keyID(of: token), !keyIDs.contains(kid) { return .unknownKey(kid) }
            return .verified(try await keys.verify(token, as: TokenClaims.self))
        } catch {
            return .invalid("the JWT was refused: \(error)")
        }
    }
}

extension JWTVerifier {
    /// The `kid` of a token's header, read without verifying anything (to decide whether to re-fetch).
    static func keyID(of token: String) -> String? {
        guard let first = token.split(separator: ".").first, let bytes = Base64URL.decode(String(first)),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        return object["kid"] as? String
    }
}

public struct JWTVerifierError: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
