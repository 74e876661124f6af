/// XML escaping shared by every module that writes XML as text (DASH MPDs, CPIX documents), so the five
/// special characters are handled in one place.
public enum XMLEscaping {
    /// Escapes `& < > " '`; the common case (nothing to escape) returns the value without a copy.
    public static func escaped(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return value
        }
        var out = ""
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
