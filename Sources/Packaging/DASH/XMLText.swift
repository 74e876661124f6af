/// Minimal XML text helpers: the MPD is written as text in XSD element and attribute order.
enum XMLText {
    /// Escapes the five XML special characters; the common case (nothing to escape) allocates nothing new.
    static func escaped(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return value
        }
        var out = ""
        for ch in value {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// xs:language (RFC 5646-like): letters, then `-` groups of letters/digits, 1-8 characters each.
    static func isLanguageTag(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (1...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}

extension String {
    /// Appends ` name="value"` (value escaped).
    @inline(__always)
    mutating func attribute(_ name: String, _ value: String) {
        self += " "; self += name; self += "=\""; self += XMLText.escaped(value); self += "\""
    }

    @inline(__always)
    mutating func attribute(_ name: String, _ value: Int) {
        self += " "; self += name; self += "=\""; self += String(value); self += "\""
    }

    @inline(__always)
    mutating func attribute(_ name: String, _ value: Int64) {
        self += " "; self += name; self += "=\""; self += String(value); self += "\""
    }
}
