import Hummingbird
import Protection

/// Whether a request may receive the keys of an item: the seam where access control (issue 12, signed
/// URLs and JWT) plugs in so "a token that opens the asset also opens its keys, and nothing else does".
/// The decision takes the same request the media routes see (query token, Authorization header).
public protocol KeyAccessPolicy: Sendable {
    func allowsKeys(of owner: KeyOwner, request: Request, context: OriginRequestContext) async throws -> Bool
}

/// Without access control (no `AccessGate`): whoever can fetch the item's manifest can fetch its keys.
public struct OpenKeyAccess: KeyAccessPolicy {
    public init() {}
    public func allowsKeys(of owner: KeyOwner, request: Request, context: OriginRequestContext) async throws -> Bool { true }
}
