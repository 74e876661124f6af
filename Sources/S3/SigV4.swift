import Crypto
import Foundation

/// AWS Signature Version 4 as S3 uses it (no path normalisation, single URI encoding), as pure functions of
/// the request's parts and the clock, so AWS's published test vectors check it without a network.
public struct SigV4Signer: Sendable {
    public var credentials: S3Credentials
    public var region: String
    public var service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The parts of a request that are signed. `path` is not yet encoded; `headers` are as sent (names in
    /// any case, repeated names allowed, in order) and must already hold `Host` and `X-Amz-Date`.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        public var payloadHash: String

        public init(method: String, path: String, query: [(name: String, value: String)] = [],
                    headers: [(name: String, value: String)], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The SHA-256 of an empty body, the payload hash of every request without one.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public static func hexSHA256<D: DataProtocol>(_ bytes: D) -> String {
        SHA256.hash(data: bytes).hexString
    }

    /// `20150830T123600Z` for a moment (UTC).
    public static func amzDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// RFC 3986 percent-encoding as SigV4 defines it: only `A-Z a-z 0-9 - _ . ~` stay; `/` too when
    /// encoding a path.
    public static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out.append(String(format: "%%%02X", byte))
            }
        }
        return out
    }

    /// The encoded query string, sorted by name then value (also the query a client sends).
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map {
            (uriEncode($0.name, keepSlash: false), uriEncode($0.value, keepSlash: false))
        }
        let sorted = encoded.sorted { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Lower-case names, values trimmed with inner runs of spaces collapsed, repeated names joined with
    /// commas in the order sent, sorted by name.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var merged: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[header.name.lowercased(), default: []].append(value)
        }
        return merged.map { ($0.key, $0.value.joined(separator: ",")) }.sorted { $0.0 < $1.0 }
    }

    public func canonicalRequest(_ request: Request) -> String {
        let headers = Self.canonicalHeaders(request.headers)
        return [
            request.method,
            Self.uriEncode(request.path, keepSlash: true),
            Self.canonicalQuery(request.query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            headers.map(\.name).joined(separator: ";"),
            request.payloadHash,
        ].joined(separator: "\n")
    }

    func scope(amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    public func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        ["AWS4-HMAC-SHA256", amzDate, scope(amzDate: amzDate), Self.hexSHA256(Data(canonicalRequest.utf8))]
            .joined(separator: "\n")
    }

    public func signature(stringToSign: String, amzDate: String) -> String {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
        }
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [String(amzDate.prefix(8)), region, service, "aws4_request"] {
            key = hmac(key, part)
        }
        return HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key).hexString
    }

    /// The `Authorization` header value for a request whose `X-Amz-Date` header is `amzDate`.
    public func authorization(_ request: Request, amzDate: String) -> String {
        let canonical = canonicalRequest(request)
        let signed = Self.canonicalHeaders(request.headers).map(\.name).joined(separator: ";")
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, amzDate: amzDate), amzDate: amzDate)
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(amzDate: amzDate)), SignedHeaders=\(signed), Signature=\(signature)"
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

extension HashedAuthenticationCode {
    var hexString: String { Data(self).hexString }
}

extension Digest {
    var hexString: String { Data(self).hexString }
}
