import CSRT
import Foundation

/// One libsrt socket (listener, accepted caller or outgoing caller), closed exactly once: by `close()` or
/// in `deinit`. Blocking calls on one thread may be ended from another by `close()` (libsrt wakes them).
///
/// libsrt is started once per process on first use (`srt_startup`) and never cleaned up: its threads
/// serve every socket for the life of the process.
///
/// Sendable by hand: `closed` is behind a lock, and `peer`, `hook` and `acceptPoll` are set before the
/// socket is shared with another thread (at connect, accept, `onHandshake`, `listen`).
public final class SRTSocket: @unchecked Sendable {
    /// The largest message a live-mode peer sends (MTU 1500 minus UDP and SRT headers). A receive buffer
    /// must hold it: libsrt refuses to split a message.
    public static let maxMessageSize = Int(SRT_LIVE_MAX_PLSIZE)

    let handle: SRTSOCKET
    /// Where the other side is (accepted and connected sockets), for log lines.
    public internal(set) var peer: String = ""
    private let lock = NSLock()
    private var closed = false
    /// The listen callback's context; released only after the socket is closed (see `close()`).
    var hook: ListenHook?
    /// The epoll set a listener waits on in `accept(timeoutMilliseconds:)`.
    var acceptPoll: Int32?

    /// A new, unconnected socket (live mode, blocking).
    public convenience init() throws(SRTError) {
        SRTLibrary.start()
        let handle = srt_create_socket()
        guard handle != SRT_INVALID_SOCK else { throw SRTError.last("srt_create_socket") }
        self.init(handle: handle)
    }

    init(handle: SRTSOCKET) {
        self.handle = handle
    }

    deinit { close() }

    /// Closes the socket (a connected peer sees the connection end). Safe to call more than once. Once it
    /// returns libsrt runs no listen callback of this socket any more, so its context can go.
    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        if let acceptPoll { srt_epoll_release(acceptPoll) }
        srt_close(handle)
        hook = nil
    }

    public var isClosed: Bool { lock.withLock { closed } }

    /// Sets an option; most must be set before `bind`/`connect` (an accepted socket inherits the
    /// listener's).
    public func set(_ option: SRTOption) throws(SRTError) {
        let result: Int32
        switch option {
        case .latencyMilliseconds(let value): result = setInt(SRTO_LATENCY, value)
        case .receiveTimeoutMilliseconds(let value): result = setInt(SRTO_RCVTIMEO, value)
        case .passphrase(let text): result = setString(SRTO_PASSPHRASE, text)
        case .streamID(let text): result = setString(SRTO_STREAMID, text)
        }
        guard result != SRT_ERROR else { throw SRTError.last("srt_setsockflag(\(option.name))", socket: handle) }
    }

    private func setInt(_ option: SRT_SOCKOPT, _ value: Int) -> Int32 {
        var number = Int32(clamping: value)
        return srt_setsockflag(handle, option, &number, Int32(MemoryLayout<Int32>.size))
    }

    private func setString(_ option: SRT_SOCKOPT, _ text: String) -> Int32 {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { srt_setsockflag(handle, option, $0.baseAddress, Int32($0.count)) }
    }

    /// The stream id the caller sent (`srt://…?streamid=…`); empty when it sent none.
    public var streamID: String {
        var buffer = [UInt8](repeating: 0, count: 513)
        var length = Int32(buffer.count)
        guard srt_getsockflag(handle, SRTO_STREAMID, &buffer, &length) != SRT_ERROR else { return "" }
        return String(decoding: buffer.prefix(Int(max(0, length))), as: UTF8.self)
    }

    /// Connects to a listener as a caller; blocks until connected or refused (then `SRTError.rejection`
    /// says why).
    public func connect(host: String, port: Int) throws(SRTError) {
        guard var address = SocketAddress(host: host, port: port) else {
            throw SRTError(call: "getaddrinfo", code: Int32(SRT_EINVPARAM.rawValue), message: "cannot resolve \(host)")
        }
        let result = address.withSockaddr { srt_connect(handle, $0, $1.pointee) }
        guard result != SRT_ERROR else { throw SRTError.last("srt_connect", subject: "\(host):\(port)", socket: handle) }
        peer = address.text
    }

    /// Sends one message (at most `maxMessageSize` bytes; 1316 = 7 TS packets is the usual).
    public func send(_ bytes: [UInt8]) throws(SRTError) {
        let result = bytes.withUnsafeBytes { srt_send(handle, $0.baseAddress?.assumingMemoryBound(to: CChar.self), Int32($0.count)) }
        guard result != SRT_ERROR else { throw SRTError.last("srt_send", subject: peer) }
    }

    /// Receives one message into `buffer` (which must hold `maxMessageSize` bytes); nil when the receive
    /// timeout passed without data. Throws when the connection is gone (`SRTError.isConnectionGone`).
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SRTError) -> Int? {
        let count = srt_recvmsg(handle, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
        if count == SRT_ERROR {
            let error = SRTError.last("srt_recvmsg", subject: peer)
            if error.isTimeout { return nil }
            throw error
        }
        return Int(count)
    }
}

/// The socket options mediaserve sets.
public enum SRTOption: Sendable {
    /// Receiver latency (both directions' agreed latency is the larger of the two sides').
    case latencyMilliseconds(Int)
    /// How long a blocking receive waits before returning nil.
    case receiveTimeoutMilliseconds(Int)
    /// AES key derivation passphrase, 10 to 79 characters (both sides must match).
    case passphrase(String)
    /// What a caller asks for (`#!::r=<key>,m=publish` or a plain key).
    case streamID(String)

    var name: String {
        switch self {
        case .latencyMilliseconds: return "SRTO_LATENCY"
        case .receiveTimeoutMilliseconds: return "SRTO_RCVTIMEO"
        case .passphrase: return "SRTO_PASSPHRASE"
        case .streamID: return "SRTO_STREAMID"
        }
    }
}

extension SRTError {
    /// The peer left, the connection broke, or the socket was closed here: the stream has ended.
    public var isConnectionGone: Bool {
        [SRT_ECONNLOST, SRT_ENOCONN, SRT_EINVSOCK, SRT_ESCLOSED].map { Int32($0.rawValue) }.contains(code)
    }
}

/// `srt_startup` once per process.
enum SRTLibrary {
    private static let started: Bool = {
        srt_startup()
        // LOG_CRIT: at LOG_ERR libsrt writes a stderr line for every refused handshake and stray
        // datagram; mediaserve logs refusals itself, with the stream they concern.
        srt_setloglevel(2)
        return true
    }()

    static func start() { _ = started }
}
