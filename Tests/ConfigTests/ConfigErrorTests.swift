import Foundation
import Testing
@testable import Config

@Suite struct ConfigErrorTests {
    private func loadError(_ yaml: String, environment: [String: String] = [:]) throws -> ConfigError? {
        let sandbox = try ConfigSandbox()
        try sandbox.write("bad.yaml", yaml)
        return #expect(throws: ConfigError.self) { try sandbox.loader(environment).load(file: "bad.yaml") }
    }

    @Test func unknownKeyNamesFileLineKeyAndSuggestion() throws {
        let error = try loadError("data_dir: ./d\nhttp:\n  host: 127.0.0.1\n  prot: 9000\n")
        #expect(error == .unknownKey(origin: "bad.yaml:4:3", key: "http.prot", suggestion: "http.port"))
        #expect(error?.description == "bad.yaml:4:3: unknown key 'http.prot' (did you mean 'http.port'?)")
    }

    @Test func unknownSectionAndFarOffKey() throws {
        #expect(try loadError("htpp:\n  port: 1\n") == .unknownKey(origin: "bad.yaml:1:1", key: "htpp", suggestion: "http"))
        #expect(try loadError("colour: blue\n") == .unknownKey(origin: "bad.yaml:1:1", key: "colour", suggestion: nil))
        // A key of one section written in another is still unknown there.
        #expect(try loadError("rtmp:\n  workers: 2\n") == .unknownKey(origin: "bad.yaml:2:3", key: "rtmp.workers", suggestion: nil))
    }

    @Test func wrongTypesNameKeyAndWhatWasFound() throws {
        let port = try loadError("http:\n  port: abc\n")
        #expect(port == .wrongType(origin: "bad.yaml:2:9", key: "http.port", expected: "an integer from 0 to 65535", found: "'abc'"))
        #expect(port?.description == "bad.yaml:2:9: 'http.port' must be an integer from 0 to 65535, found 'abc'")
        #expect(try loadError("http:\n  port: 70000\n").map(\.description)?.contains("70000") == true)
        #expect(try loadError("http:\n  port: \"8080\"\n").map(\.description)?
                .hasSuffix("'http.port' must be an integer from 0 to 65535, found the quoted string \"8080\" (remove the quotes for a number)") == true)
        #expect(try loadError("http: 5\n").map(\.description)?.contains("'http' must be a mapping") == true)
        #expect(try loadError("live:\n  dvr_window_seconds: [1, 2]\n").map(\.description)?.contains("found a list") == true)
        #expect(try loadError("data_dir:\n").map(\.description)?.contains("'data_dir' must be a non-empty string") == true)
        #expect(try loadError("log:\n  level: loud\n").map(\.description)?.contains("one of trace, debug, info") == true)
        #expect(try loadError("http:\n  max_upload_bytes: lots\n").map(\.description)?.contains("size in bytes") == true)
        #expect(try loadError("- a\n- b\n").map(\.description)?.contains("(top level)") == true)
    }

    @Test func duplicateKeysAreErrors() throws {
        // Yams refuses duplicate keys itself; the message still names the file and the key.
        let error = try loadError("http:\n  port: 1\n  port: 2\n")
        guard case .invalidYAML(let path, let detail)? = error else {
            Issue.record("expected invalidYAML, got \(String(describing: error))")
            return
        }
        #expect(path == "bad.yaml")
        #expect(detail.contains("duplicated key") && detail.contains("port"))
    }

    @Test func invalidYAMLNamesTheFile() throws {
        let error = try loadError("http: [unclosed\n")
        guard case .invalidYAML(let path, let detail)? = error else {
            Issue.record("expected invalidYAML, got \(String(describing: error))")
            return
        }
        #expect(path == "bad.yaml")
        #expect(!detail.isEmpty && !detail.contains("\n"))
    }

    @Test func badEnvironmentValueNamesTheVariable() throws {
        let sandbox = try ConfigSandbox()
        let error = #expect(throws: ConfigError.self) {
            try sandbox.loader(["MEDIASERVE_INGEST_WORKERS": "zero"]).load()
        }
        #expect(error?.description == "environment variable MEDIASERVE_INGEST_WORKERS: 'ingest.workers' must be an integer from 1 to 64, found 'zero'")
        // Variables that are not configuration keys (e.g. the test media folder) are left alone.
        #expect(try sandbox.loader(["MEDIASERVE_MEDIA_DIR": "/x"]).load().config == .defaults)
    }

    @Test func badFlagNamesTheFlag() throws {
        let sandbox = try ConfigSandbox()
        var flags = ConfigOverrides()
        try flags.set(assignment: "ingest.wrokers=2")
        let error = #expect(throws: ConfigError.self) { try sandbox.loader().load(overrides: flags) }
        #expect(error == .unknownKey(origin: "flag --set ingest.wrokers=2", key: "ingest.wrokers", suggestion: "ingest.workers"))
    }
}

@Suite struct LadderFileTests {
    @Test func parsesTheShippedShape() throws {
        let ladder = try LadderConfig.parse("""
            segment_seconds: 2.5
            preset: fast
            max_frame_rate: 30
            audio: { codec: aac-lc, bitrate_kbps: 96, sample_rate: 44100, channels: 1 }
            rungs:
              - { height: 360, video_kbps: 800, profile: main }
              - { height: 720, video_kbps: 3000, profile: high }
            """, file: "l.yaml")
        #expect(ladder.segmentSeconds == 2.5 && ladder.preset == "fast" && ladder.maxFrameRate == 30)
        #expect(ladder.audio == LadderAudio(codec: "aac-lc", bitrateKbps: 96, sampleRate: 44_100, channels: 1))
        #expect(ladder.rungs.map(\.videoKbps) == [800, 3000])
    }

    @Test func rejectsMistakesWithKeyPaths() throws {
        func error(_ text: String) -> String {
            do {
                _ = try LadderConfig.parse(text, file: "l.yaml")
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        #expect(error("rungs:\n  - { heigth: 360, video_kbps: 800, profile: main }\n")
                == "l.yaml:2:7: unknown key 'rungs[0].heigth' (did you mean 'rungs[0].height'?)")
        #expect(error("rungs:\n  - { height: 720, video_kbps: 800, profile: main }\n  - { height: 360, video_kbps: 800, profile: main }\n")
                .contains("'rungs[1].height' must be greater than the previous rung's 720"))
        #expect(error("rungs:\n  - { height: 361, video_kbps: 800, profile: main }\n").contains("must be even"))
        #expect(error("rungs:\n  - { height: 360, video_kbps: 800, profile: ultra }\n").contains("'rungs[0].profile' must be one of baseline, main, high"))
        #expect(error("rungs:\n  - { height: 360, profile: main }\n").contains("needs height, video_kbps and profile"))
        #expect(error("rungs: []\n").contains("non-empty list"))
        #expect(error("segment_seconds: 6\n").contains("'rungs' is missing"))
        #expect(error("audio:\n  codec: opus\nrungs:\n  - { height: 360, video_kbps: 800, profile: main }\n")
                .contains("'audio.codec' must be one of aac-lc"))
        #expect(error("segment_second: 6\nrungs:\n  - { height: 360, video_kbps: 800, profile: main }\n")
                .contains("did you mean 'segment_seconds'"))
    }
}
