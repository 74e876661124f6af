import Foundation
import Testing
@testable import Config

/// The `srt:` section: defaults, every source (file, environment, flags), its checks and its secret.
@Suite struct SRTConfigTests {
    @Test func defaultsListenOnThisMachineOnPort9000() throws {
        let srt = try ConfigSandbox().loader().load().config.srt
        #expect(srt == MediaServeConfig.SRT(enabled: true, host: "127.0.0.1", port: 9000, latencyMilliseconds: 120, passphrase: nil))
    }

    @Test func fileEnvironmentAndFlagsSetEveryKey() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write("srt.yaml", "srt:\n  enabled: false\n  host: 0.0.0.0\n  latency_ms: 400\n  passphrase: \"from the file!\"\n")
        let fromFile = try sandbox.loader().load(file: "srt.yaml")
        #expect(fromFile.config.srt == MediaServeConfig.SRT(enabled: false, host: "0.0.0.0", port: 9000, latencyMilliseconds: 400,
                                                           passphrase: "from the file!"))
        #expect(fromFile.sources["srt.latency_ms"] == .file("srt.yaml"))

        var flags = ConfigOverrides()
        try flags.set(assignment: "srt.port=0")
        try flags.set(assignment: "srt.enabled=yes")
        let loaded = try sandbox.loader(["MEDIASERVE_SRT_PORT": "9999", "MEDIASERVE_SRT_PASSPHRASE": "null",
                                         "MEDIASERVE_SRT_ENABLED": "off", "MEDIASERVE_SRT_LATENCY_MS": "2000"])
            .load(file: "srt.yaml", overrides: flags)
        #expect(loaded.config.srt == MediaServeConfig.SRT(enabled: true, host: "0.0.0.0", port: 0, latencyMilliseconds: 2000, passphrase: nil))
        #expect(loaded.sources["srt.port"] == .flag("--set srt.port=0"))
        #expect(loaded.sources["srt.passphrase"] == .environment("MEDIASERVE_SRT_PASSPHRASE"))
    }

    @Test func mistakesAreNamed() throws {
        let sandbox = try ConfigSandbox()
        func error(_ yaml: String) throws -> String? {
            try sandbox.write("bad.yaml", yaml)
            return #expect(throws: ConfigError.self) { try sandbox.loader().load(file: "bad.yaml") }?.description
        }
        #expect(try error("srt:\n  passphrase: short\n")
                == "bad.yaml:2:15: 'srt.passphrase' must be null or a string of 10 to 79 characters, found 'short'")
        #expect(try error("srt:\n  enabled: maybe\n") == "bad.yaml:2:12: 'srt.enabled' must be true or false, found 'maybe'")
        #expect(try error("srt:\n  enabled: \"true\"\n")?.contains("must be true or false") == true)
        #expect(try error("srt:\n  prot: 9000\n") == "bad.yaml:2:3: unknown key 'srt.prot' (did you mean 'srt.port'?)")
        #expect(try error("srt:\n  latency_ms: -1\n")?.contains("an integer from 0 to 60000") == true)
        #expect(throws: ConfigError.self) { try sandbox.loader(["MEDIASERVE_SRT_ENABLED": "2"]).load() }
    }

    @Test func passphraseIsMaskedWhenPrinted() throws {
        let loaded = try ConfigSandbox().loader(["MEDIASERVE_SRT_PASSPHRASE": "open-sesame-123"]).load()
        #expect(loaded.config.srt.passphrase == "open-sesame-123")
        for text in [loaded.renderYAML(), try loaded.renderJSON()] {
            #expect(!text.contains("open-sesame"))
        }
        #expect(loaded.renderYAML().contains("srt:\n  enabled: true"))
        #expect(loaded.renderYAML().contains("  passphrase: \"\(LoadedConfig.mask)\""))
    }
}
