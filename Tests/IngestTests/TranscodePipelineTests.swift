import Foundation
import Ingest
import MediaCore
import Testing
import TestSupport
@testable import FFmpegKit

/// Runs the real pipeline on generated sources and checks what ffprobe and our fragment reader see.
@Suite(.serialized)
struct TranscodePipelineTests {
    static let fast = TranscodeSettings(preset: "ultrafast", encoderThreads: 1, queueCapacity: 4)

    func transcode(_ source: URL, rungs: [Int], settings: TranscodeSettings = fast) throws -> (IngestPlan, [RenditionIndex], URL) {
        let input = try InputFile(path: source.path)
        let ladder = try DefaultLadder.select(heights: rungs, from: DefaultLadder.rungs)
        let plan = try LadderPlanner.plan(source: input.ingestProbe(), ladder: ladder)
        let out = TestSources.scratch(source.deletingPathExtension().lastPathComponent)
        let index = try TranscodePipeline(plan: plan, settings: settings).run(source: source.path, into: out)
        return (plan, index, out)
    }

    @Test func alignedLadderFromSmallSource() throws {
        let (plan, index, out) = try transcode(try TestSources.small13s(), rungs: [270, 180])
        print(plan)
        for r in index { print(r.rendition, r.segments) }
        _ = out
    }
}
