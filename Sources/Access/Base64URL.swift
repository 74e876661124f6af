import Foundation

/// base64url without padding (RFC 4648 §5): safe in a query string without percent-encoding.
enum Base64URL {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Only the canonical spelling decodes: the last character of a 32-byte MAC carries two unused bits, so
    /// a lenient decoder reads four different strings as the same bytes, and a signature with its last
    /// character altered would still open the URL. A token is one exact string; any other is refused.
    static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ Self.alphabet.contains($0) }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        guard let bytes = Data(base64Encoded: standard).map({ Array($0) }), encode(bytes) == text else { return nil }
        return bytes
    }

    private static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
}
