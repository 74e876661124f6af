import Foundation
import S3
import Storage

/// `storage.url: s3://BUCKET/PREFIX`, read once at start-up.
public struct S3StorageLocation: Sendable, Equatable {
    public var bucket: String
    public var prefix: String

    /// Nil when `url` is not an `s3://` URL; throws when it is one without a valid bucket.
    public init?(_ url: String) throws {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst("s3://".count)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bucket = parts.first.map(String.init) ?? ""
        guard !bucket.isEmpty else {
            throw S3Error.invalidConfiguration("storage.url '\(url)' names no bucket: use s3://BUCKET/PREFIX")
        }
        self.bucket = bucket
        prefix = parts.count > 1 ? String(parts[1]) : ""
    }
}

extension S3MediaStore {
    /// The store for `storage.url: s3://...`: the bucket client (keys from the AWS variables), the cache
    /// at `cacheDirectory/objects` and the local staging and uploads in `work`.
    public static func open(location: S3StorageLocation, endpoint: String?, region: String, pathStyle: Bool,
                            cacheDirectory: URL, cacheMaxBytes: Int, work: DataDirectory,
                            environment: [String: String]) throws -> S3MediaStore {
        guard let credentials = S3Credentials.fromEnvironment(environment) else {
            throw S3Error.invalidConfiguration("storage.url is s3://\(location.bucket): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        let bucket = try S3Endpoint(endpoint: endpoint, region: region, bucket: location.bucket, pathStyle: pathStyle)
        let cache = try ObjectCache(directory: cacheDirectory.appendingPathComponent("objects"), maxBytes: cacheMaxBytes)
        // Reads for viewers fail within seconds when the store is down (two tries, 5 s each; then
        // `StoreOutage` answers at once); writes keep the patient defaults.
        let reader = S3Client(endpoint: bucket, credentials: credentials,
                              retry: RetryPolicy(attempts: 2, baseMilliseconds: 50, capMilliseconds: 250), requestTimeout: .seconds(5))
        return S3MediaStore(client: S3Client(endpoint: bucket, credentials: credentials), prefix: location.prefix,
                            cache: cache, work: work, reader: reader)
    }

    /// Nil when the bucket answers with these keys; otherwise what is wrong (for `/readyz`).
    public func problem() async -> String? {
        do {
            try await client.checkBucket()
            return nil
        } catch {
            return "object store: \((error as? S3Error)?.description ?? "\(error)")"
        }
    }
}
