/// Everything the packager can refuse, each with a message a person can act on.
///
/// The origin maps them (`invalidQuery`, `emptyWindow`, `noRenditionsLeft`, ...) to HTTP 400. Errors
/// reading MP4 bytes are the MP4 target's `MP4Error`.
public enum PackagingError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidQuery(parameter: String, value: String, reason: String)
    case emptyWindow(reason: String)
    case noRenditionsLeft(reason: String)
    case noSegments(rendition: String)
    case inconsistentRenditions(reason: String)

    public var description: String {
        switch self {
        case .invalidQuery(let parameter, let value, let reason):
            return "query parameter \(parameter)=\(value) is invalid: \(reason)"
        case .emptyWindow(let reason):
            return "the requested time window is empty: \(reason)"
        case .noRenditionsLeft(let reason):
            return "no rendition is left to describe: \(reason)"
        case .noSegments(let rendition):
            return "rendition \(rendition) has no segments yet; nothing to list"
        case .inconsistentRenditions(let reason):
            return "the renditions do not fit together: \(reason)"
        }
    }
}
