import CSRT

/// What a caller presents during the handshake, before libsrt accepts the connection.
public struct SRTHandshake: Sendable, Equatable {
    /// `SRTO_STREAMID` as the caller sent it (empty when none).
    public var streamID: String
    /// `host:port` of the caller.
    public var peer: String
}

/// The listen callback's answer: accept, or refuse with a reason the caller is told.
public enum SRTVerdict: Sendable, Equatable {
    case accept
    case reject(SRTRejection)
}

/// The Swift closure behind `srt_listen_callback`, kept alive by its socket.
final class ListenHook {
    let decide: @Sendable (SRTHandshake) -> SRTVerdict
    init(_ decide: @escaping @Sendable (SRTHandshake) -> SRTVerdict) { self.decide = decide }
}

extension SRTSocket {
    /// Binds to `host:port` (port 0 picks a free one; see `localPort`).
    public func bind(host: String, port: Int) throws(SRTError) {
        guard var address = SocketAddress(host: host, port: port) else {
            throw SRTError(call: "getaddrinfo", code: Int32(SRT_EINVPARAM.rawValue), message: "cannot resolve '\(host)'",
                           subject: "\(host):\(port)")
        }
        let result = address.withSockaddr { srt_bind(handle, $0, $1.pointee) }
        guard result != SRT_ERROR else { throw SRTError.last("srt_bind") }
    }

    /// The bound port.
    public var localPort: Int {
        var address = SocketAddress()
        let result = address.withSockaddr { srt_getsockname(handle, $0, $1) }
        return result == SRT_ERROR ? 0 : address.port
    }

    /// Decides on every caller during its handshake, on libsrt's receiver thread (so `decide` must be
    /// quick and must not block). A refusal reaches the caller as `SRTError.rejection`. Set before `listen`.
    public func onHandshake(_ decide: @escaping @Sendable (SRTHandshake) -> SRTVerdict) throws(SRTError) {
        let hook = ListenHook(decide)
        self.hook = hook
        let result = srt_listen_callback(handle, srtListenCallback, Unmanaged.passUnretained(hook).toOpaque())
        guard result != SRT_ERROR else { throw SRTError.last("srt_listen_callback") }
    }

    /// Starts listening (after `bind`).
    public func listen(backlog: Int) throws(SRTError) {
        guard srt_listen(handle, Int32(backlog)) != SRT_ERROR else { throw SRTError.last("srt_listen") }
        let poll = srt_epoll_create()
        guard poll >= 0 else { throw SRTError.last("srt_epoll_create") }
        var events = Int32(SRT_EPOLL_IN.rawValue | SRT_EPOLL_ERR.rawValue)
        guard srt_epoll_add_usock(poll, handle, &events) != SRT_ERROR else {
            srt_epoll_release(poll)
            throw SRTError.last("srt_epoll_add_usock")
        }
        acceptPoll = poll
    }

    /// The next caller that completed its handshake, or nil when none arrived within the timeout (so a
    /// loop around it can notice that it should stop).
    public func accept(timeoutMilliseconds: Int) throws(SRTError) -> SRTSocket? {
        guard let acceptPoll, !isClosed else { throw SRTError(call: "srt_accept", code: Int32(SRT_EINVSOCK.rawValue), message: "the listener is closed") }
        var ready = [SRTSOCKET](repeating: SRT_INVALID_SOCK, count: 1)
        var readyCount: Int32 = 1
        let waited = srt_epoll_wait(acceptPoll, &ready, &readyCount, nil, nil, Int64(timeoutMilliseconds), nil, nil, nil, nil)
        if waited <= 0 {
            let error = SRTError.last("srt_epoll_wait")
            if waited == 0 || error.isTimeout { return nil }
            throw error
        }
        var address = SocketAddress()
        let accepted = address.withSockaddr { srt_accept(handle, $0, $1) }
        guard accepted != SRT_INVALID_SOCK else { throw SRTError.last("srt_accept") }
        let socket = SRTSocket(handle: accepted)
        socket.peer = address.text
        return socket
    }
}

/// libsrt's listen callback: non-zero refuses the caller, with the reason set on its socket.
private func srtListenCallback(_ opaque: UnsafeMutableRawPointer?, _ socket: SRTSOCKET, _ version: Int32,
                               _ peer: UnsafePointer<sockaddr>?, _ streamID: UnsafePointer<CChar>?) -> Int32 {
    guard let opaque else { return 0 }
    let hook = Unmanaged<ListenHook>.fromOpaque(opaque).takeUnretainedValue()
    let handshake = SRTHandshake(streamID: streamID.map { String(cString: $0) } ?? "",
                                 peer: peer.map { SocketAddress(copying: $0).text } ?? "unknown address")
    switch hook.decide(handshake) {
    case .accept:
        return 0
    case .reject(let reason):
        srt_setrejectreason(socket, reason.rawValue)
        return -1
    }
}
