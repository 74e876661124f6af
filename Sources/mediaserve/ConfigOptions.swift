import ArgumentParser
import Config

/// The configuration flags every command that needs configuration shares (`@OptionGroup var
/// configOptions: ConfigOptions`), so `--config`, `--data-dir` and `--set` mean the same everywhere.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "Configuration file (default: $MEDIASERVE_CONFIG, else config/mediaserve.yaml if present).",
        valueName: "file"))
    var configFile: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Data directory (overrides data_dir).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one configuration key, e.g. --set http.port=9000 (repeatable).", valueName: "key=value"))
    var assignments: [String] = []

    /// A `--set` without `=` is a usage error (exit 2), caught before anything runs.
    func validate() throws {
        for assignment in assignments where !assignment.contains("=") || assignment.hasPrefix("=") {
            throw ValidationError("--set '\(assignment)': expected KEY=VALUE, e.g. --set http.port=9000")
        }
    }

    /// Flag values as overrides, applied after the file and the environment.
    func overrides() throws -> ConfigOverrides {
        var overrides = ConfigOverrides()
        if let dataDir { overrides.set("data_dir", dataDir, flag: "--data-dir") }
        for assignment in assignments { try overrides.set(assignment: assignment) }
        return overrides
    }

    /// Loads the effective configuration. `extra` lets a command add its own flags (e.g. `--port`).
    func load(extra: ConfigOverrides = ConfigOverrides()) throws -> LoadedConfig {
        var all = try overrides()
        for entry in extra.entries { all.set(entry.key, entry.value, flag: entry.flag) }
        return try ConfigLoader().load(file: configFile, overrides: all)
    }
}
