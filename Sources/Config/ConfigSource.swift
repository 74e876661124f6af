/// Where an effective configuration value came from, for `mediaserve config` and for error messages.
public enum ConfigSource: Sendable, Hashable, CustomStringConvertible {
    case builtIn
    case file(String)
    case environment(String)
    case flag(String)

    public var description: String {
        switch self {
        case .builtIn: return "built-in default"
        case .file(let path): return "file \(path)"
        case .environment(let name): return "environment \(name)"
        case .flag(let flag): return "flag \(flag)"
        }
    }
}

/// Values given on the command line, applied last. The executable builds one from its flags, e.g.
/// `overrides.set("http.port", "9000", flag: "--port")` or from `--set http.port=9000`.
public struct ConfigOverrides: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: String
        /// The flag as the user typed it (`--port`, `--set http.port=9000`), for messages.
        public var flag: String
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Sets `key` (a dotted path such as `http.port`) to `value` as given by `flag`; later calls win.
    public mutating func set(_ key: String, _ value: String, flag: String) {
        entries.append(Entry(key: key, value: value, flag: flag))
    }

    /// Adds one `KEY=VALUE` assignment (the `--set` flag).
    public mutating func set(assignment: String, flag: String = "--set") throws {
        guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
            throw ConfigError.malformedOverride(flag: flag, text: assignment)
        }
        let key = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
        let value = String(assignment[assignment.index(after: equals)...])
        set(key, value, flag: "\(flag) \(assignment)")
    }
}

/// The result of loading: the configuration, the ladder it names, and the provenance of every key.
public struct LoadedConfig: Sendable {
    public var config: MediaServeConfig
    public var ladder: LadderConfig
    /// Key path (`http.port`) -> where its value came from; every key of the schema is present.
    public var sources: [String: ConfigSource]
    /// The config file that was read, or nil when none was (built-in defaults only).
    public var file: String?
    /// The ladder file that was read, or nil when the built-in ladder was used.
    public var ladderFile: String?

    public init(config: MediaServeConfig, ladder: LadderConfig, sources: [String: ConfigSource],
                file: String?, ladderFile: String?) {
        self.config = config
        self.ladder = ladder
        self.sources = sources
        self.file = file
        self.ladderFile = ladderFile
    }
}
