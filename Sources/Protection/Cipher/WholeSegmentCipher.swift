import Crypto
import _CryptoExtras
import Foundation

/// HLS `METHOD=AES-128` (RFC 8216 §4.3.2.4): the whole segment (init too) AES-128-CBC with PKCS#7 padding.
/// The IV is explicit in the playlist, so it is derived (`IVDerivation`) rather than the sequence number:
/// two renditions never share one under the same key.
public enum WholeSegmentCipher {
    public static func encrypt(_ clear: [UInt8], key: ContentKey, iv: [UInt8]) -> [UInt8] {
        precondition(iv.count == 16, "AES-128 IV is 16 bytes")
        // One bulk CBC call over the whole segment, PKCS#7 padding added by swift-crypto.
        let encrypted = try! AES._CBC.encrypt(clear, using: SymmetricKey(data: key.key), iv: AES._CBC.IV(ivBytes: iv))
        return [UInt8](encrypted)
    }

    /// The size of the encrypted form of `clearSize` bytes (for Content-Length and ranges before encrypting).
    public static func encryptedSize(ofClearSize clearSize: Int) -> Int { (clearSize / 16 + 1) * 16 }
}
