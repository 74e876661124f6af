import Yams

/// Reads one YAML mapping key by key, remembering which keys were taken so that `finish()` can reject
/// the rest as unknown (with a "did you mean").
struct MappingReader {
    let file: String
    let path: String?
    private var pairs: [(key: String, keyNode: Node, value: Node)] = []
    private var taken: [String] = []

    init(_ node: Node, path: String?, file: String) throws {
        self.file = file
        self.path = path
        guard case .mapping(let mapping) = node else {
            throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: node), key: path ?? "(top level)",
                                        expected: "a mapping", found: YAMLNodes.describe(node))
        }
        for (keyNode, value) in mapping {
            guard let (key, _) = YAMLNodes.scalar(keyNode) else {
                throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: keyNode), key: path ?? "(top level)",
                                            expected: "plain keys", found: YAMLNodes.describe(keyNode))
            }
            pairs.append((key, keyNode, value))
        }
    }

    func keyPath(_ key: String) -> String { path.map { "\($0).\(key)" } ?? key }

    mutating func take(_ key: String) -> Node? {
        taken.append(key)
        return pairs.first { $0.key == key }?.value
    }

    mutating func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let node = take(key) else { return nil }
        guard case .int(let value)? = parse(node, as: .int(range)) else { throw wrongType(key, node, ConfigValueType.int(range).expected) }
        return value
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let node = take(key) else { return nil }
        guard case .bool(let value)? = parse(node, as: .bool) else { throw wrongType(key, node, ConfigValueType.bool.expected) }
        return value
    }

    mutating func choice(_ key: String, _ options: [String]) throws -> String? {
        guard let node = take(key) else { return nil }
        guard case .string(let value)? = parse(node, as: .choice(options)) else {
            throw wrongType(key, node, ConfigValueType.choice(options).expected)
        }
        return value
    }

    /// A non-empty string scalar (quoted or not); a number or `true` written unquoted is taken as its text.
    mutating func string(_ key: String) throws -> String? {
        guard let node = take(key) else { return nil }
        guard case .string(let value)? = parse(node, as: .string(allowEmpty: false)) else {
            throw wrongType(key, node, ConfigValueType.string(allowEmpty: false).expected)
        }
        return value
    }

    mutating func double(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
        guard let node = take(key) else { return nil }
        guard let (text, quoted) = YAMLNodes.scalar(node), !quoted, let value = ScalarText.double(text),
              range.contains(value) else {
            throw wrongType(key, node, "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Fails on the first key nobody asked for.
    func finish() throws {
        for pair in pairs where !taken.contains(pair.key) {
            let known = taken.map(keyPath)
            throw ConfigError.unknownKey(origin: YAMLNodes.origin(file: file, node: pair.keyNode), key: keyPath(pair.key),
                                         suggestion: Suggestion.closest(to: keyPath(pair.key), among: known))
        }
    }

    private func parse(_ node: Node, as type: ConfigValueType) -> ConfigValue? {
        guard let (text, quoted) = YAMLNodes.scalar(node) else { return nil }
        return type.parse(text, quoted: quoted)
    }

    private func wrongType(_ key: String, _ node: Node, _ expected: String) -> ConfigError {
        .wrongType(origin: YAMLNodes.origin(file: file, node: node), key: keyPath(key), expected: expected,
                   found: YAMLNodes.describe(node))
    }
}
