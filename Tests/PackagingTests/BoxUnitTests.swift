import Foundation
import MediaCore
import Testing
import TestSupport
@testable import MP4
@testable import Packaging

/// Box forms ffmpeg does not write but other packagers do: 64-bit versions, tfhd defaults, first-sample
/// flags, esds optional fields, avc3. Built byte by byte from the ISO/IEC 14496-12 layouts.
@Suite struct BoxUnitTests {
    typealias B = BoxReaderTests
    static func be16(_ v: UInt16) -> [UInt8] { BigEndian.bytes(UInt64(v), count: 2) }
    static func be64(_ v: UInt64) -> [UInt8] { BigEndian.bytes(v, count: 8) }
    static func full(_ type: String, version: UInt8, flags: UInt32 = 0, _ payload: [UInt8]) -> [UInt8] {
        B.box(type, [version, UInt8(flags >> 16 & 0xFF), UInt8(flags >> 8 & 0xFF), UInt8(flags & 0xFF)] + payload)
    }

    static func tkhd(v1 trackID: UInt32, width: UInt32, height: UInt32) -> [UInt8] {
        full("tkhd", version: 1, be64(0) + be64(0) + B.be32(trackID) + B.be32(0) + be64(0)
             + [UInt8](repeating: 0, count: 8 + 8 + 36) + B.be32(width << 16) + B.be32(height << 16))
    }

    static func mdhd(v1 timescale: UInt32, language: String) -> [UInt8] {
        let l = Array(language.utf8).map { UInt16($0 - 0x60) }
        return full("mdhd", version: 1, be64(0) + be64(0) + B.be32(timescale) + be64(0) + be16(l[0] << 10 | l[1] << 5 | l[2]) + [0, 0])
    }

    static func hdlr(_ type: String) -> [UInt8] { full("hdlr", version: 0, B.be32(0) + Array(type.utf8) + [UInt8](repeating: 0, count: 13)) }

    static func avcEntry(_ type: String) -> [UInt8] {
        let avcC = B.box("avcC", [1, 0x64, 0x00, 0x28, 0xFF, 0xE0, 0x00])
        return B.box(type, [UInt8](repeating: 0, count: 6) + be16(1) + [UInt8](repeating: 0, count: 16)
                     + be16(1920) + be16(1080) + [UInt8](repeating: 0, count: 50) + avcC)
    }

    static func mp4aEntry(asc: [UInt8]) -> [UInt8] {
        // ES_Descriptor with dependsOn and URL flags set, to exercise the optional fields.
        let dsi: [UInt8] = [0x05, UInt8(asc.count)] + asc
        let dcd: [UInt8] = [0x04, UInt8(13 + dsi.count), 0x40, 0x15] + [UInt8](repeating: 0, count: 11) + dsi
        let esBody: [UInt8] = be16(1) + [0xC0] + be16(7) + [3] + Array("abc".utf8) + dcd
        let esds = full("esds", version: 0, [0x03, 0x80, 0x80, 0x80, UInt8(esBody.count)] + esBody)
        return B.box("mp4a", [UInt8](repeating: 0, count: 6) + be16(1) + [UInt8](repeating: 0, count: 8)
                     + be16(2) + be16(16) + B.be32(0) + B.be32(44_100 << 16) + esds)
    }

    static func initSegment(handler: String, entry: [UInt8], timescale: UInt32 = 90_000, language: String = "eng",
                            trexFlags: UInt32 = 0x0001_0000) -> [UInt8] {
        let stbl = B.box("stbl", full("stsd", version: 0, B.be32(1) + entry))
        let mdia = B.box("mdia", mdhd(v1: timescale, language: language) + hdlr(handler) + B.box("minf", stbl))
        let trak = B.box("trak", tkhd(v1: 1, width: 1920, height: 1080) + mdia)
        let trex = full("trex", version: 0, B.be32(1) + B.be32(1) + B.be32(3000) + B.be32(0) + B.be32(trexFlags))
        return B.box("ftyp", Array("iso6".utf8) + B.be32(0)) + B.box("moov", B.box("mvex", trex) + trak)
    }

    @Test func version1HeadersAndAvc3() throws {
        let track = try #require(try InitSegment.tracks(Self.initSegment(handler: "vide", entry: Self.avcEntry("avc3"))).first)
        #expect(track.kind == .video && track.timescale == 90_000 && track.language == "eng")
        #expect(track.codecs == "avc3.640028" && track.width == 1920 && track.height == 1080)
        #expect(track.defaultSampleDuration == 3000 && track.defaultSampleFlags == 0x0001_0000)
    }

    @Test func audioEntryWithOptionalDescriptorFields() throws {
        // HE-AAC: audio object type 5 in the first five bits.
        let bytes = Self.initSegment(handler: "soun", entry: Self.mp4aEntry(asc: [0x2B, 0x92, 0x08, 0x00]), timescale: 44_100, language: "und")
        let track = try #require(try InitSegment.tracks(bytes).first)
        #expect(track.kind == .audio && track.codecs == "mp4a.40.5" && track.channels == 2 && track.sampleRate == 44_100)
        #expect(track.language == nil, "und means unknown")
    }

