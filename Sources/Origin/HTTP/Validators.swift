import Storage

/// The validators of one representation (RFC 9110 §8.8) and what a request's preconditions make of them.
public struct Validators: Sendable, Equatable {
    /// A strong entity tag, quoted (`"1a2b-3c"`).
    public var etag: String
    /// Seconds since 1970 (HTTP dates have whole seconds).
    public var lastModified: Int?

    public init(etag: String, lastModified: Int?) {
        self.etag = etag
        self.lastModified = lastModified
    }

    /// A strong tag for a file that is never rewritten in place: size, modification time in nanoseconds
    /// and inode change whenever a different file is published under the same name.
    public static func forFile(size: Int, modifiedNanoseconds: Int64, inode: UInt64) -> Validators {
        let tag = "\"\(String(size, radix: 16))-\(String(modifiedNanoseconds, radix: 16))-\(String(inode, radix: 16))\""
        return Validators(etag: tag, lastModified: Int(modifiedNanoseconds / 1_000_000_000))
    }

    /// A local file's validators: the object store's own when the file is a copy of a stored object
    /// (the same on every node), else size, modification time and inode.
    public static func forFile(_ file: LocalFile) -> Validators {
        if let store = file.storeValidator {
            return Validators(etag: store.etag, lastModified: store.lastModified ?? Int(file.modifiedNanoseconds / 1_000_000_000))
        }
        return .forFile(size: file.size, modifiedNanoseconds: file.modifiedNanoseconds, inode: file.inode)
    }

    /// Whether a GET/HEAD with these headers may be answered with 304 (RFC 9110 §13.2.2: If-None-Match wins,
    /// If-Modified-Since only counts when If-None-Match is absent).
    public func notModified(ifNoneMatch: String?, ifModifiedSince: String?) -> Bool {
        if let ifNoneMatch {
            return Self.matches(list: ifNoneMatch, etag: etag, weak: true)
        }
        if let ifModifiedSince, let lastModified, let since = HTTPDate.parse(ifModifiedSince) {
            return lastModified <= since
        }
        return false
    }

    /// Whether an `If-Range` validator still names this representation (strong comparison, or an exact date).
    public func ifRangeHolds(_ ifRange: String?) -> Bool {
        guard let ifRange = ifRange?.trimmingSpaces else { return true }
        if ifRange.hasPrefix("\"") { return ifRange == etag }
        if ifRange.hasPrefix("W/") { return false }
        guard let date = HTTPDate.parse(String(ifRange)), let lastModified else { return false }
        return date == lastModified
    }

    /// RFC 9110 §8.8.3.2 comparison of a comma list of entity tags against ours.
    static func matches(list: String, etag: String, weak: Bool) -> Bool {
        for item in list.split(separator: ",") {
            var tag = item.trimmingSpaces
            if tag == "*" { return true }
            if tag.hasPrefix("W/") {
                guard weak else { continue }
                tag = tag.dropFirst(2)
            }
            if tag == etag { return true }
        }
        return false
    }
}
