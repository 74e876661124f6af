import Crypto
import _CryptoExtras
import Foundation
import Protection
import Testing
import TestSupport

@Suite struct SegmentCipherTests {
    let key = try! ContentKey(id: KeyID("0123456789abcdef0123456789abcdef")!, key: Array(0x10...0x1F).map(UInt8.init))

    @Test func aes128MatchesOpenSSL() throws {
        let clear = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let iv = IVDerivation.wholeSegment(kid: key.id, stream: "v1", segment: 3)
        let encrypted = WholeSegmentCipher.encrypt(clear, key: key, iv: iv)
        #expect(encrypted.count == WholeSegmentCipher.encryptedSize(ofClearSize: clear.count))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aes128-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("seg.enc")
        try Data(encrypted).write(to: input)
        let output = dir.appendingPathComponent("seg.clear")
        let hexIV = iv.map { String(format: "%02x", $0) }.joined()
        let result = try run("openssl", ["enc", "-d", "-aes-128-cbc", "-K", key.keyHex, "-iv", hexIV,
                                                  "-in", input.path, "-out", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try [UInt8](Data(contentsOf: output)) == clear)
    }

    @Test func aes128PadsAWholeBlockOnBlockMultiples() {
        let clear = [UInt8](repeating: 9, count: 32)
        let encrypted = WholeSegmentCipher.encrypt(clear, key: key, iv: [UInt8](repeating: 0, count: 16))
        #expect(encrypted.count == 48)
        let decrypted = try! AES._CBC.decrypt(encrypted, using: SymmetricKey(data: key.key), iv: .init(ivBytes: [UInt8](repeating: 0, count: 16)))
        #expect([UInt8](decrypted) == clear)
    }

    @Test func ivsAreDeterministicAndDistinct() {
        let a = IVDerivation.wholeSegment(kid: key.id, stream: "v1", segment: 1)
        #expect(a == IVDerivation.wholeSegment(kid: key.id, stream: "v1", segment: 1))
        #expect(a != IVDerivation.wholeSegment(kid: key.id, stream: "v1", segment: 2))
        #expect(a != IVDerivation.wholeSegment(kid: key.id, stream: "v2", segment: 1))
        #expect(IVDerivation.cencFragmentBase(kid: key.id, stream: "v1", segment: 1).count == 8)
        #expect(IVDerivation.adding(1, to: [0, 0xFF, 0xFF]) == [1, 0, 0])
        #expect(IVDerivation.adding(0x0102, to: [0, 0, 0xFF]) == [0, 2, 1])
        #expect(IVDerivation.adding(1, to: [0xFF, 0xFF]) == [0, 0])
    }

    @Test func keyRotationCutsPeriodsOnTheMediaClock() {
        let rotation = KeyRotation(periodSeconds: 30)
        #expect(rotation.periodIndex(start: 0, timescale: 90000) == 0)
        #expect(rotation.periodIndex(start: 29 * 90000, timescale: 90000) == 0)
        #expect(rotation.periodIndex(start: 30 * 90000, timescale: 90000) == 1)
        #expect(rotation.periodIndex(atSeconds: 61) == 2)
        #expect(KeyRotation(periodSeconds: 0).periodIndex(atSeconds: 1000) == 0)
    }

    @Test func keyIDSpellings() throws {
        let kid = try #require(KeyID("10000000-1000-1000-1000-100000000001"))
        #expect(kid.hex == "10000000100010001000100000000001")
        #expect(KeyID(base64url: kid.base64url) == kid)
        #expect(KeyID("xyz") == nil)
        #expect(KeyID.random() != KeyID.random())
        #expect(KeyID.random().uuidString.count == 36)
    }
}
