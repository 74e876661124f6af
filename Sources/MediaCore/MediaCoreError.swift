/// Errors of the shared value types, each with a message a person can act on.
public enum MediaCoreError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)

    public var description: String {
        switch self {
        case .invalidName(let raw):
            return "'\(raw)' is not a valid name: use a-z, 0-9, '-' and '_' (not first), at most \(SafeName.maxLength) characters"
        }
    }
}
