import Foundation
import MediaCore

/// Builds the effective configuration: built-in defaults < config file < `MEDIASERVE_*` environment <
/// flags. The environment and working directory are parameters so tests (and embedders) control them;
/// nothing here reads global state on its own.
public struct ConfigLoader: Sendable {
    /// The config file used when none is named and it exists (relative to `currentDirectory`).
    public static let defaultFile = "config/mediaserve.yaml"
    /// Names the config file when `--config` is not given.
    public static let fileEnvironmentVariable = "MEDIASERVE_CONFIG"

    public var environment: [String: String]
    /// Relative paths (config file, ladder file) are resolved against this directory.
    public var currentDirectory: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// Loads the configuration. `file` is the `--config` value; without it `MEDIASERVE_CONFIG`, then
    /// config/mediaserve.yaml if present, else built-in defaults only.
    public func load(file: String? = nil, overrides: ConfigOverrides = ConfigOverrides()) throws -> LoadedConfig {
        var config = MediaServeConfig.defaults
        var sources = Dictionary(uniqueKeysWithValues: ConfigSchema.fields.map { ($0.path, ConfigSource.builtIn) })

        let chosenFile = try chooseFile(explicit: file)
        if let chosenFile {
            let values = try ConfigFileReader(file: chosenFile).read(contentsOf: resolve(chosenFile))
            for (path, value) in values {
                ConfigSchema.byPath[path]?.write(&config, value)
                sources[path] = .file(chosenFile)
            }
        }
        for field in ConfigSchema.fields {
            guard let text = environment[field.environmentVariable] else { continue }
            guard let value = field.type.parse(text) else {
                throw ConfigError.wrongType(origin: "environment variable \(field.environmentVariable)",
                                            key: field.path, expected: field.type.expected, found: "'\(text)'")
            }
            field.write(&config, value)
            sources[field.path] = .environment(field.environmentVariable)
        }
        for entry in overrides.entries {
            guard let field = ConfigSchema.byPath[entry.key] else {
                throw ConfigError.unknownKey(origin: "flag \(entry.flag)", key: entry.key,
                                             suggestion: Suggestion.closest(to: entry.key, among: ConfigSchema.fields.map(\.path)))
            }
            guard let value = field.type.parse(entry.value) else {
                throw ConfigError.wrongType(origin: "flag \(entry.flag)", key: field.path,
                                            expected: field.type.expected, found: "'\(entry.value)'")
            }
            field.write(&config, value)
            sources[field.path] = .flag(entry.flag)
        }

        try Self.checkTranscodeRungs(config, source: sources["live.transcode.rungs"] ?? .builtIn)
        let (ladder, ladderFile) = try loadLadder(config: config, source: sources["ladder"] ?? .builtIn)
        var effectiveLadder = ladder
        if sources["ingest.preset"] != .builtIn { effectiveLadder.preset = config.ingest.preset }
        return LoadedConfig(config: config, ladder: effectiveLadder, sources: sources,
                            file: chosenFile, ladderFile: ladderFile)
    }

    /// `live.transcode.rungs` holds heights (`720` or `720p`), each even and within the live ladder's range.
    private static func checkTranscodeRungs(_ config: MediaServeConfig, source: ConfigSource) throws {
        let texts = config.live.transcodeRungs
        let heights = texts.compactMap(MediaServeConfig.Live.height)
        let problem = heights.count == texts.count ? LiveTranscodeLadder.problem(rungs: heights)
            : "rungs are heights such as 720 or 720p, not \(texts.filter { MediaServeConfig.Live.height($0) == nil })"
        if let problem { throw ConfigError.invalidValue(origin: "\(source)", key: "live.transcode.rungs", reason: problem) }
    }

    private func chooseFile(explicit: String?) throws -> String? {
        if let explicit {
            guard FileManager.default.fileExists(atPath: resolve(explicit).path) else {
                throw ConfigError.fileNotFound(path: explicit, namedBy: "--config")
            }
            return explicit
        }
        if let named = environment[Self.fileEnvironmentVariable], !named.isEmpty {
            guard FileManager.default.fileExists(atPath: resolve(named).path) else {
                throw ConfigError.fileNotFound(path: named, namedBy: "environment \(Self.fileEnvironmentVariable)")
            }
            return named
        }
        return FileManager.default.fileExists(atPath: resolve(Self.defaultFile).path) ? Self.defaultFile : nil
    }

    /// The ladder named by `ladder`; the built-in ladder (the same values as the shipped file) when the
    /// key holds the default path and that file is absent (running outside the source tree, or a printed
    /// configuration reused elsewhere); an error when someone named another, missing file.
    private func loadLadder(config: MediaServeConfig, source: ConfigSource) throws -> (LadderConfig, String?) {
        let url = resolve(config.ladder)
        if !FileManager.default.fileExists(atPath: url.path) {
            if config.ladder == MediaServeConfig.defaults.ladder { return (.default, nil) }
            throw ConfigError.fileNotFound(path: config.ladder, namedBy: "key 'ladder' (\(source))")
        }
        return (try LadderConfig.load(contentsOf: url, displayPath: config.ladder), config.ladder)
    }

    /// The live streams listed in the file named by `live.streams_file` (none when it is null), with
    /// `key_env` read from `environment`. Only `serve` calls this: other commands need no stream keys, and
    /// a key held in an environment variable is set where the server runs.
    public func loadLiveStreams(_ config: MediaServeConfig, source: ConfigSource) throws -> [ConfiguredLiveStream] {
        guard let path = config.live.streamsFile, !path.isEmpty else { return [] }
        let url = resolve(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ConfigError.fileNotFound(path: path, namedBy: "key 'live.streams_file' (\(source))")
        }
        return try LiveStreamsFileReader.load(contentsOf: url, displayPath: path, environment: environment)
    }

    func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        return currentDirectory.appendingPathComponent(path).standardizedFileURL
    }
}
