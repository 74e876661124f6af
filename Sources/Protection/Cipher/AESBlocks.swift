import Crypto
import _CryptoExtras
import Foundation

/// The two AES modes the schemes are built from, over caller-owned byte ranges. swift-crypto (BoringSSL,
/// the CPU's AES instructions) does the block work; these helpers only chain and slice.
enum AESBlocks {
    /// AES-128-CTR with a 16-byte initial counter block, in place over `bytes[range]`. Returns the counter
    /// block that continues after the range's last (partial) block is not needed: CENC restarts per sample.
    static func ctr(_ bytes: inout [UInt8], range: Range<Int>, key: SymmetricKey, counter: [UInt8]) {
        guard !range.isEmpty else { return }
        let nonce = try! AES._CTR.Nonce(nonceBytes: counter)
        let out = bytes.withUnsafeBufferPointer { buffer in
            try! AES._CTR.encrypt(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[range]), using: key, nonce: nonce)
        }
        out.withUnsafeBytes { source in
            bytes.withUnsafeMutableBytes { target in
                UnsafeMutableRawBufferPointer(rebasing: target[range]).copyMemory(from: source)
            }
        }
    }

    /// AES-128-CBC without padding over whole 16-byte blocks, in place. `chain` is the IV on entry and the
    /// last ciphertext block on exit, so a caller can encrypt a pattern's crypt blocks as one chain.
    static func cbc(_ bytes: inout [UInt8], blocksAt offset: Int, count blocks: Int, key: SymmetricKey, chain: inout [UInt8]) {
        guard blocks > 0 else { return }
        bytes.withUnsafeMutableBufferPointer { buffer in
            chain.withUnsafeMutableBufferPointer { previous in
                for block in 0..<blocks {
                    let start = offset + block * 16
                    var slice = UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + 16)])
                    for i in 0..<16 { slice[i] ^= previous[i] }
                    try! AES.permute(&slice, key: key)
                    for i in 0..<16 { previous[i] = slice[i] }
                }
            }
        }
    }
}
