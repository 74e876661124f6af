import Testing
import TestSupport
@testable import MP4

/// The box reader on damaged input: every cut of every box and random bytes end in a typed `MP4Error`
/// (or a value), never a trap, an out-of-bounds read or a huge allocation.
@Suite struct BoxReaderRobustnessTests {
    typealias S = BoxSamples

    /// Each sample box written, with a reader for its own type.
    static var cases: [(name: String, bytes: [UInt8], read: ([UInt8]) throws -> Void)] { [
        entry(S.ftyp), entry(S.moov), entry(S.mvhd), entry(S.mvex), entry(S.trex), entry(S.trak), entry(S.tkhd),
        entry(S.mdia), entry(S.mdhd), entry(S.hdlr), entry(S.minf), entry(S.vmhd), entry(S.smhd), entry(S.dinf),
        entry(S.dref), entry(S.url), entry(S.stbl), entry(S.stsd), entry(S.stts), entry(S.stsc), entry(S.stszTable),
        entry(S.stco), entry(S.avc1), entry(S.avcCBox), entry(S.mp4a), entry(S.mp4aVersion1), entry(S.esds),
        entry(S.moof), entry(S.mfhd), entry(S.traf), entry(S.tfhd), entry(S.tfdt), entry(S.trun), entry(S.mdat),
    ] }

    static func entry<B: MP4Box>(_ box: B) -> (name: String, bytes: [UInt8], read: ([UInt8]) throws -> Void) {
        (box.boxType, box.encoded(), { _ = try B.decode($0) })
    }

    /// Reads `bytes`; anything thrown must be an `MP4Error`. Returns whether it parsed.
    @discardableResult
    static func readTyped(_ c: (name: String, bytes: [UInt8], read: ([UInt8]) throws -> Void), _ bytes: [UInt8],
                          sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        do {
            try c.read(bytes)
            return true
        } catch is MP4Error {
            return false
        } catch {
            Issue.record("\(c.name): untyped error \(error)", sourceLocation: sourceLocation)
            return false
        }
    }

    @Test func everyCutOfEveryBoxIsATypedError() throws {
        for c in Self.cases {
            #expect(Self.readTyped(c, c.bytes), "\(c.name) reads whole")
            for cut in 0..<c.bytes.count {
                // The size field still claims the whole box: the reader must see it overruns.
                #expect(!Self.readTyped(c, Array(c.bytes[0..<cut])), "\(c.name) cut at \(cut) must not parse")
            }
        }
    }

    /// A shorter box whose size field is honest about the cut: the payload itself is short.
    @Test func shortPayloadsAreTypedErrors() throws {
        for c in Self.cases {
            for cut in 8..<c.bytes.count {
                var bytes = Array(c.bytes[0..<cut])
                bytes.replaceSubrange(0..<4, with: BigEndian.bytes(UInt64(cut), count: 4))
                Self.readTyped(c, bytes)
            }
        }
    }

    @Test func randomBytesAreTypedErrors() throws {
        // Seeded, so a failure replays.
        var random = SplitMix64(seed: 0x4D50_3400_9E37_79B9)
        func next() -> UInt64 { random.next() }
        for c in Self.cases {
            for _ in 0..<300 {
                var bytes = c.bytes
                for _ in 0..<(1 + Int(next() % 4)) {
                    bytes[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next())
                }
                Self.readTyped(c, bytes)
            }
            // Pure noise under the box's own header.
            for _ in 0..<100 {
                var bytes = Array(c.bytes[0..<8])
                bytes += (0..<Int(next() % 200)).map { _ in UInt8(truncatingIfNeeded: next()) }
                bytes.replaceSubrange(0..<4, with: BigEndian.bytes(UInt64(bytes.count), count: 4))
                Self.readTyped(c, bytes)
            }
        }
    }

    @Test func hostileCountsDoNotAllocate() throws {
        // stts claiming 2^32-1 entries in 8 bytes.
        let stts: [UInt8] = [0, 0, 0, 20] + Array("stts".utf8) + [0, 0, 0, 0] + [0xFF, 0xFF, 0xFF, 0xFF] + [0, 0, 0, 1]
        #expect(throws: MP4Error.malformed(box: "stts", reason: "4294967295 entries of 8 bytes do not fit in 4 bytes")) {
            try TimeToSampleBox.decode(stts)
        }
    }
}
