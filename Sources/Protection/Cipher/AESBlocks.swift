import Crypto
import _CryptoExtras
import Foundation

/// The two AES modes the schemes are built from, over caller-owned byte ranges. Each call hands one
/// contiguous buffer to swift-crypto's bulk CTR or CBC (BoringSSL's `AES_ctr128_encrypt` and, from
/// swift-crypto 4, `AES_cbc_encrypt`, both on the CPU's AES instructions): one key schedule per call and
/// no per-block Swift code. Ranges that are not contiguous (a sample's subsamples, a pattern's crypt
/// blocks) are gathered into one buffer, encrypted as one chain and scattered back.
enum AESBlocks {
    /// AES-128-CTR over `ranges` of `bytes` taken in order as one keystream (each range continues the
    /// counter, and the position inside a block, where the previous one stopped), in place. `iv` is the
    /// sample's 8-byte IV; the low 8 bytes of the counter block start at zero (ISO/IEC 23001-7 §9.2).
    static func ctr(_ bytes: inout [UInt8], ranges: [Range<Int>], key: SymmetricKey, iv: [UInt8]) {
        let total = ranges.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        var counter = iv
        counter.append(contentsOf: repeatElement(0, count: 16 - iv.count))
        let nonce = try! AES._CTR.Nonce(nonceBytes: counter)
        let out = withGathered(bytes, ranges: ranges, total: total) { try! AES._CTR.encrypt($0, using: key, nonce: nonce) }
        scatter(out, into: &bytes, ranges: ranges)
    }

    /// AES-128-CBC without padding over the 16-byte blocks at `blockOffsets`, chained in that order from
    /// `iv` (a `cbcs` subsample's crypt blocks, or one run of whole blocks), in place.
    static func cbc(_ bytes: inout [UInt8], blockOffsets: some Collection<Int>, key: SymmetricKey, iv: [UInt8]) {
        guard !blockOffsets.isEmpty else { return }
        let ivValue = try! AES._CBC.IV(ivBytes: iv)
        let ranges = Self.blockRanges(blockOffsets)
        let total = ranges.reduce(0) { $0 + $1.count }
        let out = withGathered(bytes, ranges: ranges, total: total) { try! AES._CBC.encrypt($0, using: key, iv: ivValue, noPadding: true) }
        scatter(out, into: &bytes, ranges: ranges)
    }

    /// Adjacent blocks merged into one range, so whole-sample and whole-segment runs are one copy.
    private static func blockRanges(_ offsets: some Collection<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for offset in offsets {
            if let last = ranges.last, last.upperBound == offset {
                ranges[ranges.count - 1] = last.lowerBound..<(offset + 16)
            } else {
                ranges.append(offset..<(offset + 16))
            }
        }
        return ranges
    }

    /// Calls `body` with the bytes of `ranges` as one contiguous buffer: the range itself when there is
    /// one, else a copy of them all in order.
    private static func withGathered(_ bytes: [UInt8], ranges: [Range<Int>], total: Int,
                                     _ body: (UnsafeRawBufferPointer) -> Data) -> Data {
        bytes.withUnsafeBytes { source in
            if ranges.count == 1 { return body(UnsafeRawBufferPointer(rebasing: source[ranges[0]])) }
            let gathered = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 16)
            defer { gathered.deallocate() }
            var position = 0
            for range in ranges {
                UnsafeMutableRawBufferPointer(rebasing: gathered[position..<(position + range.count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[range]))
                position += range.count
            }
            return body(UnsafeRawBufferPointer(gathered))
        }
    }

    private static func scatter(_ out: Data, into bytes: inout [UInt8], ranges: [Range<Int>]) {
        out.withUnsafeBytes { encrypted in
            bytes.withUnsafeMutableBytes { target in
                var position = 0
                for range in ranges {
                    UnsafeMutableRawBufferPointer(rebasing: target[range])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: encrypted[position..<(position + range.count)]))
                    position += range.count
                }
            }
        }
    }
}
