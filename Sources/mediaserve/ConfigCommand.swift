import ArgumentParser
import Config

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
        // A ConfigError passes through to CLIExit: one `mediaserve: <message>` line, exit 1.
        let loaded = try configOptions.load()
        print(json ? try loaded.renderJSON() : loaded.renderYAML(sources: !noSources), terminator: "")
    }
}
