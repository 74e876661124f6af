import ArgumentParser
import Config
import Foundation

/// `mediaserve config`: prints the effective configuration (defaults < file < environment < flags),
/// with the API key masked and the origin of every value, so a person can see why the server does
/// what it does.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration and where each value came from.",
        discussion: """
            Secrets (api.key) are masked. The YAML output can be saved and used as a config file.
            Examples:
              mediaserve config
              MEDIASERVE_HTTP_PORT=9000 mediaserve config --set log.level=debug
              mediaserve config --config /etc/mediaserve.yaml --json
            """
    )

    @OptionGroup var configOptions: ConfigOptions

    @Flag(help: "Print JSON instead of YAML.")
    var json = false

    @Flag(name: .customLong("no-sources"), help: "Leave out the comments saying where each value came from.")
    var noSources = false

    func run() throws {
        let loaded: LoadedConfig
        do {
            loaded = try configOptions.load()
        } catch let error as ConfigError {
            // One line on stderr, exit 1 (the project's CLI convention), instead of ArgumentParser's "Error: ...".
            FileHandle.standardError.write(Data("mediaserve: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print(json ? try loaded.renderJSON() : loaded.renderYAML(sources: !noSources), terminator: "")
    }
}
