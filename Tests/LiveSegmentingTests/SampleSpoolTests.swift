import Foundation
import MediaCore
import Testing
import TestSupport
@testable import LiveSegmenting
@testable import RTMP
import Storage

/// Sample bytes waiting in a spool file instead of memory must come back exactly as they went in.
@Suite struct SampleSpoolTests {
    /// 20 s of 30 fps video (keyframe every second) and 48 kHz AAC, every frame with its own bytes, so a
    /// byte out of place changes the segment.
    static func segmentOutputs(spoolDirectory: URL?) -> [LiveSegmenter.Output] {
        var segmenter = LiveSegmenter()
        segmenter.spoolDirectory = spoolDirectory
        segmenter.beginSession(discontinuity: false)
        var out = segmenter.receive(ArrivedMediaEvent(.videoConfig(avcC: CMAFBoxTests.avcC), receivedAt: 0))
        out += segmenter.receive(ArrivedMediaEvent(.audioConfig(asc: [0x11, 0x90]), receivedAt: 0))
        var audioIndex: Int64 = 0
        for frame in Int64(0)..<600 {
            let t = frame * 1000 / 30
            while audioIndex * 1024 * 1000 / 48_000 <= t {
                let pts = audioIndex * 1024 * 1000 / 48_000
                let data = (0..<(50 + Int(audioIndex % 7))).map { UInt8(truncatingIfNeeded: Int(audioIndex) &* 31 &+ $0) }
                out += segmenter.receive(ArrivedMediaEvent(.audio(AudioFrame(pts: pts, data: data)), receivedAt: Double(pts) / 1000))
                audioIndex += 1
            }
            let isKey = frame % 30 == 0
            let data = [0, 0, 0, 1, isKey ? 0x65 : 0x41] + (0..<(200 + Int(frame % 13) * 40)).map { UInt8(truncatingIfNeeded: Int(frame) &+ $0) }
            out += segmenter.receive(ArrivedMediaEvent(.video(VideoFrame(dts: t, pts: t, isKeyframe: isKey, data: data)),
                                                       receivedAt: Double(t) / 1000))
        }
        return out + segmenter.endSession()
    }

    @Test func spooledSegmentsAreTheSameBytesAsInMemoryOnesAndLeaveNoFiles() throws {
        let directory = try temporaryDirectory("spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inMemory = Self.segmentOutputs(spoolDirectory: nil)
        let spooled = Self.segmentOutputs(spoolDirectory: directory.appendingPathComponent("stream"))
        let segments = inMemory.filter { if case .segment = $0 { return true } else { return false } }
        #expect(segments.count == 8)  // 4 video + 4 audio: cuts at 6, 12, 18 s and the end at 20 s
        #expect(spooled == inMemory)
        // The spool files are unlinked as soon as they are made: the stream directory stays clean.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("stream").path) == [])
    }

    @Test func payloadKeepsOrderAcrossTakesAndFallsBackToMemoryWithoutASpool() throws {
        let directory = try temporaryDirectory("spool-order")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A spool under a regular file can never be created: the bytes stay in memory, still in order.
        let blocker = directory.appendingPathComponent("file")
        try Data([1]).write(to: blocker)
        for spool in [SampleSpool(directory: directory), SampleSpool(directory: blocker.appendingPathComponent("stream"))] {
            var payload = SamplePayload(spool: spool)
            #expect(payload.isEmpty)
            payload.append([1, 2, 3])
            payload.append([4])
            #expect(!payload.isEmpty)
            var out: [UInt8] = [9]
            let drained = payload.drain(into: &out)
            #expect(drained && out == [9, 1, 2, 3, 4])
            #expect(payload.isEmpty)
            payload.append([5, 6])
            out = []
            let first = payload.drain(into: &out), second = payload.drain(into: &out)
            #expect(first && second && out == [5, 6])
        }
    }

    @Test func writeBehindKeepsOrderAcrossFileAndMemory() throws {
        let directory = try temporaryDirectory("spool-write-behind")
        defer { try? FileManager.default.removeItem(at: directory) }
        var payload = SamplePayload(spool: SampleSpool(directory: directory))
        // Small frames gathered, then flushed; one frame larger than the write-behind buffer; a staged tail.
        var expected: [UInt8] = []
        for round in 0..<3 {
            for n in 0..<700 {
                let frame = (0..<(37 + n % 400)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n &+ round) }
                payload.append(frame)
                expected += frame
            }
            let big = (0..<(SampleSpool.writeBehind + 12_345)).map { UInt8(truncatingIfNeeded: $0 &+ round) }
            payload.append(big)
            expected += big
            payload.append([1, 2, 3])
            expected += [1, 2, 3]
            var out: [UInt8] = []
            let drained = payload.drain(into: &out)
            #expect(drained)
            #expect(out.count == expected.count)
            #expect(out == expected)
            expected = []
        }
    }

    /// At a cut the samples stay in their spool file and the store copies them after the header file to
    /// file: the segment files on disk are byte for byte the in-memory segmenter's, and no spool is left.
    @Test func spooledSegmentsAreCopiedFileToFileIntoTheSameBytes() throws {
        let directory = try temporaryDirectory("spool-copy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = LiveDirectory(root: directory.appendingPathComponent("live"))
        let stream = SafeName("cam")!
        let inMemory = Self.segmentOutputs(spoolDirectory: nil)
        let spooled = Self.segmentOutputs(spoolDirectory: store.scratchDirectory(of: stream))
        var compared = 0
        for (memory, spool) in zip(inMemory, spooled) {
            guard case .segment(let rendition, let info, let expected) = memory, case .segment(_, _, let bytes) = spool else { continue }
            #expect(expected.spooled == nil)
            #expect(bytes.spooled != nil, "segment \(info.number) of \(rendition.id) was read back into memory")
            #expect(bytes.head.count < 16 << 10)  // the header only
            let file = LiveFile.segment(rendition: rendition.id, number: info.number)
            try SegmentFiles(store: store, stream: stream).write(bytes, to: file)
            let written = try #require(store.read(file, of: stream))
            #expect([UInt8](written) == expected.head, "segment \(info.number) of \(rendition.id)")
            #expect(info.size == written.count)
            compared += 1
        }
        #expect(compared == 8)
        let left = try FileManager.default.contentsOfDirectory(atPath: store.scratchDirectory(of: stream).path)
        #expect(left.allSatisfy { !$0.hasPrefix(".") }, "\(left)")
    }
}
