/// Everything that can be wrong with a configuration, each message naming the file (with line and
/// column), the environment variable or the flag, and the key path, so a person can fix it at once.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    /// A file named explicitly (`--config`, `MEDIASERVE_CONFIG`, the `ladder` key) does not exist.
    case fileNotFound(path: String, namedBy: String)
    case unreadableFile(path: String, reason: String)
    case invalidYAML(path: String, detail: String)
    /// `origin` is `file:line:column`, `environment variable NAME` or `flag --x`.
    case unknownKey(origin: String, key: String, suggestion: String?)
    case wrongType(origin: String, key: String, expected: String, found: String)
    case invalidValue(origin: String, key: String, reason: String)
    /// `--set` without `key=value`.
    case malformedOverride(flag: String, text: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path, let namedBy):
            return "configuration file \(path) (named by \(namedBy)) does not exist"
        case .unreadableFile(let path, let reason):
            return "cannot read configuration file \(path): \(reason)"
        case .invalidYAML(let path, let detail):
            return "\(path) is not valid YAML: \(detail)"
        case .unknownKey(let origin, let key, let suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "\(origin): unknown key '\(key)'\(hint)"
        case .wrongType(let origin, let key, let expected, let found):
            return "\(origin): '\(key)' must be \(expected), found \(found)"
        case .invalidValue(let origin, let key, let reason):
            return "\(origin): '\(key)' \(reason)"
        case .malformedOverride(let flag, let text):
            return "\(flag) '\(text)': expected KEY=VALUE, e.g. \(flag) http.port=9000"
        }
    }
}
