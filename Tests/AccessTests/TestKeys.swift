import Foundation
import JWTKit
import _CryptoExtras

/// Key pairs of the three JWT families the origin must accept, with their public halves as a JWKS
/// document: what an identity provider (Cognito, Auth0, Keycloak) publishes.
struct TestKeys {
    let signer = JWTKeyCollection()
    let jwksJSON: String

    static func make() async throws -> TestKeys {
        let rsa = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let ec = ES256PrivateKey()
        let ed = try EdDSA.PrivateKey()
        let (modulus, exponent) = try rsa.publicKey.getKeyPrimitives()
        let point = ec.publicKey.parameters!
        let keys: [[String: String]] = [
            ["kty": "RSA", "kid": "rsa1", "alg": "RS256", "use": "sig", "n": b64url(modulus), "e": b64url(exponent)],
            ["kty": "EC", "kid": "ec1", "alg": "ES256", "use": "sig", "crv": "P-256", "x": point.x, "y": point.y],
            ["kty": "OKP", "kid": "ed1", "alg": "EdDSA", "use": "sig", "crv": "Ed25519", "x": b64url(ed.publicKey.rawRepresentation)],
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: ["keys": keys]), as: UTF8.self)
        let made = TestKeys(jwksJSON: json)
        await made.signer.add(rsa: rsa, digestAlgorithm: .sha256, kid: "rsa1")
        await made.signer.add(ecdsa: ec, kid: "ec1")
        await made.signer.add(eddsa: ed, kid: "ed1")
        return made
    }

    func token(kid: String, _ claims: [String: TokenClaimsValue]) async throws -> String {
        try await signer.sign(TestPayload(claims: claims), kid: JWKIdentifier(string: kid))
    }

    static func b64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

enum TokenClaimsValue: Encodable, Sendable {
    case string(String)
    case number(Int)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        }
    }
}

struct TestPayload: JWTPayload {
    var claims: [String: TokenClaimsValue]

    init(claims: [String: TokenClaimsValue]) { self.claims = claims }
    init(from decoder: any Decoder) throws { claims = [:] }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
