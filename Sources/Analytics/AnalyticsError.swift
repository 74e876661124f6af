/// Why a batch of playback events or an analytics query was refused; each message names what to fix.
public enum AnalyticsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The body is not a JSON object with an `events` array.
    case malformedBatch(String)
    /// Event number `index` (0-based) of the batch is wrong.
    case badEvent(index: Int, reason: String)
    /// More bytes or events than one batch may hold.
    case batchTooLarge(String)
    /// An analytics query parameter is wrong.
    case badQuery(String)

    public var description: String {
        switch self {
        case .malformedBatch(let reason): return "the body must be JSON {\"events\": [...]}: \(reason)"
        case .badEvent(let index, let reason): return "event \(index): \(reason)"
        case .batchTooLarge(let reason): return "batch too large: \(reason)"
        case .badQuery(let reason): return reason
        }
    }
}
