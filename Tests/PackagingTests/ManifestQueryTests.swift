import Testing
@testable import Packaging

@Suite struct ManifestQueryTests {
    @Test func parsesFiltersAndWindow() throws {
        let q = try ManifestQuery.parse(["max_height": "720", "min_bitrate": "500k", "max_bitrate": "3M",
                                         "start": "12.5", "end": "2026-01-01T00:01:00.250+01:00", "utm": "x"])
        #expect(q.maxHeight == 720 && q.minBitrate == 500_000 && q.maxBitrate == 3_000_000)
        #expect(q.start == .offset(12.5))
        // 00:01:00.250 at +01:00 is 23:01:00.250 UTC the day before.
        #expect(q.end == .wallClock(1_767_225_600 - 3600 + 60.25))
        #expect(q.canonicalQueryString == "max_height=720&min_bitrate=500000&max_bitrate=3000000&start=12.5&end=2025-12-31T23:01:00.250Z")
    }

    @Test func emptyQueryIsEmpty() throws {
        let q = try ManifestQuery.parse([:])
        #expect(q.isEmpty && q.canonicalQueryString.isEmpty && !q.hasTimeWindow)
    }

    @Test(arguments: [
        ["max_height": "0"], ["max_height": "tall"], ["min_bitrate": "-5"], ["max_bitrate": "fast"],
        ["min_bitrate": "5000000", "max_bitrate": "1000000"], ["start": "-3"], ["start": "nan"], ["start": "inf"],
        ["end": "yesterday"], ["start": "2026-13-01T00:00:00Z"], ["start": "2026-01-01T00:00:00"],
        ["start": "30", "end": "10"], ["start": "10", "end": "10"],
        ["start": "2026-01-01T00:10:00Z", "end": "2026-01-01T00:05:00Z"],
    ])
    func rejectsBadValues(_ parameters: [String: String]) {
        #expect(throws: PackagingError.self) { try ManifestQuery.parse(parameters) }
    }

    @Test func errorsSayWhatToDo() {
        do {
            _ = try ManifestQuery.parse(["start": "soon"])
            Issue.record("accepted start=soon")
        } catch let error as PackagingError {
            #expect(error.description == "query parameter start=soon is invalid: expected seconds since the start or an ISO 8601 time like 2026-01-02T03:04:05Z")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func iso8601RoundTrips() {
        for t in [0.0, 951_782_400.5, 1_767_225_600.123, 4_102_444_799.999, -86_400.0] {
            let text = ISO8601.format(t)
            #expect(ISO8601.parse(text).map { abs($0 - t) < 0.0005 } == true, "\(t) → \(text)")
        }
        #expect(ISO8601.format(951_782_400) == "2000-02-29T00:00:00.000Z")
        #expect(ISO8601.parse("2026-01-01T00:00:00Z") == 1_767_225_600)
        #expect(ISO8601.parse("2026-01-01T01:30:00+0130") == 1_767_225_600)
    }
}
