import Analytics
import Catalog
import Testing

@Suite struct CMCDTests {
    @Test func parsesTheSpecExampleQuery() throws {
        let cmcd = try #require(CMCD.parse(
            query: #"br=3200,bs,d=4004,mtp=25400,ot=v,rtp=15000,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",tb=6000"#, headers: []))
        #expect(cmcd.bitrateKbps == 3200)
        #expect(cmcd.bufferStarvation)
        #expect(cmcd.durationMs == 4004)
        #expect(cmcd.throughputKbps == 25400)
        #expect(cmcd.objectType == "v")
        #expect(cmcd.sessionID == "6e2fb550-c457-11e9-bb97-0800200c9a66")
        #expect(cmcd.topBitrateKbps == 6000)
        #expect(!cmcd.startup)
    }

    @Test func mergesTheFourHeaders() throws {
        let cmcd = try #require(CMCD.parse(query: nil, headers: [
            "br=1200,d=6000,ot=av,tb=4000", "bl=21300,mtp=48100,su", #"cid="movie",sid="abc""#, "bs=?0",
        ]))
        #expect(cmcd.bitrateKbps == 1200 && cmcd.bufferLengthMs == 21300 && cmcd.startup)
        #expect(cmcd.contentID == "movie" && cmcd.sessionID == "abc" && !cmcd.bufferStarvation)
    }

    @Test func garbageIsSkippedNotFatal() {
        for text in ["", ",,,", "=", "sid=unquoted", #"sid=""#, "br=-5,bl=1e9999", "br=99999999999999999999", #"sid="\"#] {
            let cmcd = CMCD.parse(query: text, headers: [])
            #expect(cmcd?.sessionID == nil)
            #expect(cmcd?.bitrateKbps == nil)
        }
    }

    @Test func cmcdOnlySessionsAreMergedWithTheStoredOne() throws {
        let clock = ManualClock(t0)
        let catalog = try Catalog.inMemory()
        let recorder = AnalyticsRecorder(store: catalog, clock: clock.read)
        var cmcd = CMCD()
        cmcd.merge(list: Substring(#"sid="p1",br=1000,d=6000,ot=v"#).utf8)
        recorder.record(cmcd, subject: .asset("movie"), userAgent: "ua", country: nil)
        try recorder.flush()
        // Long silence: the session leaves memory; the next request starts a fresh record merged at flush.
        clock.set(t0 + 600_000)
        try recorder.flush()
        #expect(recorder.activeSessions().isEmpty)
        recorder.record(cmcd, subject: .asset("movie"), userAgent: "ua", country: nil)
        // A request for another asset under the same id is not credited.
        recorder.record(cmcd, subject: .asset("elsewhere"), userAgent: "ua", country: nil)
        try recorder.flush()
        let stored = try #require(try catalog.playbackSessions(ids: ["p1"]).first)
        #expect(stored.cmcdRequests == 2)
        #expect(stored.firstSeen == t0 && stored.lastSeen == t0 + 600_000)
        #expect(stored.renditionMs == [1_000_000: 12_000])
    }
}
