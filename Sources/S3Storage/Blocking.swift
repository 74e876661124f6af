import Dispatch
import NIOCore
import NIOPosix

/// Runs async S3 work to completion from the storage protocol's synchronous methods.
///
/// The work runs on `StorageExecutor`'s threads, never on Swift's cooperative pool: callers of the
/// synchronous storage methods include Hummingbird handlers, which sit on that pool, and the pool has one
/// thread per core. Were the work a plain task, two cold misses on a 2-core machine would hold both pool
/// threads in this wait while the tasks that would end the wait could never be scheduled: the whole server
/// stopped for good (seen with six concurrent cold segment requests). Safe from any thread but the
/// executor's own and the S3 client's event loops.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task.detached(executorPreference: StorageExecutor.shared) {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Written once by the task before the semaphore is signalled, read once after the wait.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// A task executor on event loop threads of its own, so blocking waits on the cooperative pool cannot
/// starve the S3 work they wait for. The work is mostly waiting on the network: two threads are plenty.
final class StorageExecutor: TaskExecutor {
    static let shared = StorageExecutor(group: MultiThreadedEventLoopGroup(numberOfThreads: 2))

    private let group: MultiThreadedEventLoopGroup

    private init(group: MultiThreadedEventLoopGroup) {
        self.group = group
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        group.next().execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
