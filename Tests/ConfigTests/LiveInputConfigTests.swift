import Foundation
import Testing
@testable import Config

/// Issue 15's live keys: redundant inputs (`live.input_loss_seconds`, `live.failback`) and the part target
/// under its issue name `live.low_latency.part_seconds`, with `part_milliseconds` kept as a working alias.
@Suite struct LiveInputConfigTests {
    @Test func defaults() throws {
        let live = try ConfigSandbox().loader().load().config.live
        #expect(live.inputLossSeconds == 2 && live.failback == "auto")
        #expect(live.lowLatencyPartSeconds == 0.5 && live.lowLatencyPartMilliseconds == 500)
        #expect(live.partSeconds == nil, "low latency is off by default")
    }

    @Test func partSecondsAndItsDeprecatedAliasSetOneValue() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write("ll.yaml", "live:\n  input_loss_seconds: 1.5\n  failback: manual\n  low_latency:\n    enabled: true\n    part_seconds: 0.25\n")
        let fromFile = try sandbox.loader().load(file: "ll.yaml").config.live
        #expect(fromFile.inputLossSeconds == 1.5 && fromFile.failback == "manual")
        #expect(fromFile.partSeconds == 0.25 && fromFile.lowLatencyPartMilliseconds == 250)
        // The old name still works, from the environment too, and reads back under both names.
        let alias = try sandbox.loader(["MEDIASERVE_LIVE_LOW_LATENCY_PART_MILLISECONDS": "200"]).load(file: "ll.yaml")
        #expect(alias.config.live.lowLatencyPartSeconds == 0.2)
        var flags = ConfigOverrides()
        try flags.set(assignment: "live.low_latency.part_seconds=1")
        #expect(try sandbox.loader().load(file: "ll.yaml", overrides: flags).config.live.lowLatencyPartSeconds == 1)
        let rendered = try sandbox.loader().load(file: "ll.yaml").renderYAML()
        #expect(rendered.contains("part_seconds: 0.25") && rendered.contains("input_loss_seconds: 1.5"), "\(rendered)")
    }

    @Test func mistakesAreNamed() throws {
        let sandbox = try ConfigSandbox()
        func error(_ yaml: String) throws -> String? {
            try sandbox.write("bad.yaml", yaml)
            return #expect(throws: ConfigError.self) { try sandbox.loader().load(file: "bad.yaml") }?.description
        }
        #expect(try error("live:\n  failback: sometimes\n")?.contains("one of auto, manual") == true)
        #expect(try error("live:\n  input_loss_seconds: 0\n")?.contains("a number from 0.5 to 60.0") == true)
        #expect(try error("live:\n  low_latency:\n    part_seconds: \"half\"\n")?.contains("part_seconds") == true)
    }
}
