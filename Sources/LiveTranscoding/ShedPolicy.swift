/// When a live stream's encoders have fallen behind real time (pure, so it is tested without encoding):
/// each measured lag (seconds between a source picture's arrival and its encoded output) is compared with
/// the budget; over it, the most expensive rung is shed. After a shed the backlog needs time to drain,
/// so another rung is shed only if the lag is still over budget `settle` seconds later.
public struct ShedPolicy: Sendable, Equatable {
    public let budgetSeconds: Double
    public let settleSeconds: Double
    private var lastShedAt: Double?

    public init(budgetSeconds: Double, settleSeconds: Double? = nil) {
        self.budgetSeconds = budgetSeconds
        self.settleSeconds = settleSeconds ?? max(2, budgetSeconds)
    }

    /// True when a rung should be shed now (`now` in seconds on any steady clock).
    public mutating func shouldShed(lagSeconds: Double, now: Double) -> Bool {
        guard lagSeconds > budgetSeconds else { return false }
        if let last = lastShedAt, now - last < settleSeconds { return false }
        lastShedAt = now
        return true
    }
}
