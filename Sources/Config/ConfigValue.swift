import Foundation
/// One configuration value before it is written into `MediaServeConfig`: what a YAML scalar, an
/// environment variable or a flag turned into once checked against its key's type.
enum ConfigValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    /// A YAML list; from the environment or a flag, comma-separated.
    case list([String])
    /// `access.tiers`: tier name -> max height.
    case tiers([String: Int])
}

/// The type a key accepts, with the human description used in error messages.
enum ConfigValueType: Sendable {
    case string(allowEmpty: Bool)
    case optionalString
    case int(ClosedRange<Int>)
    /// A number with a fraction allowed (`0.5`, `2`).
    case decimal(ClosedRange<Double>)
    /// Bytes: an integer or a number with a unit (`10GiB`, `512MiB`, `1GB`).
    case bytes
    case choice([String])
    /// `true` or `false` (also yes/no, on/off, 1/0 from the environment or a flag).
    case bool
    /// null, or a string whose length is in the range (e.g. an SRT passphrase: 10 to 79 characters).
    case optionalText(length: ClosedRange<Int>)
    /// A list of strings (YAML list, or `a,b,c` from the environment or a flag).
    case list
    /// A mapping of names to `{max_height: N}` (or `free=1080,premium=2160` from the environment or a flag).
    case tiers

    var expected: String {
        switch self {
        case .string(let allowEmpty): return allowEmpty ? "a string" : "a non-empty string"
        case .optionalString: return "a string or null"
        case .int(let range): return "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .decimal(let range): return "a number from \(range.lowerBound) to \(range.upperBound)"
        case .bytes: return "a size in bytes (e.g. 10737418240 or 10GiB)"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case .bool: return "true or false"
        case .optionalText(let length): return "null or a string of \(length.lowerBound) to \(length.upperBound) characters"
        case .list: return "a list of strings (comma-separated in the environment)"
        case .tiers: return "a mapping of tier names to {max_height: N} (free=1080,premium=2160 in the environment)"
        }
    }

    /// Parses text from the environment or a flag, or an unquoted/quoted YAML scalar.
    /// `quoted` is true for quoted YAML scalars: they are always strings, never numbers or null.
    func parse(_ text: String, quoted: Bool = false) -> ConfigValue? {
        let isNull = !quoted && ["", "~", "null", "Null", "NULL"].contains(text)
        switch self {
        case .string(let allowEmpty):
            if isNull && text != "" { return nil }
            return text.isEmpty && !allowEmpty ? nil : .string(text)
        case .optionalString:
            return isNull ? .null : .string(text)
        case .int(let range):
            guard !quoted, let value = ScalarText.integer(text), range.contains(value) else { return nil }
            return .int(value)
        case .decimal(let range):
            guard !quoted, let value = ScalarText.double(text), range.contains(value) else { return nil }
            return .double(value)
        case .bytes:
            guard let value = ScalarText.byteSize(text), value >= 0 else { return nil }
            return .int(value)
        case .choice(let options):
            return options.contains(text) ? .string(text) : nil
        case .bool:
            guard !quoted else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default: return nil
            }
        case .optionalText(let length):
            if isNull { return .null }
            return length.contains(text.count) ? .string(text) : nil
        case .list:
            return .list(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        case .tiers:
            var tiers: [String: Int] = [:]
            for item in text.split(separator: ",") {
                let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, !pair[0].isEmpty, let height = ScalarText.integer(pair[1]), height > 0 else { return nil }
                tiers[pair[0]] = height
            }
            return .tiers(tiers)
        }
    }
}

/// Parsing of scalar text shared by the config and ladder readers.
enum ScalarText {
    /// A decimal integer, optionally with `_` digit separators (YAML 1.1 style) and a sign.
    static func integer(_ text: String) -> Int? {
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        guard !cleaned.isEmpty, cleaned.first != "+" || cleaned.count > 1 else { return nil }
        return Int(cleaned)
    }

    static func double(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `10737418240`, `10GiB`, `512 MiB`, `2GB`, `64k`: binary units are powers of 1024, decimal of 1000.
    static func byteSize(_ text: String) -> Int? {
        let trimmed = text.replacingOccurrences(of: " ", with: "")
        if let plain = integer(trimmed) { return plain }
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40),
        ]
        for (suffix, multiplier) in units where trimmed.lowercased().hasSuffix(suffix.lowercased()) {
            let number = String(trimmed.dropLast(suffix.count))
            guard let value = integer(number) else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
            return overflow ? nil : product
        }
        return nil
    }
}
