import Foundation
import MediaCore
import Testing
import TestSupport
@testable import LiveSegmenting
@testable import RTMP

/// Redundant inputs (issue 15) on hand-made timelines through `LiveStreams` with real files: a standby's
/// media is not written while the primary runs; losing the primary (connection or media) hands the
/// stream to the backup at the backup's keyframe with numbering going on; failback is automatic or asked
/// for; a discontinuity is marked only where the inputs' clocks or settings differ.
@Suite struct InputFailoverTests {
    /// A synthetic encoder: 25 fps video with a keyframe every `gopFrames`, 48 kHz AAC, its own clock that
    /// starts at `clockStartMs` when the wall clock is `wallStart`.
    struct Encoder {
        var gopFrames: Int64 = 25
        var clockStartMs: Int64 = 0
        var wallStart: Double
        var avcC: [UInt8] = CMAFBoxTests.avcC
        private var frame: Int64 = 0
        private var audioIndex: Int64 = 0

        init(wallStart: Double, clockStartMs: Int64 = 0, gopFrames: Int64 = 25) {
            self.wallStart = wallStart
            self.clockStartMs = clockStartMs
            self.gopFrames = gopFrames
        }

        var configs: [ArrivedMediaEvent] {
            [ArrivedMediaEvent(.videoConfig(avcC: avcC), receivedAt: wallStart),
             ArrivedMediaEvent(.audioConfig(asc: [0x11, 0x90]), receivedAt: wallStart)]
        }

        /// Wall-clock time of the next frame.
        var now: Double { wallStart + Double(frame * 40) / 1000 }

        /// The next 40 ms of media: the audio frames up to the picture, then the picture.
        mutating func next() -> [ArrivedMediaEvent] {
            let t = frame * 40
            var out: [ArrivedMediaEvent] = []
            while audioIndex * 1024 * 1000 / 48_000 <= t {
                let ms = audioIndex * 1024 * 1000 / 48_000
                out.append(ArrivedMediaEvent(.audio(AudioFrame(pts: clockStartMs + ms, data: [0x21])), receivedAt: wallStart + Double(ms) / 1000))
                audioIndex += 1
            }
            let isKey = frame % gopFrames == 0
            out.append(ArrivedMediaEvent(.video(VideoFrame(dts: clockStartMs + t, pts: clockStartMs + t, isKeyframe: isKey,
                                                           data: [0, 0, 0, 1, isKey ? 0x65 : 0x41])),
                                         receivedAt: wallStart + Double(t) / 1000))
            frame += 1
            return out
        }

        /// Skips `frames` pictures of its clock without sending (a stalled feed keeps its clock).
        mutating func skip(frames: Int64) {
            frame += frames
            audioIndex = (frame * 40 * 48_000 / 1000 + 1023) / 1024
        }
    }

    struct Harness {
        let streams: LiveStreams
        let log = EventLog()
        let stream = SafeName("cam")!
        let directory: URL

        init(failback: FailbackMode = .auto, segmentSeconds: Double = 2) throws {
            directory = try temporaryDirectory("failover")
            let log = log
            streams = LiveStreams(root: directory,
                                  configuration: LiveConfiguration(segmentDuration: segmentSeconds, inputLossSeconds: 2, failback: failback),
                                  onEvent: { log.append($0) })
        }

        func feed(_ publication: LivePublication, _ encoder: inout Encoder, seconds: Double) throws {
            for _ in 0..<Int((seconds * 25).rounded()) { for event in encoder.next() { try publication.receive(event) } }
        }

        /// Both inputs send, picture by picture, for `frames` pictures (40 ms each).
        func feedBoth(_ primary: LivePublication, _ main: inout Encoder, _ backup: LivePublication, _ standby: inout Encoder,
                      frames: Int) throws {
            for _ in 0..<frames {
                for event in main.next() { try primary.receive(event) }
                for event in standby.next() { try backup.receive(event) }
            }
        }

        var videoSegments: [SegmentInfo] {
            streams.indexes(for: stream).first { $0.rendition.kind == .video }?.segments ?? []
        }

        var switches: [InputSwitch] {
            log.all.compactMap { if case .inputSwitched(_, let change) = $0 { return change }; return nil }
        }
    }

    static func checkContinuous(_ segments: [SegmentInfo]) {
        for (previous, next) in zip(segments, segments.dropFirst()) {
            #expect(next.number == previous.number + 1, "numbering continues: \(previous.number) -> \(next.number)")
            #expect(next.start == previous.start + previous.duration, "tfdt continues at segment \(next.number)")
        }
    }

