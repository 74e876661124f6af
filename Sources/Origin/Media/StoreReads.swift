import NIOPosix
import Storage

/// Store reads from async handlers. A remote store's read may wait on the network (a cold miss downloads
/// the object), and the storage protocol is synchronous: made on the handler's own thread, such waits
/// would hold Swift's cooperative pool (one thread per core), and with it every other async handler, for
/// as long as the store takes. They run here instead, on threads that only ever wait; a local store's
/// reads (the disk, microseconds) stay where they are.
enum StoreReads {
    /// Sixteen cold misses in flight at once per origin: enough to fill a CDN's burst of first requests
    /// without opening an unbounded number of downloads.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    static func run<T: Sendable>(_ store: any MediaStore, _ read: @escaping @Sendable () throws -> T) async throws -> T {
        guard store.readsWaitOnNetwork else { return try read() }
        return try await pool.runIfActive(read)
    }
}
