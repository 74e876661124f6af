import Dispatch

/// Runs async S3 work to completion from the storage protocol's synchronous methods. Safe from any thread
/// but the S3 client's own event loops (it has a group of its own, `S3Client`'s), so a caller on the
/// origin's or the live server's event loop cannot starve the request it waits for.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task.detached {
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
