import Crypto
import Foundation

/// HLS `METHOD=AES-128` (RFC 8216 §4.3.2.4): the whole segment (init too) AES-128-CBC with PKCS#7 padding.
/// The IV is explicit in the playlist, so it is derived (`IVDerivation`) rather than the sequence number:
/// two renditions never share one under the same key.
public enum WholeSegmentCipher {
    public static func encrypt(_ clear: [UInt8], key: ContentKey, iv: [UInt8]) -> [UInt8] {
        precondition(iv.count == 16, "AES-128 IV is 16 bytes")
        let pad = 16 - clear.count % 16
        var bytes = clear
        bytes.reserveCapacity(clear.count + pad)
        bytes.append(contentsOf: repeatElement(UInt8(pad), count: pad))
        var chain = iv
        AESBlocks.cbc(&bytes, blocksAt: 0, count: bytes.count / 16, key: SymmetricKey(data: key.key), chain: &chain)
        return bytes
    }

    /// The size of the encrypted form of `clearSize` bytes (for Content-Length and ranges before encrypting).
    public static func encryptedSize(ofClearSize clearSize: Int) -> Int { (clearSize / 16 + 1) * 16 }
}
