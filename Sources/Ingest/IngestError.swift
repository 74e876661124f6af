/// Everything that can stop an ingest, each with a message that says what to do about it.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    case noMediaStreams(path: String)
    case unreadableVideo(path: String, reason: String)
    case emptyLadder
    case invalidRungHeight(Int)
    case media(String)
    case noFramesDecoded(path: String)
    case cannotCopy(path: String, reason: String)
    case outputMismatch(rendition: String, reason: String)
    case diskFull(path: String)
    case cancelled

    public var description: String {
        switch self {
        case .noMediaStreams(let path):
            return "\(path): no audio or video stream to ingest"
        case .unreadableVideo(let path, let reason):
            return "\(path): cannot read the video stream (\(reason))"
        case .emptyLadder:
            return "the ladder has no rungs: add at least one to config/ladder.yaml or pass --rungs"
        case .invalidRungHeight(let height):
            return "rung height \(height) is not usable: use an even number of pixels between 64 and 4320"
        case .media(let message):
            return message
        case .noFramesDecoded(let path):
            return "\(path): no frame could be decoded (the file is damaged or truncated)"
        case .cannotCopy(let path, let reason):
            return "\(path): cannot be copied without re-encoding (\(reason)); run without --copy to transcode"
        case .outputMismatch(let rendition, let reason):
            return "rendition \(rendition) failed verification: \(reason)"
        case .diskFull(let path):
            return "disk full while writing \(path): free space in the data directory and ingest again (nothing was published)"
        case .cancelled:
            return "ingest cancelled; nothing was published"
        }
    }
}