    @Test func theBackupTakesOverWhenThePrimaryConnectionEnds() throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let primary = try #require(harness.streams.beginPublishing(harness.stream, input: .primary))
        #expect(harness.streams.beginPublishing(harness.stream, input: .primary) == nil, "one publisher per input")
        let backup = try #require(harness.streams.beginPublishing(harness.stream, input: .backup))
        var main = Encoder(wallStart: 1000)
        // The backup started 3.3 s later on its own clock (from 0): another timeline.
        var standby = Encoder(wallStart: 1003.32)
        for event in main.configs { try primary.receive(event) }
        try harness.feed(primary, &main, seconds: 3.32)
        for event in standby.configs { try backup.receive(event) }
        try harness.feedBoth(primary, &main, backup, &standby, frames: 117)
        let before = harness.videoSegments
        #expect(before.map(\.number) == [1, 2, 3], "the primary's 8 s as 2 s segments; nothing of the standby")
        #expect(harness.streams.inputStatus(for: harness.stream)?.active == .primary)

        // 8.6 s: the primary's connection ends (0.6 s of its segment 5 collected); the standby's last keyframe
        // was at its 5 s mark, 0.28 s of media ago, so it takes over at once with that GOP.
        try harness.feedBoth(primary, &main, backup, &standby, frames: 15)
        primary.finish()
        #expect(harness.streams.publishingStreams == [harness.stream], "the backup keeps the stream live")
        #expect(!harness.log.all.contains(.publishEnded(stream: harness.stream)))
        let change = try #require(harness.switches.first)
        #expect(change.from == .primary && change.to == .backup && change.reason == .connectionLost)
        #expect(change.discontinuity, "the backup's clock differs from the primary's")
        try harness.feed(backup, &standby, seconds: 6)
        backup.finish()
        #expect(harness.log.all.last == .publishEnded(stream: harness.stream))

