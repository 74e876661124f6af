import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Packaging

/// Random but valid live and VOD indexes (restarts with and without a clock reset, odd durations,
/// windows, filters): every manifest must pass the HLS rules and the XSD, list only real segments, and
/// place segment N of every rendition at the same presentation time.
@Suite struct RandomPresentationTests {
    static func scenario(_ rng: inout SplitMix64) -> ManifestRequest {
        let kinds: [PresentationKind] = [.vod, .liveSlidingWindow, .liveEvent, .liveEnded]
        let kind = kinds.randomElement(using: &rng)!
        let count = Int.random(in: 1...40, using: &rng)
        let firstNumber = Int.random(in: 1...1000, using: &rng)
        // Per segment: media start (seconds on the encoder clock), duration, wall clock; restarts reset or keep
        // the encoder clock and leave a gap on the wall clock.
        var mediaStart: [Double] = [], durations: [Double] = [], wall: [Double] = []
        var restarts: Set<Int> = []
        var clock = 0.0, wallClock = Synthetic.ast + Double(firstNumber) * 6
        for i in 0..<count {
            if i > 0, Int.random(in: 0..<8, using: &rng) == 0 {
                restarts.insert(firstNumber + i)
                if Bool.random(using: &rng) { clock = 0 }
                wallClock += Double(Int.random(in: 0...20, using: &rng))
            }
            let duration = Double(Int.random(in: 1000...8000, using: &rng)) / 1000
            mediaStart.append(clock); durations.append(duration); wall.append(wallClock)
            clock += duration; wallClock += duration
        }
        var renditions = Array(Synthetic.ladder.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng)))
        if renditions.isEmpty || Bool.random(using: &rng) { renditions.append(Synthetic.audio) }
        let withClock = kind != .vod || Bool.random(using: &rng)
        let indexes = renditions.map { r in
            let ts = Double(r.timescale)
            // Audio boundaries snap up to whole 1024-sample frames, as an AAC encoder's do.
            let snap: (Double) -> Int64 = { s in
                let raw = Int64((s * ts).rounded())
                return r.kind == .audio ? (raw + 1023) / 1024 * 1024 : raw
            }
            var segments: [SegmentInfo] = []
            for i in 0..<count {
                let number = firstNumber + i
                let continues = i > 0 && !restarts.contains(number)
                let start = continues ? segments[i - 1].start + segments[i - 1].duration : snap(mediaStart[i])
                let end = max(start + 1, snap(mediaStart[i] + durations[i]))
                segments.append(SegmentInfo(number: number, start: start, duration: end - start, size: 1000,
                                            discontinuity: restarts.contains(number), programDateTime: withClock ? wall[i] : nil))
            }
            return RenditionIndex(rendition: r, segments: segments)
        }
        var query = ManifestQuery()
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: query.start = .offset(Double(Int.random(in: 0...200, using: &rng)))
        case 1: query.end = .offset(Double(Int.random(in: 1...200, using: &rng)))
        case 2: query.maxHeight = [360, 720, 1080].randomElement(using: &rng)
        case 3: query.start = .wallClock(wall[0] + Double(Int.random(in: 0...100, using: &rng)))
        default: break
        }
        let lastWall = wall[count - 1] + durations[count - 1]
        return ManifestRequest(renditions: indexes, kind: kind, query: query, dvrWindow: Double(Int.random(in: 10...300, using: &rng)),
                               hlsLiveSegmentCount: [nil, 3, 10].randomElement(using: &rng)!,
                               hlsTargetDuration: kind == .vod ? nil : 8, now: lastWall + 1,
                               availabilityStartTime: kind == .vod ? nil : Synthetic.ast, urls: ManifestURLs(utcTimingURL: "/time"))
    }

    @Test func randomPresentationsObeyTheRules() throws {
        // MEDIASERVE_RANDOM_SEED replays or explores other seeds; the default keeps CI deterministic.
        let seed = ProcessInfo.processInfo.environment["MEDIASERVE_RANDOM_SEED"].flatMap { UInt64($0) } ?? 2026
        var rng = SplitMix64(state: seed)
        var built = 0, successions = 0
        for round in 0..<150 {
            let request = Self.scenario(&rng)
            let set: ManifestSet
            do {
                set = try ManifestSet(request, label: "random \(round) \(request.kind)")
            } catch PackagingError.emptyWindow, PackagingError.noRenditionsLeft, PackagingError.invalidQuery {
                continue
            }
            built += 1
            // A live playlist fetched a little earlier must be a valid predecessor of this one.
            if request.kind == .liveSlidingWindow || request.kind == .liveEvent, !request.query.hasTimeWindow {
                var earlier = request
                let drop = Int.random(in: 1...3, using: &rng)
                earlier.renditions = request.renditions.map { RenditionIndex(rendition: $0.rendition, segments: Array($0.segments.dropLast(drop))) }
                guard earlier.renditions.allSatisfy({ !$0.segments.isEmpty }),
                      let before = try? ManifestSet(earlier, label: "random \(round) earlier") else { continue }
                for (id, _, new) in set.media {
                    guard let old = before.playlist(id), !old.segments.isEmpty, !new.segments.isEmpty,
                          Set(old.segments.map(\.uri)).intersection(new.segments.map(\.uri)).count > 0 else { continue }
                    let problems = ParsedMediaPlaylist.succession(old, new)
                    successions += 1
                    #expect(problems.isEmpty, "round \(round) \(id): \(problems)")
                }
            }
            // Segment N plays at the same time in every rendition (audio may differ by < one AAC frame).
            var times: [Int: Double] = [:]
            for index in set.timeline.periods.flatMap({ $0.segments.values }) {
                for s in index {
                    if let t = times[s.number] {
                        #expect(abs(t - s.presentation) < 0.03, "round \(round): segment \(s.number) at \(t) and \(s.presentation)")
                    } else { times[s.number] = s.presentation }
                }
            }
        }
        #expect(successions >= 50, "only \(successions) live playlist pairs compared")
        #expect(built >= 100, "only \(built) of 150 random requests produced manifests")
    }
}
