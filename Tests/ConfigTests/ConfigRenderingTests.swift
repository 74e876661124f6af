import Foundation
import Testing
import TestSupport
@testable import Config

@Suite struct ConfigRenderingTests {
    @Test func secretsAreMaskedInYAMLAndJSON() throws {
        let sandbox = try ConfigSandbox()
        let loaded = try sandbox.loader(["MEDIASERVE_API_KEY": "s3cret-token-123"]).load()
        #expect(loaded.config.api.key == "s3cret-token-123")
        let yaml = loaded.renderYAML()
        let json = try loaded.renderJSON()
        for text in [yaml, json] {
            #expect(!text.contains("s3cret"))
            #expect(text.contains(LoadedConfig.mask))
        }
        #expect(!yaml.contains("WARNING"))
        #expect(yaml.contains("# environment MEDIASERVE_API_KEY"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let sources = try #require(object["sources"] as? [String: String])
        #expect(sources["api.key"] == "environment MEDIASERVE_API_KEY")
        #expect(sources["http.port"] == "built-in default")
        #expect((object["config"] as? [String: Any])?["data_dir"] as? String == "./data")
    }

    @Test func developmentKeyIsFlagged() throws {
        let loaded = try ConfigSandbox().loader().load()
        #expect(loaded.config.usesDevelopmentAPIKey)
        #expect(loaded.renderYAML().contains("WARNING: api.key is the built-in development key"))
        #expect(!loaded.renderYAML().contains(MediaServeConfig.developmentAPIKey))
    }

    @Test func printedYAMLReadsBackAsTheSameConfiguration() throws {
        let sandbox = try ConfigSandbox()
        let environment = ["MEDIASERVE_HTTP_CORS_ALLOW_ORIGIN": "https://a.example \"quoted\" \\ back",
                           "MEDIASERVE_PLAYER_LOCAL_DIR": "/opt/player dir", "MEDIASERVE_LOG_LEVEL": "debug",
                           "MEDIASERVE_HTTP_PORT": "0"]
        let loaded = try sandbox.loader(environment).load()
        try sandbox.write("printed.yaml", loaded.renderYAML())
        let reloaded = try sandbox.loader().load(file: "printed.yaml")
        var expected = loaded.config
        expected.api.key = LoadedConfig.mask
        #expect(reloaded.config == expected)
        #expect(reloaded.config.http.corsAllowOrigin == "https://a.example \"quoted\" \\ back")
    }
}

/// `mediaserve config` run as a user would.
@Suite struct ConfigCommandTests {
    @Test func printsEffectiveConfigurationAsJSON() throws {
        let sandbox = try ConfigSandbox()
        let file = try sandbox.write("c.yaml", "http:\n  port: 9100\n")
        let result = try run(TestMedia.mediaserveBinary.path, ["config", "--config", file.path, "--json", "--set", "log.level=error"],
                             environment: ["MEDIASERVE_API_KEY": "topsecret", "MEDIASERVE_RTMP_PORT": "19350"],
                             currentDirectory: sandbox.directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!result.stdout.contains("topsecret"))
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let config = try #require(object["config"] as? [String: Any])
        #expect((config["http"] as? [String: Any])?["port"] as? Int == 9100)
        #expect((config["rtmp"] as? [String: Any])?["port"] as? Int == 19350)
        #expect((config["log"] as? [String: Any])?["level"] as? String == "error")
        #expect((object["sources"] as? [String: String])?["log.level"] == "flag --set log.level=error")
    }

    @Test func badKeyIsOneLineOnStderrAndExitOne() throws {
        let sandbox = try ConfigSandbox()
        let file = try sandbox.write("c.yaml", "http:\n  prot: 1\n")
        let result = try run(TestMedia.mediaserveBinary.path, ["config", "--config", file.path],
                             currentDirectory: sandbox.directory)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "mediaserve: \(file.path):2:3: unknown key 'http.prot' (did you mean 'http.port'?)\n")
    }
}
