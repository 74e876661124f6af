/// Everything that can go wrong in live ingest, each with a message a person can act on. Hostile or broken
/// publisher input always ends here (and closes that one connection), never in a crash.
public enum LiveError: Error, Equatable, CustomStringConvertible {
    /// The first handshake byte asked for an RTMP version we do not speak (3 is plain RTMP).
    case unsupportedRTMPVersion(UInt8)
    /// Bytes ended inside a structure that announced more (AMF0 value, FLV tag, chunk header).
    case truncated(String)
    /// A chunk or message violates the RTMP chunk stream rules.
    case malformedChunk(String)
    /// A peer asked for more than our bounds allow (chunk size, message length, buffered bytes).
    case limitExceeded(String)
    /// An AMF0 value we cannot read (unknown marker, depth, size).
    case malformedAMF(String)
    /// A command arrived out of order or with the wrong arguments.
    case protocolViolation(String)
    /// A codec we cannot package (H.264 video and AAC audio pass through; MP3, MP2, AC-3 and G.711 are converted).
    case unsupportedCodec(String)
    /// An FLV audio/video payload that does not parse.
    case malformedMedia(String)
    /// Writing the stream's files failed.
    case storage(path: String, reason: String)
    /// The listener could not start.
    case listen(host: String, port: Int, reason: String)
    /// The SRT listener could not start.
    case srtListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .unsupportedRTMPVersion(let version):
            return "RTMP handshake asked for version \(version); only plain RTMP (version 3) is supported (use rtmp://, not rtmpe://)"
        case .truncated(let what):
            return "input ended inside \(what)"
        case .malformedChunk(let why):
            return "malformed RTMP chunk: \(why)"
        case .limitExceeded(let why):
            return "RTMP peer exceeded a limit: \(why)"
        case .malformedAMF(let why):
            return "malformed AMF0 value: \(why)"
        case .protocolViolation(let why):
            return "RTMP protocol violation: \(why)"
        case .unsupportedCodec(let what):
            return "unsupported codec \(what): publish H.264 video with AAC audio (MP3, MP2, AC-3 or G.711 audio is converted to AAC)"
        case .malformedMedia(let why):
            return "malformed media payload: \(why)"
        case .storage(let path, let reason):
            return "cannot write live segment file \(path): \(reason)"
        case .listen(let host, let port, let reason):
            return "cannot listen for RTMP on \(host):\(port): \(reason)"
        case .srtListen(let host, let port, let reason):
            return "cannot listen for SRT on \(host):\(port) (UDP): \(reason)"
        }
    }
}
