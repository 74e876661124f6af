import Analytics
import Catalog
import Foundation
import Testing

@Suite struct EventBatchTests {
    let now = t0

    func fields(_ type: String = "start", session: String = "s1") -> [String: Any] {
        ["sessionId": session, "type": type, "time": t0, "asset": "movie"]
    }

    @Test func acceptsEpochMillisecondsAndISO8601() throws {
        var iso = fields()
        iso["time"] = "2027-01-15T08:00:00.250Z"
        let batch = try EventBatch(json: batchJSON([fields(), iso]), now: now)
        #expect(batch.events.map(\.time) == [t0, t0 + 250])
    }

    @Test func refusalsNameTheFirstBadEvent() {
        func refusal(_ body: [UInt8]) -> AnalyticsError? {
            do { _ = try EventBatch(json: body, now: now); return nil } catch { return error }
        }
        #expect(refusal(Array("{\"events\": [".utf8)) == .malformedBatch("not valid JSON"))
        #expect(refusal(Array("[]".utf8)) == .malformedBatch("no \"events\" array"))
        guard case .badEvent(1, let reason)? = refusal(batchJSON([fields(), fields("teleport")])) else {
            Issue.record("unknown type not refused"); return
        }
        #expect(reason.contains("unknown type 'teleport'"))
        var both = fields()
        both["stream"] = "live1"
        #expect(refusal(batchJSON([both])).map { "\($0)" }?.hasPrefix("event 0: give exactly one") == true)
        var badID = fields()
        badID["sessionId"] = "a b"
        #expect(refusal(batchJSON([badID])).map { "\($0)" }?.hasPrefix("event 0: \"sessionId\"") == true)
        var farFuture = fields()
        farFuture["time"] = t0 + 3 * 86_400_000
        #expect(refusal(batchJSON([farFuture])).map { "\($0)" }?.contains("a day away") == true)
        var badBitrate = fields()
        badBitrate["bitrate"] = "fast"
        #expect(refusal(batchJSON([badBitrate])).map { "\($0)" }?.contains("\"bitrate\"") == true)
    }

    @Test func refusesBatchesOverTheLimits() {
        #expect(throws: AnalyticsError.batchTooLarge("201 events, the limit is 200")) {
            try EventBatch(json: batchJSON(Array(repeating: fields(), count: 201)), now: now)
        }
        var padded = fields()
        padded["error"] = String(repeating: "x", count: 70_000)
        #expect(throws: AnalyticsError.self) { try EventBatch(json: batchJSON([padded]), now: now) }
    }

    @Test func rateLimitsPerAddressAndPerSession() throws {
        let clock = ManualClock(t0)
        let recorder = AnalyticsRecorder(
            store: try Catalog.inMemory(),
            settings: .init(batchesPerMinutePerAddress: 40, batchesPerMinutePerSession: 8), clock: clock.read)
        let batch = try EventBatch(json: batchJSON([fields("heartbeat")]), now: now)
        // The session's bucket holds 8 / 4 = 2 batches.
        try recorder.record(batch, address: "a", userAgent: nil, country: nil)
        try recorder.record(batch, address: "a", userAgent: nil, country: nil)
        #expect(throws: AnalyticsRecorder.Refusal.rateLimited("session s1")) {
            try recorder.record(batch, address: "a", userAgent: nil, country: nil)
        }
        // Another session from the same address still gets through; 7.5 s later the first refills one.
        try recorder.record(try EventBatch(json: batchJSON([fields("heartbeat", session: "s2")]), now: now),
                            address: "a", userAgent: nil, country: nil)
        clock.set(t0 + 7_500)
        try recorder.record(batch, address: "b", userAgent: nil, country: nil)
        // The address bucket (10 batches) runs dry whatever the sessions.
        var refused = false
        for n in 0..<20 {
            do {
                try recorder.record(try EventBatch(json: batchJSON([fields("heartbeat", session: "x\(n)")]), now: now),
                                    address: "flood", userAgent: nil, country: nil)
            } catch AnalyticsRecorder.Refusal.rateLimited(let who) {
                #expect(who == "address flood")
                #expect(n == 10)
                refused = true
                break
            }
        }
        #expect(refused)
    }

    @Test func aSessionCannotBeMovedToAnotherAsset() throws {
        let clock = ManualClock(t0)
        let catalog = try Catalog.inMemory()
        let recorder = AnalyticsRecorder(store: catalog, clock: clock.read)
        try recorder.record(try EventBatch(json: batchJSON([fields()]), now: now), address: "a", userAgent: nil, country: nil)
        try recorder.flush()
        var hijack = fields("error")
        hijack["asset"] = "other"
        #expect(throws: AnalyticsRecorder.Refusal.self) {
            try recorder.record(try EventBatch(json: batchJSON([hijack]), now: now), address: "b", userAgent: nil, country: nil)
        }
        #expect(try catalog.playbackSessions(ids: ["s1"]).first?.errorCount == 0)
    }
}
