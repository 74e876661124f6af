import Foundation

/// The origin's wall clock in seconds since 1970. Live manifests and `/time` read it through an injected
/// closure (`OriginServer(clock:)`), so timing that is behaviour can be fixed in tests.
public enum OriginClock {
    public static let system: @Sendable () -> Double = { Date().timeIntervalSince1970 }
}
