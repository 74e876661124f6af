import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Live

/// The segmenter and the stream store on real encoder output (an FLV file ffmpeg writes), no network.
@Suite struct LiveSegmenterTests {
    static func makeFLV(_ directory: URL, seconds: Int) async throws -> URL {
        let url = directory.appendingPathComponent("source.flv")
        let result = try await runDetached("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25",
                                        "-f", "lavfi", "-i", "sine", "-c:v", "libx264", "-g", "25", "-c:a", "aac",
                                        "-t", "\(seconds)", "-f", "flv", url.path])
        guard result.status == 0 else { throw TestFailure("ffmpeg: \(result.stderr)") }
        return url
    }

    /// Feeds an FLV file's tags to a publication as the RTMP session would.
    static func feed(_ flv: URL, to publication: LivePublication) throws {
        var clock = 1_700_000_000.0
        for tag in try FLVFileTag.read(flv) {
            let event: LiveMediaEvent?
            switch tag.type {
            case 9: event = try FLVTag.parseVideo(tag.body, timestamp: Int64(tag.timestamp))
            case 8: event = try FLVTag.parseAudio(tag.body, timestamp: Int64(tag.timestamp))
            default: event = nil
            }
            clock += 0.01
            if let event { try publication.receive(ArrivedMediaEvent(event, receivedAt: clock)) }
        }
    }

    @Test func segmentsRealEncoderOutputIntoDecodableCMAF() async throws {
        let directory = try temporaryDirectory("segmenter")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await Self.makeFLV(directory, seconds: 14)
        let log = EventLog()
        let streams = LiveStreams(root: directory.appendingPathComponent("live"), onEvent: log.append)
        let stream = SafeName("cam")!
        let publication = try #require(streams.beginPublishing(stream))
        #expect(streams.beginPublishing(stream) == nil)  // one publisher per stream
        try Self.feed(flv, to: publication)
        publication.finish()

        let indexes = streams.indexes(for: stream)
        #expect(indexes.map(\.rendition.id.rawValue) == ["video", "audio"])
        let video = try #require(indexes.first)
        #expect(video.rendition.codecs.hasPrefix("avc1.64"))
        #expect(video.rendition.width == 320 && video.rendition.height == 180)  // read from the SPS
        #expect(indexes.last?.rendition.codecs == "mp4a.40.2")
        #expect(indexes.last?.rendition.sampleRate == 44100)
        #expect(video.segments.map(\.number) == [1, 2, 3])
        #expect(indexes.last?.segments.map(\.number) == [1, 2, 3])
        // 1 s GOPs: cuts land exactly on the 6 s boundaries; the last segment is the 2 s remainder.
        #expect(video.segments.map { Double($0.duration) / 90_000 } == [6, 6, 2])
        #expect(video.segments.first?.programDateTime != nil)
        try await assertDecodable(indexes, root: directory.appendingPathComponent("live/cam"), scratch: directory)
    }

    @Test func dvrRingDeletesExpiredSegments() async throws {
        let directory = try temporaryDirectory("dvr")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await Self.makeFLV(directory, seconds: 14)
        let log = EventLog()
        let root = directory.appendingPathComponent("live")
        let streams = LiveStreams(root: root, configuration: LiveConfiguration(segmentDuration: 2, dvrWindow: 7), onEvent: log.append)
        let publication = try #require(streams.beginPublishing(SafeName("dvr")!))
        try Self.feed(flv, to: publication)
        publication.finish()

        let video = try #require(streams.indexes(for: SafeName("dvr")!).first)
        // 7 segments of 2 s were made; a 7 s window ending at 14 s keeps those ending after 7 s.
        #expect(video.segments.map(\.number) == [4, 5, 6, 7])
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("dvr/video").path).sorted()
        #expect(files == ["init.mp4", "seg-4.m4s", "seg-5.m4s", "seg-6.m4s", "seg-7.m4s"])
        let expired = log.all.flatMap { event -> [Int] in
            if case .segmentsExpired(_, let rendition, let numbers) = event, rendition.rawValue == "video" { return numbers }
            return []
        }
        #expect(expired == [1, 2, 3])
    }

    @Test func reconnectContinuesNumberingAndTimeline() async throws {
        let directory = try temporaryDirectory("reconnect")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await Self.makeFLV(directory, seconds: 7)
        let streams = LiveStreams(root: directory.appendingPathComponent("live"))
        let stream = SafeName("re")!
        for _ in 0..<2 {
            let publication = try #require(streams.beginPublishing(stream))
            try Self.feed(flv, to: publication)
            publication.finish()
        }
        let video = try #require(streams.indexes(for: stream).first)
        #expect(video.segments.map(\.number) == [1, 2, 3, 4])
        #expect(video.segments.map(\.discontinuity) == [false, false, true, false])
        try await assertDecodable(streams.indexes(for: stream), root: directory.appendingPathComponent("live/re"), scratch: directory)

        // A new process finds the files and continues after them, flagged as a discontinuity.
        let restarted = LiveStreams(root: directory.appendingPathComponent("live"))
        let publication = try #require(restarted.beginPublishing(stream))
        try Self.feed(flv, to: publication)
        publication.finish()
        let after = try #require(restarted.indexes(for: stream).first)
        #expect(after.segments.map(\.number) == [5, 6])
        #expect(after.segments.first?.discontinuity == true)

        // Restarted again before anything new is written: the earlier files are gone, the numbers are not.
        let third = LiveStreams(root: directory.appendingPathComponent("live"))
        let idle = try #require(third.beginPublishing(stream))
        idle.finish()
        let fourth = LiveStreams(root: directory.appendingPathComponent("live"))
        let publication4 = try #require(fourth.beginPublishing(stream))
        try Self.feed(flv, to: publication4)
        publication4.finish()
        #expect(fourth.indexes(for: stream).first?.segments.map(\.number) == [7, 8])
    }
}

/// Every segment decodes after its init segment, opens with an I frame (video), and tfdt continues exactly
/// where the previous segment's samples ended, as read back from the files.
func assertDecodable(_ indexes: [RenditionIndex], root: URL, scratch: URL) async throws {
    for index in indexes {
        let directory = root.appendingPathComponent(index.rendition.id.rawValue)
        let initURL = directory.appendingPathComponent("init.mp4")
        var expectedStart: UInt64?
        for segment in index.segments {
            let file = directory.appendingPathComponent("seg-\(segment.number).m4s")
            let facts = try SegmentFacts(file: file)
            #expect(facts.sequenceNumber == UInt32(segment.number))
            #expect(facts.baseMediaDecodeTime == UInt64(segment.start))
            #expect(facts.duration == UInt64(segment.duration))
            if let expectedStart { #expect(facts.baseMediaDecodeTime == expectedStart, "tfdt gap before \(file.lastPathComponent)") }
            expectedStart = facts.baseMediaDecodeTime + facts.duration
            let decoded = try await decode(initSegment: initURL, segment: file, in: scratch)
            #expect(decoded.frames == facts.sampleDurations.count, "\(file.path) decoded \(decoded.frames) of \(facts.sampleDurations.count)")
            if index.rendition.kind == .video {
                #expect(decoded.firstPictureType?.contains("I") == true, "\(file.path) starts with \(decoded.firstPictureType ?? "nothing")")
            }
        }
    }
}
