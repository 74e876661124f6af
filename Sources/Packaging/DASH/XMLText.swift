import MediaCore

/// Minimal XML text helpers: the MPD is written as text in XSD element and attribute order.
enum XMLText {
    /// Escapes the five XML special characters (one implementation for every XML writer: MediaCore).
    static func escaped(_ value: String) -> String { XMLEscaping.escaped(value) }

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