    @Test func rejectsWhatItCannotDescribe() throws {
        let hevc = B.box("hvc1", [UInt8](repeating: 0, count: 78))
        #expect(throws: MP4Error.unsupportedSampleEntry(fourCC: "hvc1")) {
            try InitSegment.tracks(Self.initSegment(handler: "vide", entry: hevc))
        }
        #expect(throws: MP4Error.malformed(box: "hdlr", reason: "sound handler with a video sample entry")) {
            try InitSegment.tracks(Self.initSegment(handler: "soun", entry: Self.avcEntry("avc1")))
        }
        #expect(throws: MP4Error.malformed(box: "mdhd", reason: "timescale is 0")) {
            try InitSegment.tracks(Self.initSegment(handler: "vide", entry: Self.avcEntry("avc1"), timescale: 0))
        }
        #expect(throws: MP4Error.missingBox(path: "/moov")) { try InitSegment.tracks(B.box("ftyp", Array("iso6".utf8) + B.be32(0))) }
    }

    static func fragment(tfhdFlags: UInt32, tfhdFields: [UInt8], trunFlags: UInt32, trunFields: [UInt8], count: UInt32,
                         decodeTime: UInt64) -> [UInt8] {
        let tfhd = full("tfhd", version: 0, flags: tfhdFlags, B.be32(1) + tfhdFields)
        let tfdt = full("tfdt", version: 1, be64(decodeTime))
        let trun = full("trun", version: 0, flags: trunFlags, B.be32(count) + trunFields)
        return B.box("moof", full("mfhd", version: 0, B.be32(5)) + B.box("traf", tfhd + tfdt + trun)) + B.box("mdat", [1, 2, 3])
    }

    @Test func sampleDefaultsResolveTrunThenTfhdThenTrex() throws {
        let track = try #require(try InitSegment.tracks(Self.initSegment(handler: "vide", entry: Self.avcEntry("avc1"))).first)
        // tfhd: base_data_offset (0x01) + default duration 1500 (0x08); trun: nothing per sample.
        let a = Self.fragment(tfhdFlags: 0x09, tfhdFields: Self.be64(0) + B.be32(1500), trunFlags: 0, trunFields: [], count: 4,
                              decodeTime: 1 << 40)
        let sa = try MediaSegment.summary(a, track: track)
        #expect(sa.baseMediaDecodeTime == 1 << 40 && sa.duration == 6000 && sa.sampleCount == 4)
        #expect(!sa.startsWithKeyframe, "trex default flags say non-sync")
        // trun first_sample_flags (0x004) marks a sync sample; per-sample durations (0x100) override defaults.
        let b = Self.fragment(tfhdFlags: 0x08, tfhdFields: B.be32(1500), trunFlags: 0x105,
                              trunFields: B.be32(100) + B.be32(0x0200_0000) + B.be32(3000) + B.be32(2999), count: 2, decodeTime: 0)
        let sb = try MediaSegment.summary(b, track: track)
        #expect(sb.duration == 5999 && sb.startsWithKeyframe && sb.sampleDurations == [3000, 2999])
        // No tfhd default: trex's 3000.
        let c = Self.fragment(tfhdFlags: 0, tfhdFields: [], trunFlags: 0, trunFields: [], count: 2, decodeTime: 0)
        #expect(try MediaSegment.summary(c, track: track).duration == 6000)
    }

    @Test func indexerFlagsTimelineBreaksAndMeasuresBitrates() throws {
        let asset = try FFmpegAsset.shared.get()
        let id = "video-180p"
        // Segments 1, 2 and then 4 stored as number 3: the tfdt jumps by one segment.
        let parts = try [1, 2, 4].enumerated().map { i, n in
            SegmentIndexer.SegmentBytes(number: i + 1, bytes: try asset.bytes(id, "seg-\(n).m4s"), programDateTime: 100 + Double(i))
        }
        let index = try SegmentIndexer.index(id: SafeName(id)!, initSegment: try asset.bytes(id, "init.mp4"), segments: parts.reversed(),
                                             language: "fr")
        #expect(index.segments.map(\.number) == [1, 2, 3], "sorted by number")
        #expect(index.segments.map(\.discontinuity) == [false, false, true])
        #expect(index.segments.map(\.programDateTime) == [100, 101, 102])
        #expect(index.rendition.language == "fr")
        let ts = Double(index.rendition.timescale)
        let peak = index.segments.map { Double($0.size) * 8 * ts / Double($0.duration) }.max()!
        #expect(index.rendition.peakBitrate == Int(peak.rounded(.up)))
        let total = index.segments.reduce(0) { $0 + $1.size }
        #expect(index.rendition.averageBitrate == Int((Double(total) * 8 / index.durationSeconds).rounded()))
    }
}
