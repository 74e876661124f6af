/// What went wrong talking to the object store, each saying what to check.
public enum S3Error: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// 403: the keys are wrong or lack permission for the bucket.
    case accessDenied(bucket: String, key: String, code: String)
    case noSuchBucket(String)
    /// The store could not be reached or kept failing (5xx, 429, timeouts) after every retry.
    case unavailable(endpoint: String, reason: String)
    /// Any other error answer from the store.
    case failed(operation: String, key: String, status: Int, code: String, message: String)
    /// The store answered with a body this client cannot read.
    case malformedResponse(operation: String, reason: String)
    /// A download was cut short or a local file could not be read or written.
    case io(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let text):
            return text
        case .accessDenied(let bucket, let key, let code):
            return "the object store refused access to s3://\(bucket)/\(key) (\(code)): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket policy"
        case .noSuchBucket(let bucket):
            return "bucket '\(bucket)' does not exist: create it or fix storage.url"
        case .unavailable(let endpoint, let reason):
            return "the object store at \(endpoint) is unavailable (\(reason)): check that it is running and reachable"
        case .failed(let operation, let key, let status, let code, let message):
            return "\(operation) \(key) failed with HTTP \(status) \(code): \(message)"
        case .malformedResponse(let operation, let reason):
            return "\(operation): the object store's answer could not be read (\(reason))"
        case .io(let operation, let path, let reason):
            return "\(operation) \(path) failed: \(reason)"
        }
    }
}