        let segments = harness.videoSegments
        Self.checkContinuous(segments)
        let takeover = try #require(segments.first { $0.number == change.segment })
        #expect(takeover.discontinuity)
        #expect(segments.filter(\.discontinuity).map(\.number) == [change.segment], "one discontinuity, at the switch")
        // The primary's last (short) segment ends where the backup's first starts, on the wall clock too.
        let last = try #require(segments.first { $0.number == change.segment - 1 })
        let gap = try #require(takeover.programDateTime) - (try #require(last.programDateTime) + Double(last.duration) / 90_000)
        #expect(gap < 2, "no gap longer than one segment: \(gap) s")
        let status = try #require(harness.streams.inputStatus(for: harness.stream))
        #expect(status.switches == [change] && status.connected.isEmpty)
        #expect(harness.streams.inputSwitchCounts()[harness.stream] == [.connectionLost: 1])
    }

    @Test func aSilentPrimaryIsLostAfterTheInputLossTimeAndComesBackAutomatically() throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let primary = try #require(harness.streams.beginPublishing(harness.stream, input: .primary))
        let backup = try #require(harness.streams.beginPublishing(harness.stream, input: .backup))
        var main = Encoder(wallStart: 2000)
        var standby = Encoder(wallStart: 2000, clockStartMs: 50_000)
        for event in main.configs { try primary.receive(event) }
        for event in standby.configs { try backup.receive(event) }
        try harness.feedBoth(primary, &main, backup, &standby, frames: 150)
        // The primary stalls (still connected): 1.9 s without media is not yet a loss...
        main.skip(frames: 57)
        for _ in 0..<47 { for event in standby.next() { try backup.receive(event) } }
        #expect(harness.switches.isEmpty)
        // ...past 2 s it is, and the backup takes over at once (from its GOP of the last second).
        for _ in 0..<10 { for event in standby.next() { try backup.receive(event) } }
        let lost = try #require(harness.switches.first)
        #expect(lost.reason == .inputLoss && lost.to == .backup)
        // The primary comes back; auto failback waits until it has been steady for a segment duration (2 s)
        // and switches at its next keyframe.
        try harness.feedBoth(primary, &main, backup, &standby, frames: 37)
        #expect(harness.switches.count == 1, "not steady for 2 s yet")
        try harness.feedBoth(primary, &main, backup, &standby, frames: 75)
        let back = try #require(harness.switches.last)
        #expect(harness.switches.count == 2 && back.reason == .failback && back.to == .primary)
        #expect(harness.streams.inputStatus(for: harness.stream)?.active == .primary)
        backup.finish()  // a standby leaving changes nothing
        #expect(harness.switches.count == 2)
        primary.finish()
        let segments = harness.videoSegments
        Self.checkContinuous(segments)
        #expect(segments.filter(\.discontinuity).map(\.number) == [lost.segment, back.segment])
        #expect(harness.streams.inputSwitchCounts()[harness.stream] == [.inputLoss: 1, .failback: 1])
    }

    @Test func inputsOnOneClockWithOneSettingSwitchWithoutADiscontinuity() throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let primary = try #require(harness.streams.beginPublishing(harness.stream, input: .primary))
        let backup = try #require(harness.streams.beginPublishing(harness.stream, input: .backup))
        // Two encoders on one clock (timecode-locked): the same media times at the same wall-clock times.
        var main = Encoder(wallStart: 3000, clockStartMs: 10_000)
        var standby = Encoder(wallStart: 3000, clockStartMs: 10_000)
        for event in main.configs { try primary.receive(event) }
        for event in standby.configs { try backup.receive(event) }
        try harness.feedBoth(primary, &main, backup, &standby, frames: 130)
        primary.finish()
        // The standby's buffered keyframe (5 s) is older than the primary's last picture: the switch waits for
        // its next one (6 s), and the open segment simply goes on with the backup's pictures.
        #expect(harness.switches.isEmpty)
        try harness.feed(backup, &standby, seconds: 4)
        let change = try #require(harness.switches.first)
        #expect(change.reason == .connectionLost && !change.discontinuity)
        backup.finish()
        let segments = harness.videoSegments
        Self.checkContinuous(segments)
        #expect(segments.allSatisfy { !$0.discontinuity })
        // One timeline: the media times are the encoders' own (no remapping), 2 s apart.
        #expect(segments.dropLast().allSatisfy { $0.duration == 180_000 }, "\(segments.map(\.duration))")
    }

    @Test func manualFailbackWaitsToBeAskedAndRefusesWhatCannotBeDone() throws {
        let harness = try Harness(failback: .manual)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        #expect(throws: FailbackRefusal.unknownStream(harness.stream)) { try harness.streams.failback(harness.stream) }
        let backup = try #require(harness.streams.beginPublishing(harness.stream, input: .backup))
        var standby = Encoder(wallStart: 4000)
        for event in standby.configs { try backup.receive(event) }
        try harness.feed(backup, &standby, seconds: 3)
        #expect(harness.streams.inputStatus(for: harness.stream)?.active == .backup, "the backup alone runs the stream")
        #expect(throws: FailbackRefusal.primaryNotConnected(harness.stream)) { try harness.streams.failback(harness.stream) }
        let primary = try #require(harness.streams.beginPublishing(harness.stream, input: .primary))
        var main = Encoder(wallStart: 4003, clockStartMs: 90_000)
        for event in main.configs { try primary.receive(event) }
        try harness.feedBoth(primary, &main, backup, &standby, frames: 200)
        #expect(harness.switches.isEmpty, "manual: a steady primary is not enough")
        try harness.streams.failback(harness.stream)
        #expect(harness.streams.inputStatus(for: harness.stream)?.failbackPending == true)
        try harness.feedBoth(primary, &main, backup, &standby, frames: 50)
        let back = try #require(harness.switches.first)
        #expect(back.reason == .manualFailback && back.to == .primary)
        #expect(throws: FailbackRefusal.alreadyOnPrimary(harness.stream)) { try harness.streams.failback(harness.stream) }
        primary.finish()
        backup.finish()
        Self.checkContinuous(harness.videoSegments)
    }

    @Test func targetDurationIsFixedFromTheFirstGOPAndALongerOneIsReported() throws {
        // 6 s target, keyframes every 4 s: segments of 8 and 4 s; the target is 8 from the first segment on.
        let harness = try Harness(segmentSeconds: 6)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let primary = try #require(harness.streams.beginPublishing(harness.stream))
        var main = Encoder(wallStart: 5000, gopFrames: 100)
        for event in main.configs { try primary.receive(event) }
        try harness.feed(primary, &main, seconds: 8.2)
        #expect(harness.streams.listing(for: harness.stream)?.targetDurationSeconds == 8)
        try harness.feed(primary, &main, seconds: 16)
        #expect(harness.videoSegments.map { $0.duration / 90_000 } == [8, 4, 8, 4])
        #expect(!harness.log.all.contains { if case .segmentOverTarget = $0 { return true }; return false })
        // The encoder's GOP grows to 10 s: that segment is longer than the target, reported once.
        main.gopFrames = 250
        try harness.feed(primary, &main, seconds: 24)
        primary.finish()
        #expect(harness.streams.listing(for: harness.stream)?.targetDurationSeconds == 8, "the target itself never changes")
        #expect(harness.log.count { if case .segmentOverTarget(_, _, 8) = $0 { return true }; return false } == 1)
    }
}
