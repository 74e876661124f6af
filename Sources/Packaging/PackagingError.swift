/// Everything the packager can refuse, each with a message a person can act on.
///
/// The origin maps the request errors (`invalidQuery`, `emptyWindow`, `noRenditionsLeft`, ...) to HTTP 400;
/// the MP4 errors come from the box reader and name the box and byte offset that was wrong.
public enum PackagingError: Error, Equatable, Sendable, CustomStringConvertible {
    // Manifest requests.
    case invalidQuery(parameter: String, value: String, reason: String)
    case emptyWindow(reason: String)
    case noRenditionsLeft(reason: String)
    case noSegments(rendition: String)
    case inconsistentRenditions(reason: String)
    // fMP4 reading.
    case truncated(box: String, offset: Int, needed: Int, available: Int)
    case badBoxSize(box: String, offset: Int, size: UInt64)
    case missingBox(path: String)
    case unsupportedSampleEntry(fourCC: String)
    case malformed(box: String, reason: String)
    case trackNotFound(trackID: UInt32)

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
        case .truncated(let box, let offset, let needed, let available):
            return "MP4 box '\(box)' at byte \(offset) is cut short: needs \(needed) bytes, \(available) left"
        case .badBoxSize(let box, let offset, let size):
            return "MP4 box '\(box)' at byte \(offset) declares an impossible size \(size)"
        case .missingBox(let path):
            return "MP4 data has no '\(path)' box; is this a CMAF init/media segment?"
        case .unsupportedSampleEntry(let fourCC):
            return "sample entry '\(fourCC)' is not supported (expected avc1/avc3 or mp4a)"
        case .malformed(let box, let reason):
            return "MP4 box '\(box)' is malformed: \(reason)"
        case .trackNotFound(let trackID):
            return "no fragment for track \(trackID) in the media segment"
        }
    }
}
