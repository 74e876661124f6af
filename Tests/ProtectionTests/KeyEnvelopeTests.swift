import Foundation
import Protection
import Testing

@Suite struct KeyEnvelopeTests {
    static let hexKey = String(repeating: "ab", count: 32)

    @Test func masterKeyAcceptsHexAndBase64() throws {
        _ = try MasterKey(parsing: Self.hexKey)
        _ = try MasterKey(parsing: Data(repeating: 0xAB, count: 32).base64EncodedString())
        #expect(throws: ProtectionError.masterKeyFormat(reason: "it decodes to 16 bytes, not 32")) {
            try MasterKey(parsing: String(repeating: "ab", count: 16))
        }
        #expect(throws: ProtectionError.self) { try MasterKey(parsing: "not a key!") }
        #expect(throws: ProtectionError.self) { try MasterKey(parsing: "  ") }
    }

    @Test func sealOpensWithTheSameKeyOnly() throws {
        let master = try MasterKey(parsing: Self.hexKey)
        let key = ContentKey.generate()
        let sealed = master.seal(key)
        #expect(!sealed.contains(subsequence: key.key))
        #expect(try master.open(sealed, kid: key.id) == key)
        let other = try MasterKey(parsing: String(repeating: "cd", count: 32))
        #expect(throws: ProtectionError.masterKeyMismatch) { try other.open(sealed, kid: key.id) }
        // A sealed key moved to another key id does not open either.
        #expect(throws: ProtectionError.masterKeyMismatch) { try master.open(sealed, kid: .random()) }
        #expect(throws: ProtectionError.sealedKeyDamaged(kid: key.id)) { try master.open([1, 2, 3], kid: key.id) }
    }

    @Test func checkValueDetectsAnotherMasterKey() throws {
        let master = try MasterKey(parsing: Self.hexKey)
        let check = master.makeCheck()
        try master.verify(check: check)
        let other = try MasterKey(parsing: String(repeating: "cd", count: 32))
        #expect(throws: ProtectionError.masterKeyMismatch) { try other.verify(check: check) }
        #expect(ProtectionError.masterKeyMismatch.description.contains("MEDIASERVE_DRM_MASTER_KEY"))
    }

    @Test func clearKeyLicenceExchange() throws {
        let key = ContentKey.generate()
        let body = Array(#"{"kids":["\#(key.id.base64url)"],"type":"temporary"}"#.utf8)
        let request = try ClearKeyLicenceRequest(json: body)
        #expect(request.kids == [key.id])
        let response = ClearKeyLicenceResponse(keys: [key], type: request.type)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.json)) as? [String: Any])
        let keys = try #require(json["keys"] as? [[String: String]])
        #expect(keys == [["kty": "oct", "kid": key.id.base64url, "k": key.keyBase64url]])
        #expect(try ClearKeyLicenceResponse(json: response.json) == response)
        #expect(!key.keyBase64url.contains("="))
        for bad in [#"{"kids":[]}"#, #"{"kids":["AAAA"]}"#, "[1,2]", #"{"kids":["\#(key.id.base64url)"],"type":"x"}"#] {
            #expect(throws: ProtectionError.self) { try ClearKeyLicenceRequest(json: Array(bad.utf8)) }
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
