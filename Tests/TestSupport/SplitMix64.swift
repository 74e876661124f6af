/// SplitMix64 (Steele, Lea, Flood 2014): a tiny deterministic generator for fuzz-style tests, so a failing
/// case can be replayed from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    /// Starts at `state` itself: the first output mixes `state + γ`.
    public init(state: UInt64) { self.state = state }

    /// Starts one step of γ past `seed` (the live tests' seeding; their seeds replay the same sequences).
    public init(seed: UInt64) { state = seed &+ Self.gamma }

    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
}
