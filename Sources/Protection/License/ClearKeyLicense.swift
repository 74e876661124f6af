import Foundation

/// The W3C ClearKey licence exchange (Encrypted Media Extensions §9.1.3/§9.1.4): the CDM posts the key
/// ids it needs, the server answers with those keys as a JSON Web Key Set. Pure value types; the origin
/// decides which keys the viewer may have before it calls `response`.
public struct ClearKeyLicenceRequest: Sendable, Equatable {
    public let kids: [KeyID]
    public let type: String

    /// Parses `{"kids": ["base64url", ...], "type": "temporary"}`.
    public init(json: [UInt8]) throws {
        struct Wire: Decodable { let kids: [String]; let type: String? }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(json))
        } catch {
            throw ProtectionError.badLicenceRequest(reason: "the body is not JSON of the form {\"kids\": [...], \"type\": \"temporary\"}")
        }
        guard !wire.kids.isEmpty else { throw ProtectionError.badLicenceRequest(reason: "\"kids\" is empty") }
        guard wire.kids.count <= 64 else { throw ProtectionError.badLicenceRequest(reason: "more than 64 key ids") }
        kids = try wire.kids.map { text in
            guard let kid = KeyID(base64url: text) else {
                throw ProtectionError.badLicenceRequest(reason: "key id \"\(text.prefix(40))\" is not 16 bytes of base64url")
            }
            return kid
        }
        let type = wire.type ?? "temporary"
        guard type == "temporary" || type == "persistent-license" else {
            throw ProtectionError.badLicenceRequest(reason: "session type \"\(type.prefix(40))\" is not temporary or persistent-license")
        }
        self.type = type
    }

    public init(kids: [KeyID], type: String = "temporary") {
        self.kids = kids
        self.type = type
    }

    public var json: [UInt8] {
        let body: [String: Any] = ["kids": kids.map(\.base64url), "type": type]
        return [UInt8](try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
    }
}

/// `{"keys": [{"kty": "oct", "kid": ..., "k": ...}], "type": ...}`.
public struct ClearKeyLicenceResponse: Sendable, Equatable {
    public let keys: [ContentKey]
    public let type: String

    public init(keys: [ContentKey], type: String = "temporary") {
        self.keys = keys
        self.type = type
    }

    public var json: [UInt8] {
        let body: [String: Any] = [
            "keys": keys.map { ["kty": "oct", "kid": $0.id.base64url, "k": $0.keyBase64url] },
            "type": type,
        ]
        return [UInt8](try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    public init(json: [UInt8]) throws {
        struct JWK: Decodable { let kty: String; let kid: String; let k: String }
        struct Wire: Decodable { let keys: [JWK]; let type: String? }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(json)) else {
            throw ProtectionError.badLicenceRequest(reason: "licence response is not a JSON Web Key Set")
        }
        keys = try wire.keys.map { jwk in
            guard jwk.kty == "oct", let kid = KeyID(base64url: jwk.kid), let key = Base64URL.decode(jwk.k) else {
                throw ProtectionError.badLicenceRequest(reason: "licence key entry is not an oct key with a 16-byte kid")
            }
            return try ContentKey(id: kid, key: key)
        }
        type = wire.type ?? "temporary"
    }
}
