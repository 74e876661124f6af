import CSRT
#if canImport(Glibc)
import Glibc
#endif

/// A failed libsrt call: which call, libsrt's own words (`srt_getlasterror_str`), its error code, and the
/// socket or address it concerns. A refused connection also carries the reject reason the other side
/// gave (`SRTRejection`), so a caller learns *why* (unknown stream, busy, wrong passphrase).
public struct SRTError: Error, CustomStringConvertible, Equatable {
    public var call: String
    /// libsrt's `SRT_ERRNO` value (e.g. 1002 for a rejected connection).
    public var code: Int32
    public var message: String
    public var subject: String?
    /// For a refused connection: the reason the listener gave (`SRT_REJ_*` or an application code).
    public var rejection: SRTRejection?

    public init(call: String, code: Int32, message: String, subject: String? = nil, rejection: SRTRejection? = nil) {
        self.call = call
        self.code = code
        self.message = message
        self.subject = subject
        self.rejection = rejection
    }

    /// The error libsrt recorded for this thread's last failed call.
    static func last(_ call: String, subject: String? = nil, socket: SRTSOCKET? = nil) -> SRTError {
        var systemError: Int32 = 0
        let code = srt_getlasterror(&systemError)
        var message = String(cString: srt_getlasterror_str())
        // libsrt's text is generic for system failures ("unable to create/configure SRT socket"); the
        // system's own words say what to fix ("Address already in use").
        if systemError != 0, let system = strerror(systemError) { message += " (\(String(cString: system)))" }
        var rejection: SRTRejection?
        if code == Int32(SRT_ECONNREJ.rawValue), let socket {
            rejection = SRTRejection(rawValue: srt_getrejectreason(socket))
        }
        srt_clearlasterror()
        return SRTError(call: call, code: code, message: message, subject: subject, rejection: rejection)
    }

    /// The connection was refused by the other side (see `rejection`).
    public var isRejected: Bool { code == Int32(SRT_ECONNREJ.rawValue) }
    /// A receive found no data before the socket's receive timeout.
    public var isTimeout: Bool { code == Int32(SRT_EASYNCRCV.rawValue) || code == Int32(SRT_ETIMEOUT.rawValue) }

    public var description: String {
        let prefix = subject.map { "\($0): " } ?? ""
        let reason = rejection.map { " (\($0))" } ?? ""
        return "\(prefix)\(call) failed: \(message)\(reason)"
    }
}

/// Why a listener refused a caller: libsrt's own reasons (below 1000, e.g. a bad passphrase) or the
/// access-control codes an application sets (`SRT_REJX_*`, 1000 and up, modelled on HTTP statuses).
public struct SRTRejection: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The stream id does not parse (SRT_REJX_BAD_REQUEST).
    public static let badRequest = SRTRejection(rawValue: SRT_REJX_BAD_REQUEST)
    /// Too many callers at once (SRT_REJX_OVERLOAD).
    public static let overload = SRTRejection(rawValue: SRT_REJX_OVERLOAD)
    /// No stream with this key (SRT_REJX_NOTFOUND).
    public static let notFound = SRTRejection(rawValue: SRT_REJX_NOTFOUND)
    /// The caller asked for a mode other than publishing, e.g. `m=request` (SRT_REJX_BAD_MODE).
    public static let badMode = SRTRejection(rawValue: SRT_REJX_BAD_MODE)
    /// The stream already has a publisher (SRT_REJX_CONFLICT).
    public static let conflict = SRTRejection(rawValue: SRT_REJX_CONFLICT)
    /// The server is shutting down (SRT_REJX_DOWN).
    public static let down = SRTRejection(rawValue: SRT_REJX_DOWN)
    /// libsrt's own: the passphrases differ (SRT_REJ_BADSECRET).
    public static let badSecret = SRTRejection(rawValue: Int32(SRT_REJ_BADSECRET.rawValue))
    /// libsrt's own: one side encrypts and the other does not (SRT_REJ_UNSECURE).
    public static let unsecure = SRTRejection(rawValue: Int32(SRT_REJ_UNSECURE.rawValue))

    public var description: String {
        if rawValue < 1000 { return String(cString: srt_rejectreason_str(rawValue)) }
        switch self {
        case .badRequest: return "rejected: malformed stream id"
        case .overload: return "rejected: too many callers"
        case .notFound: return "rejected: unknown stream key"
        case .badMode: return "rejected: only publishing is supported"
        case .conflict: return "rejected: the stream already has a publisher"
        case .down: return "rejected: the server is shutting down"
        default: return "rejected with code \(rawValue)"
        }
    }
}
