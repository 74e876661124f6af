import Foundation
import Testing
import TestSupport
@testable import MP4
@testable import Packaging

/// Hostile and damaged input: every length and offset is checked, so the reader throws a typed error and
/// never traps or reads out of bounds.
@Suite struct BoxReaderTests {
    static func be32(_ v: UInt32) -> [UInt8] { BigEndian.bytes(UInt64(v), count: 4) }
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] { be32(UInt32(8 + payload.count)) + Array(type.utf8) + payload }

    /// Offsets at which the top-level boxes of `bytes` end (a cut there leaves whole boxes).
    static func boundaries(_ bytes: [UInt8]) throws -> Set<Int> {
        Set(try Box.children(of: bytes, in: 0..<bytes.count, parent: "file").map { $0.offset + $0.size })
    }

    @Test func everyTruncationOfARealInitSegmentThrows() throws {
        let asset = try FFmpegAsset.shared.get()
        for id in ["video-180p", "audio-aac"] {
            let bytes = try asset.bytes(id, "init.mp4")
            let whole = try Self.boundaries(bytes)
            for cut in 0..<bytes.count {
                do {
                    _ = try InitSegment.tracks(Array(bytes[0..<cut]))
                    #expect(whole.contains(cut), "\(id): a cut at \(cut) parsed although it splits a box")
                } catch is MP4Error {
                } catch { Issue.record("\(id) cut \(cut): untyped error \(error)") }
            }
        }
    }

    @Test func truncatedMediaSegmentsThrowUnlessWholeBoxesRemain() throws {
        let asset = try FFmpegAsset.shared.get()
        let initSegment = try asset.bytes("video-180p", "init.mp4")
        let track = try #require(try InitSegment.tracks(initSegment).first)
        let bytes = try asset.bytes("video-180p", "seg-1.m4s")
        let whole = try Self.boundaries(bytes)
        let cuts = Array(0..<min(bytes.count, 3000)) + Array(stride(from: 3000, to: bytes.count, by: 97))
        for cut in cuts {
            do {
                _ = try MediaSegment.summary(Array(bytes[0..<cut]), track: track)
                #expect(whole.contains(cut), "a cut at \(cut) parsed although it splits a box")
            } catch is MP4Error {
            } catch { Issue.record("cut \(cut): untyped error \(error)") }
        }
    }

    @Test func impossibleSizesAreRejected() throws {
        let ftyp = Self.box("ftyp", Array("isom".utf8) + Self.be32(0))
        var huge = ftyp
        huge.replaceSubrange(0..<4, with: Self.be32(0xFFFF_FFFF))
        #expect(throws: MP4Error.badBoxSize(box: "ftyp", offset: 0, size: 0xFFFF_FFFF)) { try InitSegment.tracks(huge) }
        var tiny = ftyp
        tiny.replaceSubrange(0..<4, with: Self.be32(4))
        #expect(throws: MP4Error.badBoxSize(box: "ftyp", offset: 0, size: 4)) { try InitSegment.tracks(tiny) }
        // size 1: a 64-bit size follows; 2^63 cannot fit.
        let large = Self.be32(1) + Array("moov".utf8) + [0x80, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        #expect(throws: MP4Error.badBoxSize(box: "moov", offset: 0, size: 1 << 63)) { try InitSegment.tracks(large) }
        // size 1 with the 64-bit size itself cut off.
        #expect(throws: MP4Error.self) { try InitSegment.tracks(Self.be32(1) + Array("moov".utf8) + [0, 0]) }
        let message = MP4Error.badBoxSize(box: "ftyp", offset: 0, size: 4).description
        #expect(message == "MP4 box 'ftyp' at byte 0 declares an impossible size 4")
    }

    @Test func sizeZeroAndSizeOneFormsReadLikeTheShortForm() throws {
        let asset = try FFmpegAsset.shared.get()
        let track = try #require(try InitSegment.tracks(try asset.bytes("video-180p", "init.mp4")).first)
        let bytes = try asset.bytes("video-180p", "seg-2.m4s")
        let reference = try MediaSegment.summary(bytes, track: track)
        let mdat = try #require(try Box.children(of: bytes, in: 0..<bytes.count, parent: "file").last)
        #expect(mdat.type == "mdat")
        // size 0: "to the end of the file" (the last box only).
        var zero = bytes
        zero.replaceSubrange(mdat.offset..<(mdat.offset + 4), with: Self.be32(0))
        var expected = reference
        #expect(try MediaSegment.summary(zero, track: track) == expected)
        // size 1: the same mdat with a 64-bit size.
        let largeSize = UInt64(mdat.size + 8)
        let header = Self.be32(1) + Array("mdat".utf8) + (0..<8).map { UInt8(largeSize >> (56 - 8 * $0) & 0xFF) }
        let large = Array(bytes[0..<mdat.offset]) + header + Array(bytes[mdat.payload])
        expected.size = large.count
        #expect(try MediaSegment.summary(large, track: track) == expected)
    }

    @Test func trunSampleCountIsCheckedBeforeAllocating() throws {
        // A trun claiming 2^32-1 samples with per-sample durations in 4 bytes of payload.
        let trun = Self.box("trun", [0, 0, 0x01, 0x00] + Self.be32(0xFFFF_FFFF) + Self.be32(1000))
        let traf = Self.box("traf", Self.box("tfhd", [0, 0, 0, 0] + Self.be32(1)) + Self.box("tfdt", [0, 0, 0, 0] + Self.be32(0)) + trun)
        let moof = Self.box("moof", Self.box("mfhd", [0, 0, 0, 0] + Self.be32(1)) + traf)
        let track = TrackDescription(trackID: 1, kind: .video, timescale: 12800, codecs: "avc1.64000D",
                                     defaultSampleDuration: 512, defaultSampleFlags: 0)
        #expect(throws: MP4Error.malformed(box: "trun", reason: "4294967295 samples of 4 bytes do not fit in 4 bytes")) {
            try MediaSegment.summary(moof, track: track)
        }
        // No per-sample fields: durations fall back to tfhd, then trex (the track's default).
        let plain = Self.box("trun", [0, 0, 0, 0] + Self.be32(3))
        let traf2 = Self.box("traf", Self.box("tfhd", [0, 0, 0, 0] + Self.be32(1)) + Self.box("tfdt", [1, 0, 0, 0] + [0, 0, 0, 0] + Self.be32(7)) + plain)
        let summary = try MediaSegment.summary(Self.box("moof", Self.box("mfhd", [0, 0, 0, 0] + Self.be32(9)) + traf2), track: track)
        #expect(summary.baseMediaDecodeTime == 7 && summary.duration == 3 * 512 && summary.sampleCount == 3 && summary.sequenceNumber == 9)
        // A segment with no fragment for the track is an error, not an empty index entry.
        var other = track
        other.trackID = 2
        #expect(throws: MP4Error.trackNotFound(trackID: 2)) { try MediaSegment.summary(Self.box("moof", Self.box("mfhd", [0, 0, 0, 0] + Self.be32(9)) + traf2), track: other) }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(state: 0x5EED)
        let track = TrackDescription(trackID: 1, kind: .video, timescale: 12800, codecs: "avc1.64000D",
                                     defaultSampleDuration: 512, defaultSampleFlags: 0)
        var parsed = 0
        for _ in 0..<3000 {
            let count = Int.random(in: 0..<300, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Give half of them a plausible first header so the reader goes deeper than one size check.
            if bytes.count >= 8, Bool.random(using: &rng) {
                bytes.replaceSubrange(0..<8, with: Self.be32(UInt32(bytes.count)) + Array(["moov", "moof", "ftyp"].randomElement(using: &rng)!.utf8))
            }
            #expect(throws: MP4Error.self) { try InitSegment.tracks(bytes) }
            do { _ = try MediaSegment.summary(bytes, track: track); parsed += 1 } catch is MP4Error {} catch {
                Issue.record("untyped error \(error)")
            }
        }
        #expect(parsed < 10, "random bytes parsed as media segments \(parsed) times")
    }

    @Test func corruptedRealFilesNeverCrash() throws {
        let asset = try FFmpegAsset.shared.get()
        var rng = SplitMix64(state: 42)
        let initSegment = try asset.bytes("audio-aac", "init.mp4")
        let segment = try asset.bytes("audio-aac", "seg-1.m4s")
        let track = try #require(try InitSegment.tracks(initSegment).first)
        for _ in 0..<1500 {
            var i = initSegment, s = Array(segment.prefix(2048))
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                i[Int.random(in: 0..<i.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                s[Int.random(in: 0..<s.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            do { _ = try InitSegment.tracks(i) } catch is MP4Error {} catch { Issue.record("untyped \(error)") }
            do { _ = try MediaSegment.summary(s, track: track) } catch is MP4Error {} catch { Issue.record("untyped \(error)") }
        }
    }
}
