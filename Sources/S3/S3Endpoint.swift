import Foundation

/// Where a bucket is: the endpoint URL, the region its requests are signed for, and whether the bucket
/// goes in the path (`http://host/bucket/key`: MinIO, rclone, moto, most self-hosted stores) or in the
/// host name (`https://bucket.s3.amazonaws.com/key`: AWS).
public struct S3Endpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int?
    public var region: String
    public var bucket: String
    public var pathStyle: Bool

    /// `endpoint` is `http(s)://host[:port]`; nil for AWS's regional endpoint.
    public init(endpoint: String?, region: String, bucket: String, pathStyle: Bool) throws {
        let text = endpoint ?? "https://s3.\(region).amazonaws.com"
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/" else {
            throw S3Error.invalidConfiguration("storage.s3.endpoint '\(text)' is not an http(s)://host[:port] URL")
        }
        guard S3Endpoint.isValidBucketName(bucket) else {
            throw S3Error.invalidConfiguration("'\(bucket)' is not an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-'")
        }
        self.scheme = scheme
        self.host = host
        self.port = url.port
        self.region = region
        self.bucket = bucket
        self.pathStyle = pathStyle
    }

    static func isValidBucketName(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count) && name.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    /// The `Host` header value.
    var hostHeader: String {
        let name = pathStyle ? host : "\(bucket).\(host)"
        return port.map { "\(name):\($0)" } ?? name
    }

    /// The unencoded path of an object (`""` for the bucket itself).
    func path(key: String) -> String {
        pathStyle ? "/\(bucket)/\(key)" : "/\(key)"
    }

    /// The URL of a request, its path encoded as it is signed.
    func url(path: String, query: String) -> String {
        let encoded = SigV4Signer.uriEncode(path, keepSlash: true)
        return "\(scheme)://\(hostHeader)\(encoded)\(query.isEmpty ? "" : "?" + query)"
    }

    /// For messages: `s3://bucket at http://host:port`.
    public var description: String { "s3://\(bucket) at \(scheme)://\(host)\(port.map { ":\($0)" } ?? "")" }
}
