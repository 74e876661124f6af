/// One AES-128 content key with its key id: what a viewer's player needs to decrypt an asset (or one key
/// period of a live stream), and what the catalog stores sealed under the master key.
public struct ContentKey: Hashable, Sendable {
    public let id: KeyID
    /// 16 bytes.
    public let key: [UInt8]

    public init(id: KeyID, key: [UInt8]) throws {
        guard key.count == 16 else { throw ProtectionError.badKeyLength(kid: id, count: key.count) }
        self.id = id
        self.key = key
    }

    /// A new random key with a new random key id (server-generated keys, no key server configured).
    public static func generate() -> ContentKey {
        try! ContentKey(id: .random(), key: SecureRandom.bytes(16))
    }

    public var keyHex: String { Hex.encode(key) }
    public var keyBase64url: String { Base64URL.encode(key) }
}

/// The key that encrypts one stretch of a stream: the whole asset for VOD (`index` 0), or one
/// `drm.key_rotation_seconds` period of a live stream.
public struct KeyPeriod: Hashable, Sendable {
    public let index: Int
    public let key: ContentKey

    public init(index: Int, key: ContentKey) {
        self.index = index
        self.key = key
    }
}

/// Which key period a moment of a live stream falls in. Pure arithmetic on media time, so every origin
/// (and every restart) cuts the same periods: period `n` covers `[n * seconds, (n + 1) * seconds)` of the
/// stream's media clock. A segment belongs to the period its first sample starts in, so a key changes
/// only at a segment boundary.
public struct KeyRotation: Hashable, Sendable {
    /// 0 = no rotation: everything is period 0.
    public let periodSeconds: Int

    public init(periodSeconds: Int) {
        self.periodSeconds = max(0, periodSeconds)
    }

    public var isRotating: Bool { periodSeconds > 0 }

    public func periodIndex(atSeconds seconds: Double) -> Int {
        guard periodSeconds > 0, seconds > 0 else { return 0 }
        return Int((seconds / Double(periodSeconds)).rounded(.down))
    }

    /// The period of a segment starting at `start` ticks of `timescale`.
    public func periodIndex(start: Int64, timescale: Int) -> Int {
        guard periodSeconds > 0, timescale > 0, start > 0 else { return 0 }
        return Int(start / (Int64(periodSeconds) * Int64(timescale)))
    }
}
