import Foundation
import MediaCore
import Testing
import TestSupport
@testable import LiveSegmenting
@testable import RTMP

/// A live stream whose disk fills up (issue 17), on a real 16 MB tmpfs: segments that cannot be written
/// are listed as gaps (never a silent hole in the numbering), the failure is reported once, nothing half
/// written stays behind, and the stream resumes by itself once space returns.
@Suite(.enabled(if: TmpfsMount.isAvailable, "needs root to mount a tmpfs")) struct DiskFullLiveTests {
    @Test func aFullDiskLeavesGapsAndTheStreamResumes() async throws {
        let scratch = try temporaryDirectory("diskfull")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let flv = try await LiveSegmenterTests.makeFLV(scratch, seconds: 30)
        let tags = try FLVFileTag.read(flv)
        let disk = try TmpfsMount(megabytes: 16)
        defer { disk.unmount() }
        let log = EventLog()
        let streams = LiveStreams(root: disk.url.appendingPathComponent("live"), onEvent: log.append)
        let stream = SafeName("cam")!
        let publication = try #require(streams.beginPublishing(stream))
        var clock = 1_700_000_000.0
        func feed(from start: Int, to end: Int) throws {
            for tag in tags where Int(tag.timestamp) >= start * 1000 && Int(tag.timestamp) < end * 1000 {
                clock += 0.01
                if let event = try LiveSegmenterTests.mediaEvent(tag) { try publication.receive(ArrivedMediaEvent(event, receivedAt: clock)) }
            }
        }
        try feed(from: 0, to: 13)   // segments 1 and 2 written
        disk.fill()
        try feed(from: 13, to: 25)  // segments 3 and 4 (cut at 18 and 24 s) hit the full disk
        disk.free()
        try feed(from: 25, to: 30)  // space is back
        publication.finish()

        let video = try #require(streams.indexes(for: stream).first { $0.rendition.kind == .video })
        let numbers = video.segments.map(\.number)
        #expect(numbers == Array(1...numbers.count), "numbering has no hole: \(numbers)")
        let gaps = video.segments.filter(\.gap).map(\.number)
        #expect(!gaps.isEmpty && gaps.allSatisfy { (3...4).contains($0) }, "the segments cut while the disk was full are gaps: \(gaps)")
        #expect(video.segments.last.map { !$0.gap } == true, "the stream resumes once space returns")
        let failures = log.all.filter { if case .storageFailed = $0 { return true } else { return false } }
        let recoveries = log.all.filter { if case .storageRecovered = $0 { return true } else { return false } }
        #expect(failures.count == 1, "the failure is reported once, not per segment")
        #expect(recoveries.count == 1)
        let folder = disk.url.appendingPathComponent("live/cam/video").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "no temporary file of a failed write stays behind: \(files)")
        for segment in video.segments where !segment.gap {
            #expect(files.contains("seg-\(segment.number).m4s"))
        }
        // A restart reloads the same index, gaps included.
        let restarted = LiveStreams(root: disk.url.appendingPathComponent("live"))
        restarted.restore([stream])
        let reloaded = try #require(restarted.indexes(for: stream).first { $0.rendition.kind == .video })
        #expect(reloaded.segments.map(\.number) == numbers)
        #expect(reloaded.segments.filter(\.gap).map(\.number) == gaps)
    }
}
