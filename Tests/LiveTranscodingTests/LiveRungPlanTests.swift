import MediaCore
import Testing
@testable import LiveTranscoding

/// The pure decisions of live transcode: which rungs a source gets, at what size and rate, and when the
/// encoders are far enough behind real time to shed one.
@Suite struct LiveRungPlanTests {
    @Test func rungsAboveTheSourceAreLeftOutAndSizesFollowItsAspect() {
        let plan = LiveRungPlan(ladder: LiveTranscodeLadder(rungs: [360, 1080, 480, 720]), sourceWidth: 1280, sourceHeight: 720,
                                frameRate: Rational(30, 1))
        #expect(plan.aboveSource == [1080])
        #expect(plan.rungs.map(\.height) == [720, 480, 360])
        #expect(plan.rungs.map(\.width) == [1280, 854, 640])
        #expect(plan.rungs.map(\.id.rawValue) == ["video-720p", "video-480p", "video-360p"])
        // The standard ladder's bitrates, VBV peak above the target.
        #expect(plan.rungs.map(\.bitrateKbps) == [3000, 1400, 800])
        #expect(plan.rungs.allSatisfy { $0.maxrateKbps > $0.bitrateKbps && $0.frameRate == Rational(30, 1) })
        #expect(LiveRungPlan.mostExpensive(plan.rungs.map(\.height)) == 720)
    }

    @Test func aHeightBetweenLadderStepsGetsAnInterpolatedBitrate() {
        let plan = LiveRungPlan(ladder: LiveTranscodeLadder(rungs: [540]), sourceWidth: 1920, sourceHeight: 1080, frameRate: Rational(25, 1))
        let rung = try! #require(plan.rungs.first)
        #expect(rung.width == 960 && rung.height == 540)
        #expect(rung.bitrateKbps > 1400 && rung.bitrateKbps < 3000)
    }

    @Test func ladderValidation() {
        #expect(LiveTranscodeLadder.problem(rungs: [720, 480]) == nil)
        #expect(LiveTranscodeLadder.problem(rungs: [721])?.contains("even") == true)
        #expect(LiveTranscodeLadder.problem(rungs: [100])?.contains("144") == true)
        #expect(LiveTranscodeLadder(rungs: [360, 720, 360]).rungs == [720, 360])
    }

    @Test func shedsOnlyOverBudgetAndThenLetsTheBacklogSettle() {
        var policy = ShedPolicy(budgetSeconds: 1, settleSeconds: 3)
        // (lag, time) -> shed?  Still behind right after a shed: that rung's share of the machine has not
        // shown yet, so the next one waits for the settle time.
        let steps: [(Double, Double, Bool)] = [(0.9, 0, false), (1.2, 1, true), (1.5, 2, false), (1.5, 3.9, false),
                                               (1.5, 4.1, true), (0.5, 10, false)]
        var decisions: [Bool] = []
        for (lag, now, _) in steps { decisions.append(policy.shouldShed(lagSeconds: lag, now: now)) }
        #expect(decisions == steps.map(\.2))
    }
}
