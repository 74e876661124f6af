import MediaCore

/// Errors of the catalog, each naming the database file, asset or job involved.
public enum CatalogError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    /// The file exists but is not an SQLite database, or is damaged.
    case corrupt(path: String, reason: String)
    /// The database was migrated by a newer mediaserve: refusing to touch it protects its data.
    case newerSchema(path: String, unknownMigrations: [String])
    case assetExists(AssetID)
    /// The renditions handed to `publishAsset` cannot form a valid asset.
    case invalidIndex(asset: AssetID, reason: String)
    case invalidJobOptions(reason: String)
    case jobNotFound(String)
    case jobState(id: String, state: JobState, expected: [JobState])
    case liveStreamExists(SafeName)
    case liveStreamKeyInUse
    /// The streams file gives `configured` a key that `holder` (a stream the file does not list) uses.
    case liveStreamKeyCollision(configured: SafeName, holder: SafeName)
    /// A stored value this version cannot read (e.g. a state written by a newer version).
    case invalidStoredValue(table: String, column: String, value: String)
    case database(operation: String, reason: String)
    /// SQLite could not write: the disk holding the catalog is full. Nothing was changed.
    case diskFull(operation: String, path: String)
    /// The catalog's server (PostgreSQL) cannot be reached or did not answer in time. Nothing was changed
    /// that the caller can see; the store reconnects by itself once the server is back.
    case unavailable(location: String, reason: String)
    /// The job's lease lapsed and another worker took it over (issue 14): this worker must stop, and
    /// must not publish or finish it.
    case leaseLost(job: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open catalog \(path): \(reason)"
        case .corrupt(let path, let reason):
            return "catalog \(path) is not a valid database (\(reason)): restore it from a backup or move it away to start an empty catalog"
        case .newerSchema(let path, let unknown):
            return "catalog \(path) was written by a newer mediaserve (unknown migrations: \(unknown.joined(separator: ", "))): upgrade mediaserve to use it"
        case .assetExists(let id):
            return "asset '\(id)' already exists: delete it first or replace it"
        case .invalidIndex(let asset, let reason):
            return "cannot publish asset '\(asset)': \(reason)"
        case .invalidJobOptions(let reason):
            return "job options are not a JSON object: \(reason)"
        case .jobNotFound(let id):
            return "no job with id '\(id)'"
        case .jobState(let id, let state, let expected):
            return "job '\(id)' is \(state.rawValue), expected \(expected.map(\.rawValue).joined(separator: " or "))"
        case .liveStreamExists(let id):
            return "live stream '\(id)' already exists"
        case .liveStreamKeyInUse:
            return "that stream key is already used by another live stream: choose another key"
        case .liveStreamKeyCollision(let configured, let holder):
            return "the streams file gives live stream '\(configured)' the key of live stream '\(holder)': every stream needs its own key (change it in the file, or delete '\(holder)')"
        case .invalidStoredValue(let table, let column, let value):
            return "catalog holds '\(value)' in \(table).\(column), which this version of mediaserve does not know"
        case .database(let operation, let reason):
            return "catalog \(operation) failed: \(reason)"
        case .diskFull(let operation, let path):
            return "catalog \(operation) failed: the disk holding \(path) is full (nothing was changed): free some space and try again"
        case .unavailable(let location, let reason):
            return "catalog \(location) is unavailable (\(reason)): is PostgreSQL running and reachable? requests are answered 503 until it is back"
        case .leaseLost(let job):
            return "job '\(job)' is no longer leased to this worker (its lease lapsed and another worker took it over): its work here is abandoned"
        }
    }
}
