import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Config

/// The streams file named by `live.streams_file`: what it accepts, and one clear line (file:line, key path)
/// for each way it can be wrong, never with a key's value in it.
@Suite struct LiveStreamsFileTests {
    static let keyA = "aaaaaaaaaaaaaaaa-1111"
    static let keyB = "bbbbbbbbbbbbbbbb.2222"

    private func streams(_ yaml: String, environment: [String: String] = [:]) throws -> [ConfiguredLiveStream] {
        let sandbox = try ConfigSandbox()
        try sandbox.write("live/streams.yaml", yaml)
        var config = MediaServeConfig.defaults
        config.live.streamsFile = "live/streams.yaml"
        return try sandbox.loader(environment).loadLiveStreams(config, source: .flag("--set"))
    }

    private func error(_ yaml: String, environment: [String: String] = [:]) throws -> String {
        let caught = #expect(throws: ConfigError.self) { try streams(yaml, environment: environment) }
        let text = caught?.description ?? ""
        #expect(!text.contains(Self.keyA) && !text.contains(Self.keyB), "a key leaked into: \(text)")
        return text
    }

    @Test func goodFileWithKeyAndKeyEnv() throws {
        let read = try streams("""
            streams:
              - id: lobby
                key: \(Self.keyA)
              - id: talk-2
                key_env: TALK_KEY
                mode: event
                dvr_window_seconds: 600
            """, environment: ["TALK_KEY": Self.keyB])
        #expect(read.map(\.id.rawValue) == ["lobby", "talk-2"])
        #expect(read.map(\.key) == [Self.keyA, Self.keyB])
        #expect(read.map(\.eventMode) == [false, true])
        #expect(read.map(\.dvrWindowSeconds) == [nil, 600])
        #expect(read[1].origin == "live/streams.yaml:4:5")
        #expect(!read[1].description.contains(Self.keyB))
        #expect(try streams("") == [])
        #expect(try streams("streams:\n") == [])
    }

    @Test func backupKeyAndLowLatency() throws {
        let read = try streams("""
            streams:
              - id: lobby
                key: \(Self.keyA)
                backup_key_env: LOBBY_BACKUP
                low_latency: true
              - id: talk
                key: \(Self.keyB)
            """, environment: ["LOBBY_BACKUP": "cccccccccccccccc-3333"])
        #expect(read.map(\.backupKey) == ["cccccccccccccccc-3333", nil])
        #expect(read.map(\.lowLatency) == [true, nil])
        #expect(!read[0].description.contains("cccc"))
        let same = try error("streams:\n  - id: one\n    key: \(Self.keyA)\n    backup_key: \(Self.keyA)\n")
        #expect(same == "live/streams.yaml:2:5: 'streams[0].backup_key' is the same as a key of 'one' (live/streams.yaml:2:5): every publisher needs its own key")
        let other = try error("streams:\n  - id: one\n    key: \(Self.keyA)\n  - id: two\n    key: \(Self.keyB)\n    backup_key: \(Self.keyA)\n")
        #expect(other.contains("'streams[1].backup_key' is the same as a key of 'one'"))
        #expect(try error("streams:\n  - id: one\n    key: \(Self.keyA)\n    low_latency: maybe\n").contains("streams[0].low_latency"))
    }

    @Test func unknownKeySuggestsTheNearOne() throws {
        let text = try error("streams:\n  - id: lobby\n    key: \(Self.keyA)\n    dvr_window_secs: 60\n")
        #expect(text == "live/streams.yaml:4:5: unknown key 'streams[0].dvr_window_secs' (did you mean 'streams[0].dvr_window_seconds'?)")
        #expect(try error("stream:\n  - id: a\n") == "live/streams.yaml:1:1: unknown key 'stream' (did you mean 'streams'?)")
    }

    @Test func duplicateIdAndDuplicateKeyNameBothEntries() throws {
        let id = try error("streams:\n  - id: cam\n    key: \(Self.keyA)\n  - id: cam\n    key: \(Self.keyB)\n")
        #expect(id == "live/streams.yaml:4:5: 'streams[1].id' 'cam' is already listed at live/streams.yaml:2:5: ids must be unique")
        let key = try error("streams:\n  - id: one\n    key: \(Self.keyA)\n  - id: two\n    key_env: K\n", environment: ["K": Self.keyA])
        #expect(key == "live/streams.yaml:4:5: 'streams[1].key' is the same as the key of 'one' (live/streams.yaml:2:5): every stream needs its own key")
    }

