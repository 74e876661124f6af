#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The system calls `FastPathFront` makes on a connection's socket itself, ahead of NIO's write path, while
/// nothing of the connection waits in NIO's outbound buffer: what the socket takes now needs no pending
/// write, no promise, no flush and no writability event (on a cached manifest or a segment that fits the
/// socket buffer, that path was most of our user time above nginx's; docs/perf-notes.md, session 10).
/// Whatever the socket does not take at once goes on through NIO as before, which waits for writability.
///
/// Non-blocking calls only, and never an error raised here: an error (the peer reset, a closed socket)
/// reads as "nothing taken", so the same bytes go to NIO, which meets the error itself and closes the
/// channel its usual way.
enum DirectSocketWrite {
    /// Bytes of `buffer` the socket took (0 when it would block or failed). `more`: the caller sends more of
    /// the same answer at once, so the kernel holds a partial packet for it (MSG_MORE, nginx's `tcp_nopush`).
    static func send(_ socket: CInt, _ buffer: ByteBuffer, more: Bool) -> Int {
        let flags = Int32(MSG_NOSIGNAL | MSG_DONTWAIT) | (more ? Int32(MSG_MORE) : 0)
        return buffer.withUnsafeReadableBytes { bytes -> Int in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
            while true {
                let sent = Glibc.send(socket, base, bytes.count, flags)
                if sent >= 0 { return sent }
                if errno != EINTR { return 0 }
            }
        }
    }

    /// Bytes of `file` from `offset` (at most `count`) the socket took with sendfile(2); 0 when it would
    /// block or failed. The file's own offset is not moved (the open-file cache shares the descriptor).
    static func sendfile(_ socket: CInt, file: CInt, offset: Int, count: Int) -> Int {
        guard count > 0 else { return 0 }
        var position = off_t(offset)
        while true {
            let sent = Glibc.sendfile(socket, file, &position, count)
            if sent >= 0 { return sent }
            if errno != EINTR { return 0 }
        }
    }
}
