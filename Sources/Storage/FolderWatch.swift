#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A change counter for published asset folders, driven by inotify(7): `vod/` itself (an asset folder
/// renamed in, swapped or renamed away: publish, replace, delete) and every asset folder the open-file
/// cache opened (a `version` file renamed in: restamp; any entry added, removed or its attributes changed).
/// Those are exactly the changes that move a folder's lstat identity (device, inode, modification and
/// change times), so while `generation` stays the same, a folder found unchanged before is still unchanged
/// and `OpenAssetCache` can skip the lstat(2) it made per request (7 % of a cached manifest request, perf,
/// docs/perf-notes.md session 8).
///
/// The kernel queues an event inside the rename(2) that makes the change, in this process or any other,
/// and a thread of this watch, blocked in poll(2) on the inotify descriptor, bumps the counter as soon as
/// it runs. Where inotify is not available (another OS, no /proc, a failed init) `generation` is nil and
/// the cache checks with lstat on every request, as before.
///
/// Stopped when the last reference goes (a byte down a pipe wakes the thread, which closes the descriptors).
final class FolderWatch: Sendable {
    /// Nil only for `blind()`.
    private let core: Core?

    /// Nil when `root` cannot be watched.
    init?(root: String) {
        guard let core = Core(root: root) else { return nil }
        self.core = core
    }

    private init() { core = nil }

    /// A watch that reports no change ever (tests: what the time bound alone guarantees, as for a folder
    /// shared over the network whose changes inotify does not see).
    static func blind() -> FolderWatch { FolderWatch() }

    deinit { core?.stop() }

    /// The current count of changes seen, nil when the folders are not watched (then nothing may be trusted
    /// without looking). Read it before looking at a folder: an event after the look then moves it.
    var generation: UInt64? {
        guard let core else { return 0 }
        guard core.alive.load(ordering: .acquiring) else { return nil }
        return core.generation.load(ordering: .acquiring)
    }

    /// Watches the folder behind an open descriptor (the inode actually opened, through /proc/self/fd, not
    /// whatever the path names by now); false when it could not be watched.
    func watch(descriptor: CInt) -> Bool {
        guard let core else { return true }
        return core.add("/proc/self/fd/\(descriptor)")
    }

    /// The descriptors and the counter, shared with the thread (which must not keep the watch itself alive).
    final class Core: Sendable {
        let generation = Atomic<UInt64>(0)
        /// False once the thread stopped reading events (an error of poll(2)): nothing is trusted from then on.
        let alive = Atomic<Bool>(true)
        private let inotify: CInt
        private let wake: (read: CInt, write: CInt)

        #if os(Linux)
        static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

        /// Nil when inotify, the root's watch, the pipe or the thread could not be had.
        init?(root: String) {
            inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard inotify >= 0 else { return nil }
            var fds: [CInt] = [0, 0]
            guard inotify_add_watch(inotify, root, Self.mask | UInt32(IN_ONLYDIR)) >= 0,
                  pipe(&fds) == 0 else {
                close(inotify)
                return nil
            }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            wake = (fds[0], fds[1])
            let thread = Thread { [self] in self.run() }
            thread.name = "mediaserve-folder-watch"
            thread.start()
        }

        func add(_ path: String) -> Bool {
            inotify_add_watch(inotify, path, Self.mask | UInt32(IN_ONLYDIR)) >= 0
        }

        /// Blocks until events come, reads them all and counts one change per batch (which folder changed
        /// does not matter: an unrelated change only costs the cache one lstat per folder).
        private func run() {
            var polled = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                          pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let ready = poll(&polled, 2, -1)
                if ready < 0, errno == EINTR { continue }
                if polled[1].revents != 0 { break }
                if ready < 0 || polled[0].revents & Int16(POLLERR | POLLNVAL) != 0 {
                    alive.store(false, ordering: .releasing)
                    return  // the descriptors stay open until stop: `add` may still be called
                }
                var drained = false
                while !drained {
                    let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
                    drained = count <= 0
                }
                // Queue overflow (IN_Q_OVERFLOW) lost events, and is itself an event: counted the same way.
                generation.wrappingAdd(1, ordering: .releasing)
            }
            close(inotify)
            close(wake.read)
            close(wake.write)
        }

        func stop() {
            var byte: UInt8 = 1
            _ = write(wake.write, &byte, 1)
            if !alive.load(ordering: .acquiring) {
                close(inotify)
                close(wake.read)
                close(wake.write)
            }
        }
        #else
        init?(root: String) { return nil }
        func add(_ path: String) -> Bool { false }
        func stop() {}
        #endif
    }
}
