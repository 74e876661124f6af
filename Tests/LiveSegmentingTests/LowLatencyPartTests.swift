import Foundation
import MediaCore
import Storage
import Testing
import TestSupport
@testable import LiveSegmenting
@testable import RTMP

/// Low-latency parts (issue 15) on real encoder output: every part is a CMAF chunk no longer than the part
/// target, a segment is its parts back to back, parts that open a GOP say so, and old parts are deleted.
@Suite struct LowLatencyPartTests {
    @Test func partsAreChunksOfTheirSegment() async throws {
        let directory = try temporaryDirectory("parts")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await LiveSegmenterTests.makeFLV(directory, seconds: 14, rate: 20, gop: 20)
        let root = directory.appendingPathComponent("live")
        let streams = LiveStreams(root: root, configuration: LiveConfiguration(segmentDuration: 2, partDuration: 0.5))
        let stream = SafeName("ll")!
        let publication = try #require(streams.beginPublishing(stream))
        try LiveSegmenterTests.feed(flv, to: publication)

        let listing = try #require(streams.listing(for: stream))
        #expect(listing.partTargetSeconds == 0.5)
        let videoParts = try #require(listing.parts[LiveSegmenter.videoRendition])
        let audioParts = try #require(listing.parts[LiveSegmenter.audioRendition])
        let video = try #require(listing.renditions.first { $0.rendition.id == LiveSegmenter.videoRendition })
        // 20 fps (0.5 s is exactly ten frames), 1 s GOPs, 2 s segments: four 0.5 s parts per segment, the first of each independent.
        for segment in video.segments.suffix(3) {
            let parts = videoParts.filter { $0.segment == segment.number }
            #expect(parts.map(\.index) == [0, 1, 2, 3], "segment \(segment.number)")
            #expect(parts.map(\.duration) == [45_000, 45_000, 45_000, 45_000], "segment \(segment.number)")
            #expect(parts.map(\.independent) == [true, false, true, false], "1 s GOPs: every other part opens one")
            #expect(parts.first?.start == segment.start)
            let folder = root.appendingPathComponent("ll/video")
            let joined = try parts.flatMap { try Data(contentsOf: folder.appendingPathComponent($0.fileName)) }
            let whole = try Data(contentsOf: folder.appendingPathComponent("seg-\(segment.number).m4s"))
            #expect(Data(joined) == whole, "segment \(segment.number) is its parts back to back")
        }
        let audio = try #require(listing.renditions.first { $0.rendition.id == LiveSegmenter.audioRendition })
        let rate = Int64(try #require(audio.rendition.sampleRate))
        #expect(audioParts.allSatisfy { $0.duration <= rate / 2 && $0.independent }, "audio parts stay under the target")
        for segment in audio.segments.suffix(3) {
            let parts = audioParts.filter { $0.segment == segment.number }
            #expect(parts.reduce(0) { $0 + $1.duration } == segment.duration, "audio segment \(segment.number) is its parts")
        }
        // Parts are kept only for the newest segments; older ones are deleted from disk.
        let newest = try #require(video.segments.last?.number)
        #expect(videoParts.allSatisfy { $0.segment > newest - StreamSlot.partSegmentsKept })
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("ll/video").path)
        let onDisk = files.compactMap(SegmentFileName.partNumber)
        #expect(onDisk.count == videoParts.count, "only listed parts are on disk")
        publication.finish()
    }

    @Test func blockingWaitEndsWhenThePartIsStored() async throws {
        let directory = try temporaryDirectory("partwait")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await LiveSegmenterTests.makeFLV(directory, seconds: 6, rate: 20, gop: 20)
        let streams = LiveStreams(root: directory.appendingPathComponent("live"),
                                  configuration: LiveConfiguration(segmentDuration: 2, partDuration: 0.5))
        let stream = SafeName("wait")!
        let publication = try #require(streams.beginPublishing(stream))
        let tags = try FLVFileTag.read(flv)
        // Feed until the first part exists, so the stream is known and has an edge.
        var fed = 0
        while streams.listing(for: stream)?.parts[LiveSegmenter.videoRendition]?.isEmpty ?? true, fed < tags.count {
            if let event = try LiveSegmenterTests.mediaEvent(tags[fed]) {
                try publication.receive(ArrivedMediaEvent(event, receivedAt: 1_700_000_000 + Double(fed) / 100))
            }
            fed += 1
        }
        let edge = try #require(streams.listing(for: stream)?.edge(of: LiveSegmenter.videoRendition).lastPart)
        let wanted = (segment: edge.segment, index: edge.index + 2)
        let waiter = Task {
            await streams.listing(for: stream, when: { $0.edge(of: LiveSegmenter.videoRendition).satisfies(msn: wanted.segment, part: wanted.index) },
                                  until: .now + .seconds(60))
        }
        // Not there yet: the waiter cannot have returned a listing with it.
        #expect(!(streams.listing(for: stream)!.edge(of: LiveSegmenter.videoRendition).satisfies(msn: wanted.segment, part: wanted.index)))
        for tag in tags[fed...] {
            if let event = try LiveSegmenterTests.mediaEvent(tag) { try publication.receive(ArrivedMediaEvent(event, receivedAt: 1_700_000_001)) }
        }
        let listing = try #require(await waiter.value, "the wait ends once the part is stored")
        #expect(listing.edge(of: LiveSegmenter.videoRendition).satisfies(msn: wanted.segment, part: wanted.index))
        // A part that never comes: the wait ends at its deadline with nil.
        let far = await streams.listing(for: stream, when: { _ in false }, until: .now + .milliseconds(200))
        #expect(far == nil)
        publication.finish()
    }
}
