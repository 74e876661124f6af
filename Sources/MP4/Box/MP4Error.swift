/// What the box reader can refuse, each naming the box (and byte offset) that was wrong, so a person can
/// find it in a hex dump. The writers never throw: they serialise values the caller built.
public enum MP4Error: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(box: String, offset: Int, needed: Int, available: Int)
    case badBoxSize(box: String, offset: Int, size: UInt64)
    case missingBox(path: String)
    case unsupportedSampleEntry(fourCC: String)
    case malformed(box: String, reason: String)
    case trackNotFound(trackID: UInt32)

    public var description: String {
        switch self {
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
