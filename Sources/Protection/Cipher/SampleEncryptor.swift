import Crypto
import MP4

/// Encrypts the samples of one track in place (ISO/IEC 23001-7 §10): `cenc` is AES-CTR over the
/// concatenated protected ranges of a sample, restarted per sample with that sample's IV; `cbcs` is
/// AES-CBC with the constant IV restarted per subsample, over the pattern's crypt blocks (1 of every 10
/// for video, every block for whole-sample audio), partial blocks left clear.
public struct SampleEncryptor: Sendable {
    public let scheme: SampleScheme
    public let layout: SampleLayout
    public let key: ContentKey
    /// `cbcs`: the track's constant IV (16 bytes, also in `tenc`).
    public let constantIV: [UInt8]
    private let symmetricKey: SymmetricKey

    public init(scheme: SampleScheme, layout: SampleLayout, key: ContentKey, constantIV: [UInt8] = []) {
        precondition(scheme == .cenc || constantIV.count == 16, "cbcs needs a 16-byte constant IV")
        self.scheme = scheme
        self.layout = layout
        self.key = key
        self.constantIV = constantIV
        self.symmetricKey = SymmetricKey(data: key.key)
    }

    /// The `tenc` pattern: 1:9 for cbcs video, 0:0 (every block) for cbcs audio and for cenc.
    public var pattern: (crypt: Int, skip: Int) { Self.pattern(scheme: scheme, layout: layout) }

    public static func pattern(scheme: SampleScheme, layout: SampleLayout) -> (crypt: Int, skip: Int) {
        if scheme == .cbcs, layout != .wholeSample { return (1, 9) }
        return (0, 0)
    }

    /// Encrypts `bytes[range]` (one sample) in place. `iv` is the sample's 8-byte IV for cenc (ignored for cbcs).
    public func encryptSample(_ bytes: inout [UInt8], range: Range<Int>, iv: [UInt8]) throws -> SampleEncryptionEntry {
        let subsamples = try SubsampleMap.subsamples(of: bytes[range], layout: layout, scheme: scheme)
        let protectedRanges: [Range<Int>]
        if let subsamples {
            var ranges: [Range<Int>] = []
            var offset = range.lowerBound
            for entry in subsamples {
                offset += entry.clearBytes
                if entry.protectedBytes > 0 { ranges.append(offset..<(offset + entry.protectedBytes)) }
                offset += entry.protectedBytes
            }
            protectedRanges = ranges
        } else {
            protectedRanges = [range]
        }
        switch scheme {
        case .cenc:
            AESBlocks.ctr(&bytes, ranges: protectedRanges, key: symmetricKey, iv: iv)
            return SampleEncryptionEntry(iv: iv, subsamples: subsamples)
        case .cbcs:
            for protectedRange in protectedRanges {
                AESBlocks.cbc(&bytes, blockOffsets: cryptBlocks(of: protectedRange), key: symmetricKey, iv: constantIV)
            }
            return SampleEncryptionEntry(iv: [], subsamples: subsamples)
        }
    }

    /// The offsets of a `cbcs` subsample's crypt blocks: the first `crypt` of every `crypt + skip` whole
    /// blocks (every whole block for a 0:0 pattern); the CBC chain runs through them in order from the
    /// constant IV, and a partial last block stays clear (ISO/IEC 23001-7 §10.4.2).
    private func cryptBlocks(of range: Range<Int>) -> [Int] {
        let blocks = range.count / 16
        var (crypt, skip) = pattern
        if crypt == 0 && skip == 0 { (crypt, skip) = (blocks, 0) }
        var offsets: [Int] = []
        offsets.reserveCapacity(crypt == 0 ? 0 : (blocks / (crypt + skip) + 1) * crypt)
        var block = 0
        while block < blocks {
            for run in block..<min(block + crypt, blocks) { offsets.append(range.lowerBound + run * 16) }
            block += crypt + skip
        }
        return offsets
    }
}
