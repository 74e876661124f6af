import Foundation
import Yams

/// Reads config/mediaserve.yaml into checked values per key path. Every key must be known and every
/// value must have its key's type; errors point at `file:line:column` and the dotted key path.
struct ConfigFileReader {
    /// The file as the user named it (used in messages).
    let file: String

    func read(contentsOf url: URL) throws -> [String: ConfigValue] {
        try read(text: YAMLNodes.readText(url, file: file))
    }

    func read(text: String) throws -> [String: ConfigValue] {
        guard let root = try YAMLNodes.compose(text, file: file) else { return [:] }
        guard case .mapping(let mapping) = root else {
            throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: root), key: "(top level)",
                                        expected: "a mapping of keys", found: YAMLNodes.describe(root))
        }
        var values: [String: ConfigValue] = [:]
        try collect(mapping, prefix: nil, into: &values)
        return values
    }

    private func collect(_ mapping: Node.Mapping, prefix: String?, into values: inout [String: ConfigValue]) throws {
        for (keyNode, valueNode) in mapping {
            let origin = YAMLNodes.origin(file: file, node: keyNode)
            guard let (key, _) = YAMLNodes.scalar(keyNode) else {
                throw ConfigError.wrongType(origin: origin, key: prefix ?? "(top level)",
                                            expected: "plain keys", found: YAMLNodes.describe(keyNode))
            }
            let path = prefix.map { "\($0).\(key)" } ?? key
            if let field = ConfigSchema.byPath[path] {
                values[path] = try value(of: valueNode, for: field)
            } else if ConfigSchema.isSection(path) {
                try collectSection(valueNode, path: path, into: &values)
            } else {
                throw ConfigError.unknownKey(origin: origin, key: path,
                                             suggestion: Suggestion.closest(to: path, among: ConfigSchema.allPaths))
            }
        }
    }

    private func collectSection(_ node: Node, path: String, into values: inout [String: ConfigValue]) throws {
        switch node {
        case .mapping(let inner):
            try collect(inner, prefix: path, into: &values)
        case .scalar(let scalar) where scalar.style == .plain && ["", "~", "null"].contains(scalar.string):
            return  // `http:` with nothing under it: keep the defaults
        default:
            let keys = ConfigSchema.fields.filter { $0.path.hasPrefix(path + ".") }
                .map { String($0.path.dropFirst(path.count + 1)) }.joined(separator: ", ")
            throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: node), key: path,
                                        expected: "a mapping (with keys \(keys))", found: YAMLNodes.describe(node))
        }
    }

    private func value(of node: Node, for field: ConfigField) throws -> ConfigValue {
        let origin = YAMLNodes.origin(file: file, node: node)
        if case .list = field.type, case .sequence(let items) = node {
            var out: [String] = []
            for item in items {
                guard let (text, _) = YAMLNodes.scalar(item) else {
                    throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: item), key: field.path,
                                                expected: field.type.expected, found: YAMLNodes.describe(item))
                }
                out.append(text)
            }
            return .list(out)
        }
        if case .tiers = field.type, case .mapping = node {
            var tiers: [String: Int] = [:]
            var reader = try MappingReader(node, path: field.path, file: file)
            for (keyNode, _) in node.mapping ?? [:] {
                guard let (name, _) = YAMLNodes.scalar(keyNode), let limits = reader.take(name) else { continue }
                var inner = try MappingReader(limits, path: "\(field.path).\(name)", file: file)
                guard let height = try inner.int("max_height", 1...100_000) else {
                    throw ConfigError.wrongType(origin: YAMLNodes.origin(file: file, node: limits), key: "\(field.path).\(name)",
                                                expected: "a mapping with max_height", found: YAMLNodes.describe(limits))
                }
                try inner.finish()
                tiers[name] = height
            }
            try reader.finish()
            return .tiers(tiers)
        }
        guard let (text, quoted) = YAMLNodes.scalar(node), let value = field.type.parse(text, quoted: quoted) else {
            throw ConfigError.wrongType(origin: origin, key: field.path, expected: field.type.expected,
                                        found: YAMLNodes.describe(node))
        }
        return value
    }
}
