import Analytics
import Catalog
import Testing

/// Synthetic sessions with known timings, recorded through the recorder into a real (in-memory SQLite)
/// catalog, must give exactly the figures the written definitions say.
@Suite struct QoEDefinitionTests {
    /// Server time the batch arrives: 20 s after the player clock's t0.
    let arrival = t0 + 20_000

    func recordScenario() throws -> (AnalyticsRecorder, ManualClock, Catalog) {
        let clock = ManualClock(arrival)
        let catalog = try Catalog.inMemory()
        let recorder = AnalyticsRecorder(store: catalog, clock: clock.read)
        let events: [PlaybackEvent] = [
            // A: startup 1200 ms, one 2000 ms stall, ended; playing (10000-1200) + (20000-12000) = 16800 ms.
            event("a", .start, 0), event("a", .playing, 1_200, bitrate: 3_000_000), event("a", .stall, 10_000),
            event("a", .stallEnd, 12_000), event("a", .end, 20_000),
            // B: startup 800 ms, paused 3 s (not a stall), still open; playing 4200 + 7000 = 11200 ms.
            event("b", .start, 0), event("b", .playing, 800, bitrate: 1_000_000), event("b", .pause, 5_000),
            event("b", .playing, 8_000), event("b", .heartbeat, 15_000),
            // C: gave up before the first frame (end): an exit before video start.
            event("c", .start, 0), event("c", .end, 3_000),
            // D: requested play, then silence: an exit once 60 s pass without a word.
            event("d", .start, 0),
            // E: failed to start: a playback failure, not an exit before video start.
            event("e", .start, 0), event("e", .error, 2_000, error: "manifest 404"),
        ]
        // Sent shuffled: the recorder orders each session's events by time.
        let body = events.reversed().map { e -> [String: Any] in
            var fields: [String: Any] = ["sessionId": e.sessionID, "type": e.type.rawValue, "time": e.time, "asset": e.subject.id]
            if let bitrate = e.bitrate { fields["bitrate"] = bitrate }
            if let error = e.error { fields["error"] = error }
            return fields
        }
        try recorder.record(EventBatch(json: batchJSON(body), now: arrival), address: "10.0.0.1", userAgent: "test", country: "NL")
        // F: a CMCD-only player on another asset.
        var cmcd = CMCD()
        cmcd.merge(list: Substring(#"sid="f",br=2000,d=6000,ot=v,su"#).utf8)
        recorder.record(cmcd, subject: .asset("other"), userAgent: "hls.js", country: nil)
        return (recorder, clock, catalog)
    }

    @Test func startupRebufferExitsAndFailuresMatchTheirDefinitions() throws {
        let (recorder, clock, _) = try recordScenario()
        clock.set(arrival + 10_000)
        let summary = try recorder.summary(subject: .asset("movie"), from: t0, to: clock.now)
        #expect(summary.sessions == 5)
        #expect(summary.plays == 2)
        #expect(summary.startupTimeMs == .init(count: 2, mean: 1_000, p50: 800, p95: 1_200))
        #expect(summary.stallCount == 1)
        // 2000 ms stalled against 16800 + 11200 ms playing.
        #expect(summary.rebufferRatio == 2_000.0 / 30_000.0)
        #expect(summary.playingTimeSeconds == 28.0)
        // Watch time = startup + playing + stalls: (1.2 + 16.8 + 2) + (0.8 + 11.2).
        #expect(summary.watchTimeSeconds == 32.0)
        #expect(summary.failures == 1)
        // D has been silent only 10 s: only C has exited so far.
        #expect(summary.exitsBeforeVideoStart == 1)
        #expect(summary.playbackFailureRate == 1.0 / 5.0)
        // Time-weighted: (3 Mb/s x 16.8 s + 1 Mb/s x 11.2 s) / 28 s.
        #expect(summary.averageBitrate == 2_200_000)
        #expect(summary.renditionDistribution == ["3000000": 0.6, "1000000": 0.4])

        clock.set(arrival + 60_000)
        let later = try recorder.summary(subject: .asset("movie"), from: t0, to: clock.now)
        #expect(later.exitsBeforeVideoStart == 2)
    }

    @Test func concurrentViewersCountRecentContactExcludingEnded() throws {
        let (recorder, clock, _) = try recordScenario()
        clock.set(arrival + 10_000)
        // B, D, E (heard 10 s ago, not ended) and F (CMCD); A and C ended.
        #expect(try recorder.summary(subject: nil, from: t0, to: clock.now).concurrentViewers == 4)
        #expect(try recorder.summary(subject: .asset("other"), from: t0, to: clock.now).concurrentViewers == 1)
        clock.set(arrival + 30_000)
        #expect(try recorder.summary(subject: nil, from: t0, to: clock.now).concurrentViewers == 4)
        clock.set(arrival + 30_001)
        #expect(try recorder.summary(subject: nil, from: t0, to: clock.now).concurrentViewers == 0)
    }

    @Test func timeseriesAndRollupsFollowTheSameDefinitions() throws {
        let (recorder, clock, catalog) = try recordScenario()
        clock.set(arrival + 10_000)
        let sessions = try recorder.sessions(subject: .asset("movie"), from: t0, to: clock.now)
        let concurrent = try TimeseriesQuery(metric: .concurrent, from: arrival - 20_000, to: arrival + 50_000, step: 10_000)
        // Buckets end at arrival - 10 s, arrival, ..., +50 s: B, D, E count from their first contact until
        // 30 s after their last; A and C ended at arrival.
        #expect(concurrent.points(sessions).map(\.value) == [0, 3, 3, 3, 3, 0, 0])
        let startup = try TimeseriesQuery(metric: .startupP95, from: arrival, to: arrival + 20_000, step: 10_000)
        #expect(startup.points(sessions).map(\.value) == [1_200, nil])
        #expect(throws: AnalyticsError.self) { try TimeseriesQuery(metric: .plays, from: 0, to: 1_000_000_000, step: 1_000) }

        // Stored per-minute rollups: the batch's minute holds the five sessions that began in it.
        try recorder.rollUp(minutes: 2)
        let minute = arrival - arrival % 60_000
        let rows = try catalog.rollups(subject: .asset("movie"), from: minute, to: minute + 60_000)
        #expect(rows.count == 1)
        #expect(rows.first?.sessions == 5)
        #expect(rows.first?.plays == 2)
        #expect(rows.first?.startupCount == 2 && rows.first?.startupTotalMs == 2_000)
        #expect(rows.first?.stallMs == 2_000 && rows.first?.playingMs == 28_000)
        #expect(rows.first?.failures == 1 && rows.first?.exits == 1)
        #expect(rows.first?.concurrent == 3)
    }

    @Test func foldingRulesForStallsSeeksAndEnds() {
        var session = PlaybackSession(id: "s", subject: .asset("movie"), firstSeen: t0)
        // A stall before the first frame is startup, not rebuffering.
        for e in [event("s", .start, 0), event("s", .stall, 100), event("s", .playing, 500),
                  // Buffering after a seek is not a stall either.
                  event("s", .seek, 1_500), event("s", .stall, 1_600), event("s", .playing, 2_500),
                  event("s", .stall, 3_500), event("s", .stallEnd, 4_000), event("s", .end, 5_000),
                  // After the end nothing changes.
                  event("s", .playing, 6_000), event("s", .stall, 7_000)] {
            session.apply(e, now: t0)
        }
        #expect(session.startupMs == 500)
        #expect(session.stallCount == 1)
        #expect(session.stallMs == 500)
        #expect(session.playingMs == 1_000 + 1_000 + 1_000)
        #expect(session.state == .ended)
        // An event from the past adds no time.
        var other = PlaybackSession(id: "o", subject: .asset("movie"), firstSeen: t0)
        other.apply(event("o", .playing, 10_000), now: t0)
        other.apply(event("o", .heartbeat, 4_000), now: t0)
        other.apply(event("o", .heartbeat, 12_000), now: t0)
        #expect(other.playingMs == 2_000)
    }
}
