import Foundation
import MediaCore
import Synchronization
import Testing
@testable import Origin

/// The origin's `now` is injected: live manifests and `/time` follow the clock they are given, so timing
/// that is behaviour is asserted exactly instead of against the wall clock.
@Suite struct InjectedClockTests {
    /// A clock the test sets and moves.
    final class ManualClock: Sendable {
        private let seconds: Mutex<Double>
        init(_ seconds: Double) { self.seconds = Mutex(seconds) }
        func advance(by delta: Double) { seconds.withLock { $0 += delta } }
        var read: @Sendable () -> Double { { self.seconds.withLock { $0 } } }
    }

    static func attribute(_ name: String, in mpd: String) -> String? {
        mpd.firstMatch(of: try! Regex("\(name)=\"([^\"]+)\"")).flatMap { $0.output[1].substring.map(String.init) }
    }

    static func date(_ text: String) throws -> Double {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        return try #require(formatter.date(from: text) ?? plain.date(from: text), "not ISO 8601: \(text)").timeIntervalSince1970
    }

    @Test func liveManifestsAndTimeFollowTheInjectedClock() async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        // 14 Nov 2023 22:13:20.250 UTC; three 6 s segments, no recorded start: the packager derives the
        // availability start as now minus the end of the newest segment.
        let clock = ManualClock(1_700_000_000.25)
        let index = StaticIndex(live: [SafeName("cam1")!: MediaListing(renditions: [sampleRendition("video-360p", kind: .video)],
                                                                         targetDurationSeconds: 6)])
        try await withOrigin(configuration: OriginConfiguration(port: 0), dataDirectory: data.url, index: index,
                             renderer: PackagingRenderer(), clock: clock.read) { port, _ in
            let time = try await fetch(port, "/time")
            #expect(time.text == "2023-11-14T22:13:20.250Z")

            let first = try await fetch(port, "/live/cam1/manifest.mpd")
            #expect(first.status == 200, "\(first.text)")
            let published = try #require(Self.attribute("publishTime", in: first.text), "\(first.text)")
            let start = try #require(Self.attribute("availabilityStartTime", in: first.text), "\(first.text)")
            #expect(abs(try Self.date(published) - 1_700_000_000.25) < 0.001, "publishTime \(published)")
            #expect(abs(try Self.date(start) - (1_700_000_000.25 - 18)) < 0.001, "availabilityStartTime \(start)")

            // Nine seconds later (no new segment): the publish time moves with the clock, the time shown
            // by /time too.
            clock.advance(by: 9)
            let later = try await fetch(port, "/live/cam1/manifest.mpd")
            let republished = try #require(Self.attribute("publishTime", in: later.text))
            #expect(abs(try Self.date(republished) - 1_700_000_009.25) < 0.001, "publishTime \(republished)")
            #expect(try await fetch(port, "/time").text == "2023-11-14T22:13:29.250Z")
        }
    }
}
