import Foundation
import Testing
import TestSupport
@testable import Config

/// A temporary working directory with optional config files in it, removed at deinit.
final class ConfigSandbox {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func loader(_ environment: [String: String] = [:]) -> ConfigLoader {
        ConfigLoader(environment: environment, currentDirectory: directory)
    }
}

@Suite struct ConfigPrecedenceTests {
    @Test func builtInDefaultsWhenThereIsNoFile() throws {
        let sandbox = try ConfigSandbox()
        let loaded = try sandbox.loader().load()
        #expect(loaded.config == MediaServeConfig.defaults)
        #expect(loaded.file == nil)
        #expect(loaded.ladderFile == nil)
        #expect(loaded.ladder == LadderConfig.default)
        #expect(Set(loaded.sources.values) == [.builtIn])
        #expect(loaded.sources.count == ConfigSchema.fields.count)
    }

    @Test func committedFilesStateTheDefaults() throws {
        // config/mediaserve.yaml and config/ladder.yaml document the built-in values: they must agree.
        let loader = ConfigLoader(environment: [:], currentDirectory: TestMedia.packageRoot)
        let loaded = try loader.load()
        #expect(loaded.file == "config/mediaserve.yaml")
        #expect(loaded.ladderFile == "config/ladder.yaml")
        #expect(loaded.config == MediaServeConfig.defaults)
        #expect(loaded.ladder == LadderConfig.default)
        #expect(loaded.sources["http.port"] == .file("config/mediaserve.yaml"))
        #expect(loaded.ladder.rungs.map(\.height) == [360, 480, 720, 1080, 1440, 2160])
        #expect(loaded.ladder.rungs.first?.profile == .main && loaded.ladder.rungs.last?.profile == .high)
        #expect(loaded.config.http.maxUploadBytes == 10 * 1_073_741_824)
    }

    @Test func fileThenEnvironmentThenFlags() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write("custom.yaml", """
            data_dir: /srv/file-data
            http:
              port: 8081
              host: 0.0.0.0
            log:
              level: warning
            """)
        var flags = ConfigOverrides()
        flags.set("http.port", "8083", flag: "--port")

        let fileOnly = try sandbox.loader().load(file: "custom.yaml")
        #expect(fileOnly.config.http.port == 8081)
        #expect(fileOnly.sources["http.port"] == .file("custom.yaml"))
        #expect(fileOnly.config.rtmp.port == 1935)
        #expect(fileOnly.sources["rtmp.port"] == .builtIn)

        let environment = ["MEDIASERVE_HTTP_PORT": "8082", "MEDIASERVE_DATA_DIR": "/srv/env-data"]
        let withEnv = try sandbox.loader(environment).load(file: "custom.yaml")
        #expect(withEnv.config.http.port == 8082)
        #expect(withEnv.config.dataDir == "/srv/env-data")
        #expect(withEnv.config.http.host == "0.0.0.0")
        #expect(withEnv.config.log.level == .warning)
        #expect(withEnv.sources["http.port"] == .environment("MEDIASERVE_HTTP_PORT"))

        let withFlags = try sandbox.loader(environment).load(file: "custom.yaml", overrides: flags)
        #expect(withFlags.config.http.port == 8083)
        #expect(withFlags.sources["http.port"] == .flag("--port"))
        #expect(withFlags.config.dataDir == "/srv/env-data")
    }

    @Test func environmentNamesTheConfigFileAndTheDefaultFileIsFound() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write("config/mediaserve.yaml", "http:\n  port: 7001\n")
        try sandbox.write("other.yaml", "http:\n  port: 7002\n")
        #expect(try sandbox.loader().load().config.http.port == 7001)
        #expect(try sandbox.loader(["MEDIASERVE_CONFIG": "other.yaml"]).load().config.http.port == 7002)
        #expect(try sandbox.loader(["MEDIASERVE_CONFIG": "other.yaml"]).load(file: "config/mediaserve.yaml").config.http.port == 7001)
        #expect(throws: ConfigError.fileNotFound(path: "missing.yaml", namedBy: "--config")) {
            try sandbox.loader().load(file: "missing.yaml")
        }
    }

    @Test func setAssignmentsAndNullableKeys() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write("c.yaml", "player:\n  script_url: https://cdn.example/video.js\n")
        var flags = ConfigOverrides()
        try flags.set(assignment: "live.hls_window_segments=6")
        try flags.set(assignment: "http.max_upload_bytes=512MiB")
        try flags.set(assignment: "player.local_dir=/opt/player")
        let loaded = try sandbox.loader(["MEDIASERVE_PLAYER_SCRIPT_URL": ""]).load(file: "c.yaml", overrides: flags)
        #expect(loaded.config.live.hlsWindowSegments == 6)
        #expect(loaded.config.http.maxUploadBytes == 512 << 20)
        #expect(loaded.config.player.localDir == "/opt/player")
        #expect(loaded.config.player.scriptURL == nil)  // an empty variable clears an optional key
        #expect(throws: ConfigError.malformedOverride(flag: "--set", text: "http.port")) {
            try flags.set(assignment: "http.port")
        }
    }

    @Test func ingestPresetOverridesTheLadderPreset() throws {
        let sandbox = try ConfigSandbox()
        #expect(try sandbox.loader().load().ladder.preset == "veryfast")
        #expect(try sandbox.loader(["MEDIASERVE_INGEST_PRESET": "slow"]).load().ladder.preset == "slow")
        let error = #expect(throws: ConfigError.self) {
            try sandbox.loader(["MEDIASERVE_INGEST_PRESET": "warp"]).load()
        }
        #expect(error?.description.contains("MEDIASERVE_INGEST_PRESET") == true)
        #expect(error?.description.contains("veryfast") == true)
    }

    @Test func ladderKeyNamesAnotherFile() throws {
        let sandbox = try ConfigSandbox()
        try sandbox.write("small.yaml", """
            segment_seconds: 4
            rungs:
              - { height: 240, video_kbps: 400, profile: baseline }
              - { height: 360, video_kbps: 700, profile: main }
            """)
        let loaded = try sandbox.loader(["MEDIASERVE_LADDER": "small.yaml"]).load()
        #expect(loaded.ladderFile == "small.yaml")
        #expect(loaded.ladder.segmentSeconds == 4)
        #expect(loaded.ladder.rungs == [LadderRungFixture.r240, LadderRungFixture.r360])
        #expect(loaded.ladder.audio == LadderAudio())
        let error = #expect(throws: ConfigError.self) {
            try sandbox.loader(["MEDIASERVE_LADDER": "nope.yaml"]).load()
        }
        #expect(error?.description.contains("nope.yaml") == true)
        #expect(error?.description.contains("MEDIASERVE_LADDER") == true)
    }
}

import MediaCore

enum LadderRungFixture {
    static let r240 = LadderRung(height: 240, videoKbps: 400, profile: .baseline)
    static let r360 = LadderRung(height: 360, videoKbps: 700, profile: .main)
}
