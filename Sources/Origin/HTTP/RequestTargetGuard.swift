/// Rejects request paths that could escape the served directories before any router or file code sees
/// them. Every public path of the origin is built from `SafeName`s and fixed file names, so nothing
/// legitimate needs percent escapes, dot segments, empty segments, backslashes or control bytes.
public enum RequestTargetGuard {
    /// Longest path accepted; longer ones are refused without being looked at further.
    public static let maxPathBytes = 1024

    public enum Rejection: Equatable, Sendable, CustomStringConvertible {
        case tooLong
        case notAbsolute
        case escapedCharacter
        case dotSegment
        case emptySegment
        case forbiddenByte

        public var description: String {
            switch self {
            case .tooLong: return "request path is longer than \(RequestTargetGuard.maxPathBytes) bytes"
            case .notAbsolute: return "request path must start with '/'"
            case .escapedCharacter: return "percent-encoded characters are not allowed in paths"
            case .dotSegment: return "'.' and '..' path segments are not allowed"
            case .emptySegment: return "empty path segments ('//') are not allowed"
            case .forbiddenByte: return "control characters and backslashes are not allowed in paths"
            }
        }
    }

    /// Nil when the path may be routed; otherwise why it must be answered with 400.
    public static func check(path: String) -> Rejection? {
        let bytes = path.utf8
        guard bytes.count <= maxPathBytes else { return .tooLong }
        guard bytes.first == UInt8(ascii: "/") else { return .notAbsolute }
        if path == "/" { return nil }
        for byte in bytes {
            if byte == UInt8(ascii: "%") { return .escapedCharacter }
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") { return .forbiddenByte }
        }
        // Skip the leading "/"; a single trailing "/" is allowed (directory-style URLs like /player/).
        var segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst()
        if segments.last?.isEmpty == true { segments = segments.dropLast() }
        for segment in segments {
            if segment.isEmpty { return .emptySegment }
            if segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) { return .dotSegment }
        }
        return nil
    }
}
