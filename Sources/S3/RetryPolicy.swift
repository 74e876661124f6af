/// When to try a request again: 5xx, 429 and transport failures, with exponential backoff and full jitter
/// (a random wait up to the doubled cap) so that many nodes retrying after one outage do not stampede.
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var baseMilliseconds: Int
    public var capMilliseconds: Int

    public init(attempts: Int = 4, baseMilliseconds: Int = 100, capMilliseconds: Int = 2_000) {
        self.attempts = max(1, attempts)
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
    }

    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (500...599).contains(status)
    }

    /// The wait before retry number `retry` (1 for the first retry), drawn from [0, min(cap, base * 2^retry)].
    public func delayMilliseconds<G: RandomNumberGenerator>(retry: Int, using generator: inout G) -> Int {
        let ceiling = min(capMilliseconds, baseMilliseconds << min(retry, 20))
        return Int.random(in: 0...max(0, ceiling), using: &generator)
    }
}
