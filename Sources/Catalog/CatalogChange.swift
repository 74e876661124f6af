/// A change another node made to the catalog, as a shared catalog announces it (PostgreSQL's
/// LISTEN/NOTIFY, issue 14), so in-memory indexes drop what they hold about it.
public enum CatalogChange: Sendable, Hashable {
    /// An asset was published, replaced or deleted.
    case asset(String)
    /// A live stream was deleted.
    case stream(String)
    /// Notices may have been missed (the listener was disconnected): forget everything.
    case everything

    /// The change a notice's payload (`asset <id>`, `stream <id>`) names; nil for anything else.
    public init?(payload: String) {
        let parts = payload.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "asset": self = .asset(parts[1])
        case "stream": self = .stream(parts[1])
        default: return nil
        }
    }
}
