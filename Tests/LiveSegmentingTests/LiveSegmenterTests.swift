import Foundation
import MediaCore
import Storage
import Testing
import TestSupport
@testable import LiveSegmenting
@testable import RTMP

/// The segmenter and the stream store on real encoder output (an FLV file ffmpeg writes), no network.
@Suite struct LiveSegmenterTests {
    /// `rate` frames a second with a keyframe every `gop` frames (default 1 s GOPs at 25 fps).
    static func makeFLV(_ directory: URL, seconds: Int, rate: Int = 25, gop: Int = 25) async throws -> URL {
        let url = directory.appendingPathComponent("source.flv")
        let result = try await runAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=\(rate)",
                                        "-f", "lavfi", "-i", "sine", "-c:v", "libx264", "-g", "\(gop)", "-c:a", "aac",
                                        "-t", "\(seconds)", "-f", "flv", url.path])
        guard result.status == 0 else { throw TestFailure("ffmpeg: \(result.stderr)") }
        return url
    }

    /// Feeds an FLV file's tags to a publication as the RTMP session would.
    static func feed(_ flv: URL, to publication: LivePublication) throws {
        var clock = 1_700_000_000.0
        for tag in try FLVFileTag.read(flv) {
            clock += 0.01
            if let event = try mediaEvent(tag) { try publication.receive(ArrivedMediaEvent(event, receivedAt: clock)) }
        }
    }

    /// An FLV file's video or audio tag as the media event the RTMP session makes of it (nil for others).
    static func mediaEvent(_ tag: FLVFileTag) throws -> LiveMediaEvent? {
        switch tag.type {
        case 9: return try FLVTag.parseVideo(tag.body, timestamp: Int64(tag.timestamp))
        case 8: return try FLVTag.parseAudio(tag.body, timestamp: Int64(tag.timestamp))
        default: return nil
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
        #expect(files == ["init-1.mp4", "seg-4.m4s", "seg-5.m4s", "seg-6.m4s", "seg-7.m4s"])
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

        #expect(video.segments.allSatisfy { $0.initNumber == 1 }, "the same encoder parameters keep init-1.mp4")

        // A new process reloads the index from the journal and continues after it, flagged as a
        // discontinuity, on a timeline that goes on where the old segments ended.
        let restarted = LiveStreams(root: directory.appendingPathComponent("live"))
        #expect(restarted.restore([stream]).isEmpty)
        #expect(restarted.indexes(for: stream) == streams.indexes(for: stream))
        let publication = try #require(restarted.beginPublishing(stream))
        try Self.feed(flv, to: publication)
        publication.finish()
        let after = try #require(restarted.indexes(for: stream).first)
        #expect(after.segments.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(after.segments.map(\.discontinuity) == [false, false, true, false, true, false])
        #expect(after.segments.map(\.initNumber) == [1, 1, 1, 1, 5, 5], "a new process writes its own init")
        #expect(after.segments[4].start == after.segments[3].start + after.segments[3].duration)
        try await assertDecodable(restarted.indexes(for: stream), root: directory.appendingPathComponent("live/re"), scratch: directory)

        // Restarted again before anything new is written: the files and the numbers stay.
        let third = LiveStreams(root: directory.appendingPathComponent("live"))
        let idle = try #require(third.beginPublishing(stream))
        idle.finish()
        let fourth = LiveStreams(root: directory.appendingPathComponent("live"))
        let publication4 = try #require(fourth.beginPublishing(stream))
        try Self.feed(flv, to: publication4)
        publication4.finish()
        let fourthVideo = try #require(fourth.indexes(for: stream).first)
        #expect(fourthVideo.segments.map(\.number) == Array(1...8))
        // HLS counts discontinuities across restarts: 3, 5 and 7 start runs, however many are listed.
        #expect(fourth.listing(for: stream)?.discontinuitiesBefore == 0)
        #expect(fourthVideo.segments.filter(\.discontinuity).map(\.number) == [3, 5, 7])
    }

    /// A damaged journal line, a line cut short, a missing segment and a stray file cost only themselves:
    /// one warning, the rest loads, the journal is rewritten clean, numbering stays above every name.
    @Test func restoreSurvivesDamagedJournalAndMissingFiles() async throws {
        let directory = try temporaryDirectory("journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await Self.makeFLV(directory, seconds: 14)
        let root = directory.appendingPathComponent("live")
        let stream = SafeName("j")!
        let first = LiveStreams(root: root)
        let publication = try #require(first.beginPublishing(stream))
        try Self.feed(flv, to: publication)
        publication.finish()
        #expect(first.indexes(for: stream).first?.segments.map(\.number) == [1, 2, 3])

        let journal = root.appendingPathComponent("j/.index.jsonl")
        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert("{\"kind\":\"segment\",\"rendition\":", at: 2)
        try (lines.joined(separator: "\n") + "\n{\"kind\":\"expired\",\"renditionID\":\"vid").write(to: journal, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: root.appendingPathComponent("j/video/seg-2.m4s"))
        try Data([1, 2, 3]).write(to: root.appendingPathComponent("j/video/seg-9.m4s"))

        let restarted = LiveStreams(root: root)
        let warning = try #require(restarted.restore([stream])[stream])
        #expect(warning.contains("skipped 2 damaged journal lines"), "\(warning)")
        #expect(warning.contains("1 listed segment is missing or incomplete on disk (first: video/seg-2.m4s)"), "\(warning)")
        let indexes = restarted.indexes(for: stream)
        #expect(indexes.map(\.rendition) == first.indexes(for: stream).map(\.rendition))
        #expect(indexes.map { $0.segments.map(\.number) } == [[1, 3], [1, 2, 3]])
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("j/video/seg-9.m4s").path))
        try await assertDecodable(indexes, root: root.appendingPathComponent("j"), scratch: directory)
        #expect(IndexJournal(store: LiveDirectory(root: root), stream: stream).read()?.bad == 0)
        #expect(LiveStreams(root: root).restore([stream]).isEmpty, "the rewritten journal loads without a warning")

        // The stray seg-9 raised the numbering: names above it only.
        let next = try #require(restarted.beginPublishing(stream))
        try Self.feed(flv, to: next)
        next.finish()
        #expect(restarted.indexes(for: stream).first?.segments.map(\.number) == [1, 3, 10, 11, 12])
    }

    /// A long-running stream's journal is compacted to about the size of its index, and discontinuities
    /// that left the window are still counted (HLS EXT-X-DISCONTINUITY-SEQUENCE never goes back), also
    /// after a restart.
    @Test func journalStaysShortAndCountsExpiredDiscontinuities() async throws {
        let directory = try temporaryDirectory("journal-long")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await Self.makeFLV(directory, seconds: 7)
        let root = directory.appendingPathComponent("live")
        let stream = SafeName("long")!
        let streams = LiveStreams(root: root, configuration: LiveConfiguration(segmentDuration: 1, dvrWindow: 2))
        for _ in 0..<4 {
            let publication = try #require(streams.beginPublishing(stream))
            try Self.feed(flv, to: publication)
            publication.finish()
        }
        let listing = try #require(streams.listing(for: stream))
        let first = try #require(listing.renditions.first?.segments.first?.number)
        #expect(first > 22 && listing.renditions.allSatisfy { $0.segments.first?.number == first })
        #expect(listing.discontinuitiesBefore == 3, "runs 2, 3 and 4 began at 8, 15 and 22")
        #expect(listing.dvrWindowSeconds == 2)
        let journal = IndexJournal(store: LiveDirectory(root: root), stream: stream)
        let lines = try #require(journal.read())
        #expect(lines.bad == 0 && lines.lines.count < 90, "\(lines.lines.count) lines for \(listing.renditions.map(\.segments.count)) segments")
        #expect(lines.lines.first?.kind == .header, "compacted at least once")

        let restarted = LiveStreams(root: root, configuration: LiveConfiguration(segmentDuration: 1, dvrWindow: 2))
        #expect(restarted.restore([stream]).isEmpty)
        #expect(restarted.listing(for: stream) == listing)
    }

    /// A smaller DVR window at restart trims the reloaded index and deletes what fell out of it.
    @Test func restoreTrimsToTheStreamsWindow() async throws {
        let directory = try temporaryDirectory("journal-dvr")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flv = try await Self.makeFLV(directory, seconds: 14)
        let root = directory.appendingPathComponent("live")
        let stream = SafeName("w")!
        let first = LiveStreams(root: root)
        let publication = try #require(first.beginPublishing(stream))
        try Self.feed(flv, to: publication)
        publication.finish()

        let restarted = LiveStreams(root: root, dvrWindow: { _ in 5 })
        #expect(restarted.restore([stream]).isEmpty)
        // Segments 0-6, 6-12, 12-14 s: a 5 s window back from 14 s keeps those ending after 9 s.
        #expect(restarted.indexes(for: stream).first?.segments.map(\.number) == [2, 3])
        #expect(restarted.listing(for: stream)?.dvrWindowSeconds == 5)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("w/video/seg-1.m4s").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("w/video/seg-2.m4s").path))
    }

    /// A publisher that comes back with another picture size gets a new init under a new name; the old
    /// segments keep theirs, so both decode.
    @Test func encoderChangeWritesANewlyNamedInit() async throws {
        let directory = try temporaryDirectory("reinit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let small = try await Self.makeFLV(directory, seconds: 7)
        let large = directory.appendingPathComponent("large.flv")
        let made = try await runAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25",
                                                    "-f", "lavfi", "-i", "sine", "-c:v", "libx264", "-g", "25", "-c:a", "aac",
                                                    "-t", "7", "-f", "flv", large.path])
        #expect(made.status == 0, "ffmpeg: \(made.stderr)")
        let streams = LiveStreams(root: directory.appendingPathComponent("live"))
        let stream = SafeName("sizes")!
        for flv in [small, large] {
            let publication = try #require(streams.beginPublishing(stream))
            try Self.feed(flv, to: publication)
            publication.finish()
        }
        let indexes = streams.indexes(for: stream)
        let video = try #require(indexes.first)
        #expect(video.segments.map(\.number) == [1, 2, 3, 4])
        #expect(video.segments.map(\.initNumber) == [1, 1, 3, 3])
        #expect(video.rendition.width == 640)
        #expect(indexes.last?.segments.map(\.initNumber) == [1, 1, 1, 1], "the audio did not change")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("live/sizes/video").path)
        #expect(files.filter { $0.hasPrefix("init") }.sorted() == ["init-1.mp4", "init-3.mp4"])
        try await assertDecodable(indexes, root: directory.appendingPathComponent("live/sizes"), scratch: directory)
    }
}
