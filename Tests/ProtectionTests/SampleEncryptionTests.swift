import Crypto
import _CryptoExtras
import Foundation
import MP4
import Protection
import Testing

/// Encrypts NAL-structured and whole samples, then decrypts them independently with swift-crypto's own
/// CTR and CBC and compares with the clear bytes; checks which bytes stay clear.
@Suite struct SampleEncryptionTests {
    let key = try! ContentKey(id: KeyID("00112233445566778899aabbccddeeff")!, key: Array(1...16).map(UInt8.init))

    /// An AVC sample with 4-byte lengths: AUD (clear), SEI (clear), IDR slice of `sliceSize` bytes.
    func avcSample(sliceSize: Int) -> [UInt8] {
        func nal(_ header: UInt8, _ size: Int) -> [UInt8] {
            let body = [header] + (1..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            return withUnsafeBytes(of: UInt32(size).bigEndian, Array.init) + body
        }
        return nal(0x09, 2) + nal(0x06, 20) + nal(0x65, sliceSize)
    }

    func protectedRanges(_ subsamples: [Subsample], start: Int = 0) -> [Range<Int>] {
        var offset = start
        var ranges: [Range<Int>] = []
        for entry in subsamples {
            offset += entry.clearBytes
            if entry.protectedBytes > 0 { ranges.append(offset..<(offset + entry.protectedBytes)) }
            offset += entry.protectedBytes
        }
        return ranges
    }

    @Test func cencVideoKeepsHeadersClearAndDecrypts() throws {
        let clear = avcSample(sliceSize: 1000)
        var bytes = clear
        let encryptor = SampleEncryptor(scheme: .cenc, layout: .avc(lengthSize: 4), key: key)
        let iv = IVDerivation.cencFragmentBase(kid: key.id, stream: "v", segment: 1)
        let entry = try encryptor.encryptSample(&bytes, range: 0..<bytes.count, iv: iv)
        let subsamples = try #require(entry.subsamples)
        #expect(subsamples.reduce(0) { $0 + $1.clearBytes + $1.protectedBytes } == clear.count)
        let ranges = protectedRanges(subsamples)
        #expect(ranges.count == 1)
        // AUD + SEI + slice length + NAL header + slice header allowance stay clear.
        let clearPrefix = (4 + 2) + (4 + 20) + 4 + 1 + SubsampleMap.sliceHeaderAllowance
        #expect(ranges[0].lowerBound >= clearPrefix)
        #expect(ranges[0].count % 16 == 0)
        #expect(bytes[..<ranges[0].lowerBound] == clear[..<ranges[0].lowerBound])
        #expect(bytes[ranges[0]] != clear[ranges[0]])
        let decrypted = try AES._CTR.decrypt(bytes[ranges[0]], using: SymmetricKey(data: key.key),
                                             nonce: .init(nonceBytes: iv + [UInt8](repeating: 0, count: 8)))
        #expect([UInt8](decrypted) == Array(clear[ranges[0]]))
        #expect(entry.iv == iv)
    }

    @Test func cencAudioIsWholeSample() throws {
        let clear = (0..<333).map { UInt8(truncatingIfNeeded: $0) }
        var bytes = [0xAA, 0xBB] + clear
        let encryptor = SampleEncryptor(scheme: .cenc, layout: .wholeSample, key: key)
        let iv: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let entry = try encryptor.encryptSample(&bytes, range: 2..<bytes.count, iv: iv)
        #expect(entry.subsamples == nil)
        #expect(bytes[0..<2] == [0xAA, 0xBB])
        let decrypted = try AES._CTR.decrypt(bytes[2...], using: SymmetricKey(data: key.key),
                                             nonce: .init(nonceBytes: iv + [UInt8](repeating: 0, count: 8)))
        #expect([UInt8](decrypted) == clear)
    }

    @Test func cbcsVideoEncryptsOneBlockInTen() throws {
        let clear = avcSample(sliceSize: 2000)
        var bytes = clear
        let constantIV = IVDerivation.cbcsConstant(kid: key.id, stream: "v")
        let encryptor = SampleEncryptor(scheme: .cbcs, layout: .avc(lengthSize: 4), key: key, constantIV: constantIV)
        #expect(encryptor.pattern == (1, 9))
        let entry = try encryptor.encryptSample(&bytes, range: 0..<bytes.count, iv: [])
        #expect(entry.iv.isEmpty)
        let subsamples = try #require(entry.subsamples)
        let range = try #require(protectedRanges(subsamples).first)
        #expect(bytes[..<range.lowerBound] == clear[..<range.lowerBound])
        // Decrypt the crypt blocks as one CBC chain starting at the constant IV; skip blocks are untouched.
        var cryptBlocks: [UInt8] = []
        var blockStart = range.lowerBound
        var block = 0
        while blockStart + 16 <= range.upperBound {
            let slice = Array(bytes[blockStart..<(blockStart + 16)])
            if block % 10 == 0 { cryptBlocks += slice } else { #expect(slice == Array(clear[blockStart..<(blockStart + 16)])) }
            blockStart += 16
            block += 1
        }
        #expect(bytes[blockStart..<range.upperBound] == clear[blockStart..<range.upperBound], "a partial last block stays clear")
        let decrypted = try AES._CBC.decrypt(cryptBlocks, using: SymmetricKey(data: key.key), iv: .init(ivBytes: constantIV), noPadding: true)
        var expected: [UInt8] = []
        var start = range.lowerBound
        while start + 16 <= range.upperBound {
            expected += clear[start..<(start + 16)]
            start += 160
        }
        #expect([UInt8](decrypted) == expected)
    }

    @Test func cbcsAudioEncryptsEveryWholeBlock() throws {
        let clear = (0..<100).map { UInt8(truncatingIfNeeded: $0 * 3) }
        var bytes = clear
        let iv = [UInt8](repeating: 7, count: 16)
        let encryptor = SampleEncryptor(scheme: .cbcs, layout: .wholeSample, key: key, constantIV: iv)
        #expect(encryptor.pattern == (0, 0))
        _ = try encryptor.encryptSample(&bytes, range: 0..<100, iv: [])
        #expect(bytes[96...] == clear[96...])
        let decrypted = try AES._CBC.decrypt(bytes[..<96], using: SymmetricKey(data: key.key), iv: .init(ivBytes: iv), noPadding: true)
        #expect([UInt8](decrypted) == Array(clear[..<96]))
    }

    @Test func shortSlicesAndNonVCLStayClear() throws {
        let clear = avcSample(sliceSize: 40)
        let subsamples = try #require(try SubsampleMap.subsamples(of: clear[...], layout: .avc(lengthSize: 4), scheme: .cenc))
        #expect(subsamples == [Subsample(clearBytes: clear.count, protectedBytes: 0)])
    }

    @Test func malformedSampleIsOneClearError() {
        var bytes: [UInt8] = [0, 0, 0, 50, 0x65, 1, 2]
        let encryptor = SampleEncryptor(scheme: .cenc, layout: .avc(lengthSize: 4), key: key)
        #expect(throws: ProtectionError.self) { try encryptor.encryptSample(&bytes, range: 0..<bytes.count, iv: [0, 0, 0, 0, 0, 0, 0, 0]) }
    }

    @Test func hevcUsesTwoByteHeaders() throws {
        // VPS (type 32, non-VCL) then an IDR_W_RADL slice (type 19).
        let vps: [UInt8] = [0, 0, 0, 4, 0x40, 0x01, 0x0C, 0x01]
        let slice: [UInt8] = [0, 0, 1, 0] + [0x26, 0x01] + [UInt8](repeating: 0x55, count: 254)
        let subsamples = try #require(try SubsampleMap.subsamples(of: (vps + slice)[...], layout: .hevc(lengthSize: 4), scheme: .cbcs))
        #expect(subsamples.count == 1)
        #expect(subsamples[0].clearBytes == 8 + 4 + 2 + SubsampleMap.sliceHeaderAllowance)
        #expect(subsamples[0].protectedBytes == 256 - 2 - SubsampleMap.sliceHeaderAllowance)
    }
}
