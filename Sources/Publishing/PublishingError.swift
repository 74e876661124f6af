import MediaCore

/// Refusals of the publishing path, in domain terms. The origin maps each case to an HTTP status
/// (Origin/Server/PublishingError+HTTP.swift); the CLI prints the description as its one error line.
public enum PublishingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The asset id is taken (catalog or files) and the caller did not ask to replace it.
    case assetExists(AssetID, hint: String)
    /// Something the request names does not exist (a live stream, an asset folder).
    case notFound(String)
    /// The request cannot be carried out as asked (e.g. no segment in the archive range).
    case refused(String)
    /// The source changed under the operation (e.g. a live segment left the DVR window); a retry may work.
    case sourceChanged(String)
    /// An ingest job that cannot run at all.
    case badJob(id: String, reason: String)

    public var description: String {
        switch self {
        case .assetExists(let asset, let hint): return "asset '\(asset)' already exists: \(hint)"
        case .notFound(let what): return "\(what) does not exist"
        case .refused(let reason): return reason
        case .sourceChanged(let reason): return reason
        case .badJob(let id, let reason): return "ingest job \(id) cannot run: \(reason)"
        }
    }
}
