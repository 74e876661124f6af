import Foundation

/// Printing the effective configuration (`mediaserve config`): YAML that can be read back as a config
/// file, or JSON; secrets masked in both; each key annotated with where its value came from.
extension LoadedConfig {
    /// What a secret prints as. Never the secret itself, nor its length.
    public static let mask = "********"

    /// YAML in config-file shape; `# source` comments after each value unless `sources` is false.
    public func renderYAML(sources showSources: Bool = true) -> String {
        var lines = ["# mediaserve effective configuration (config file: \(file ?? "none, built-in defaults"))"]
        if config.usesDevelopmentAPIKey {
            lines.append("# WARNING: api.key is the built-in development key; set your own (MEDIASERVE_API_KEY).")
        }
        var currentSection: String?
        for field in ConfigSchema.fields {
            if field.section != currentSection, let section = field.section {
                lines.append("\(section):")
            }
            currentSection = field.section
            let indent = field.section == nil ? "" : "  "
            var line = "\(indent)\(field.leaf): \(Self.yamlText(maskedValue(field)))"
            if showSources, let source = sources[field.path] {
                line = line.padding(toLength: max(line.count, 44), withPad: " ", startingAt: 0) + "  # \(source)"
            }
            lines.append(line)
        }
        lines.append("# ladder: \(ladderFile ?? "built-in") - " + ladderSummary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"config": {...}, "sources": {"http.port": "..."}, "config_file": ..., "ladder": {...}}`.
    public func renderJSON() throws -> String {
        var configObject: [String: Any] = [:]
        var sourceObject: [String: String] = [:]
        for field in ConfigSchema.fields {
            let json = Self.jsonValue(maskedValue(field))
            if let section = field.section {
                var inner = configObject[section] as? [String: Any] ?? [:]
                inner[field.leaf] = json
                configObject[section] = inner
            } else {
                configObject[field.path] = json
            }
            sourceObject[field.path] = sources[field.path]?.description
        }
        let ladderJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ladder))
        let root: [String: Any] = [
            "config": configObject,
            "sources": sourceObject,
            "config_file": file ?? NSNull(),
            "ladder_file": ladderFile ?? NSNull(),
            "ladder": ladderJSON,
        ]
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func maskedValue(_ field: ConfigField) -> ConfigValue {
        let value = field.read(config)
        if field.secret, case .string(let text) = value, !text.isEmpty { return .string(Self.mask) }
        if field.secret, case .list(let items) = value, !items.isEmpty { return .list(items.map { _ in Self.mask }) }
        return value
    }

    private var ladderSummary: String {
        let rungs = ladder.rungs.map { "\($0.height)p \($0.videoKbps)k \($0.profile.rawValue)" }.joined(separator: ", ")
        return "\(rungs); audio \(ladder.audio.codec) \(ladder.audio.bitrateKbps)k \(ladder.audio.sampleRate) Hz "
            + "\(ladder.audio.channels) ch; \(Self.number(ladder.segmentSeconds)) s segments; preset \(ladder.preset); "
            + "max \(Self.number(ladder.maxFrameRate)) fps"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private static func yamlText(_ value: ConfigValue) -> String {
        switch value {
        case .int(let n): return String(n)
        case .double(let x): return number(x)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .string(let s): return quoted(s)
        case .list(let items): return "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .tiers(let tiers):
            return "{" + tiers.sorted { $0.key < $1.key }.map { "\(quoted($0.key)): {max_height: \($0.value)}" }.joined(separator: ", ") + "}"
        }
    }

    /// Double-quoted YAML string with the escapes YAML requires.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\x%02X", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func jsonValue(_ value: ConfigValue) -> Any {
        switch value {
        case .int(let n): return n
        case .double(let x): return x
        case .bool(let b): return b
        case .null: return NSNull()
        case .string(let s): return s
        case .list(let items): return items
        case .tiers(let tiers): return tiers.mapValues { ["max_height": $0] }
        }
    }
}