    @Test func badModeIdWindowAndKey() throws {
        #expect(try error("streams:\n  - id: cam\n    key: \(Self.keyA)\n    mode: loop\n")
                == "live/streams.yaml:4:11: 'streams[0].mode' must be one of sliding, event, found 'loop'")
        #expect(try error("streams:\n  - id: Cam/1\n    key: \(Self.keyA)\n").hasPrefix("live/streams.yaml:2:9: 'streams[0].id' must be a stream id of a-z, 0-9"))
        #expect(try error("streams:\n  - id: cam\n    key: \(Self.keyA)\n    dvr_window_seconds: 0\n")
                .contains("'streams[0].dvr_window_seconds' must be an integer from 1 to 2592000, found '0'"))
        #expect(try error("streams:\n  - id: cam\n    key: short\n")
                == "live/streams.yaml:2:5: 'streams[0].key' must be 16 to 128 characters long, found 5")
        #expect(try error("streams:\n  - id: cam\n    key: \"abcdefghijklmnop?x=1\"\n")
                .contains("must use only letters, digits, '-', '_' and '.'"))
        #expect(try error("streams:\n  - id: cam\n").contains("'streams[0].key' is missing"))
        #expect(try error("streams:\n  - id: cam\n    key: \(Self.keyA)\n    key_env: K\n", environment: ["K": Self.keyB])
                .contains("has both key and key_env"))
        #expect(try error("streams:\n  - key: \(Self.keyA)\n").contains("'streams[0].id' is missing"))
        #expect(try error("streams: lobby\n").contains("'streams' must be a list of streams"))
    }

    @Test func keyEnvNamingAnUnsetVariableSaysWhich() throws {
        let text = try error("streams:\n  - id: cam\n    key_env: CAM_STREAM_KEY\n")
        #expect(text == "live/streams.yaml:2:5: 'streams[0].key_env' names environment variable CAM_STREAM_KEY, which is not set: export it before starting mediaserve")
        #expect(try error("streams:\n  - id: cam\n    key_env: K\n", environment: ["K": "tooshort"])
                .contains("'streams[0].key_env' (from environment variable K) must be 16 to 128 characters long, found 8"))
    }

    @Test func missingFileAndNoFile() throws {
        let sandbox = try ConfigSandbox()
        var config = MediaServeConfig.defaults
        #expect(try sandbox.loader().loadLiveStreams(config, source: .builtIn) == [])
        config.live.streamsFile = "nope.yaml"
        #expect(throws: ConfigError.fileNotFound(path: "nope.yaml", namedBy: "key 'live.streams_file' (flag --set)")) {
            try sandbox.loader().loadLiveStreams(config, source: .flag("--set"))
        }
    }

    /// The shipped example parses, with its key_env variable set (and names it when it is not).
    @Test func shippedExampleIsValid() throws {
        let url = TestMedia.packageRoot.appendingPathComponent("config/live-streams.example.yaml")
        let read = try LiveStreamsFileReader.load(contentsOf: url, displayPath: "example",
                                                  environment: ["MEDIASERVE_LOBBY_STREAM_KEY": Self.keyA])
        #expect(read.map(\.id.rawValue) == ["lobby", "keynote"])
        #expect(read.map(\.eventMode) == [false, true])
        #expect(throws: ConfigError.self) { try LiveStreamsFileReader.load(contentsOf: url, environment: [:]) }
        #expect(MediaServeConfig.defaults.live.streamsFile == nil)
    }

    /// `mediaserve config` shows the key (the file's path), never a stream key.
    @Test func configRenderingShowsThePath() throws {
        let sandbox = try ConfigSandbox()
        let loaded = try sandbox.loader(["MEDIASERVE_LIVE_STREAMS_FILE": "live/streams.yaml"]).load()
        #expect(loaded.config.live.streamsFile == "live/streams.yaml")
        #expect(loaded.renderYAML().contains("  streams_file: \"live/streams.yaml\""))
        #expect(loaded.sources["live.streams_file"] == .environment("MEDIASERVE_LIVE_STREAMS_FILE"))
        let json = try loaded.renderJSON()
        #expect(json.contains("\"streams_file\" : \"live/streams.yaml\""))
    }
}
