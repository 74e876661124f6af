import Ingest
import MediaCore

/// The rungs of one live stream fitted to its source (pure): sizes and bitrates as VOD's ladder planner
/// gives them (`LadderPlanner.rendition`, bitrates from the standard ladder, interpolated between its
/// heights), and the heights dropped for being above the source (never upscaled).
public struct LiveRungPlan: Sendable, Equatable {
    public var rungs: [VideoRenditionPlan]
    public var aboveSource: [Int]

    public init(ladder: LiveTranscodeLadder, sourceWidth: Int, sourceHeight: Int, frameRate: Rational) {
        let fitting = ladder.rungs.filter { $0 <= sourceHeight }
        aboveSource = ladder.rungs.filter { $0 > sourceHeight }
        let chosen = (try? DefaultLadder.select(heights: fitting, from: LadderRung.standardLadder)) ?? []
        rungs = chosen.sorted { $0.height > $1.height }.map {
            var plan = LadderPlanner.rendition(for: $0, displayWidth: sourceWidth, displayHeight: sourceHeight, frameRate: frameRate)
            plan.id = LiveTranscodeLadder.renditionID(height: $0.height)
            return plan
        }
    }

    /// Every rung costs about its pixel count to encode: the most expensive is the largest.
    public static func mostExpensive(_ heights: [Int]) -> Int? { heights.max() }
}
