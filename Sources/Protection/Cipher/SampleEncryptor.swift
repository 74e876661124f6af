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

    public init(scheme: SampleScheme, layout: SampleLayout, key: ContentKey, constantIV: [UInt8] = []) {
        precondition(scheme == .cenc || constantIV.count == 16, "cbcs needs a 16-byte constant IV")
        self.scheme = scheme
        self.layout = layout
        self.key = key
        self.constantIV = constantIV
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
            encryptCTR(&bytes, ranges: protectedRanges, iv: iv, key: SymmetricKey(data: key.key))
            return SampleEncryptionEntry(iv: iv, subsamples: subsamples)
        case .cbcs:
            let symmetricKey = SymmetricKey(data: key.key)
            for protectedRange in protectedRanges { encryptPattern(&bytes, range: protectedRange, key: symmetricKey) }
            return SampleEncryptionEntry(iv: [], subsamples: subsamples)
        }
    }

    /// One keystream over the sample's protected bytes taken in order: each range continues the counter
    /// (and the position inside a block) where the previous one stopped.
    private func encryptCTR(_ bytes: inout [UInt8], ranges: [Range<Int>], iv: [UInt8], key symmetricKey: SymmetricKey) {
        if ranges.count == 1 {
            AESBlocks.ctr(&bytes, range: ranges[0], key: symmetricKey, counter: iv + [UInt8](repeating: 0, count: 8))
            return
        }
        var gathered: [UInt8] = []
        gathered.reserveCapacity(ranges.reduce(0) { $0 + $1.count })
        for range in ranges { gathered.append(contentsOf: bytes[range]) }
        AESBlocks.ctr(&gathered, range: 0..<gathered.count, key: symmetricKey, counter: iv + [UInt8](repeating: 0, count: 8))
        var position = 0
        for range in ranges {
            bytes.replaceSubrange(range, with: gathered[position..<(position + range.count)])
            position += range.count
        }
    }

    private func encryptPattern(_ bytes: inout [UInt8], range: Range<Int>, key symmetricKey: SymmetricKey) {
        let blocks = range.count / 16
        var (crypt, skip) = pattern
        if crypt == 0 && skip == 0 { crypt = blocks }
        var chain = constantIV
        var block = 0
        while block < blocks {
            let run = min(crypt, blocks - block)
            AESBlocks.cbc(&bytes, blocksAt: range.lowerBound + block * 16, count: run, key: symmetricKey, chain: &chain)
            block += run + skip
        }
    }
}
