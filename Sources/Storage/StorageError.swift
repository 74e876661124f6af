import MediaCore

/// Errors of the data directory, each naming the path or asset and what to do about it.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case notWritable(path: String, reason: String)
    case invalidJobName(String)
    case invalidFileName(String)
    /// `publish` was given a folder that is not directly inside data/staging/.
    case notInStaging(path: String, staging: String)
    /// The staged folder does not have the shape of an asset (one sub-folder per rendition, each with init.mp4).
    case invalidStagedAsset(path: String, reason: String)
    case assetExists(AssetID)
    /// An asset version stamp below 1 (versions count publishes from 1).
    case invalidVersion(Int)
    case insufficientSpace(path: String, needed: Int64, available: Int64)
    /// A write failed with ENOSPC or EDQUOT: the disk (or the user's quota) holding `path` is full.
    case diskFull(path: String)
    /// A system call failed; `reason` is strerror text.
    case io(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .notWritable(let path, let reason):
            return "data directory \(path) is not writable (\(reason)): check its owner and permissions or choose another with --data-dir"
        case .invalidJobName(let name):
            return "'\(name)' is not a valid job name for a staging folder: use letters, digits, '.', '-' and '_' (not first), at most 128 characters"
        case .invalidFileName(let name):
            return "'\(name)' is not a segment file name: expected init.mp4, init-<number>.mp4 or seg-<number>.m4s"
        case .notInStaging(let path, let staging):
            return "\(path) is not a staging folder: publish only folders made by newStaging (inside \(staging))"
        case .invalidStagedAsset(let path, let reason):
            return "staged asset \(path) cannot be published: \(reason)"
        case .assetExists(let asset):
            return "asset '\(asset)' already exists: delete it first or publish with replace"
        case .invalidVersion(let version):
            return "asset version \(version) cannot be stamped: versions start at 1"
        case .insufficientSpace(let path, let needed, let available):
            return "not enough free space in \(path): need \(needed / 1_048_576) MiB, \(available / 1_048_576) MiB available"
        case .diskFull(let path):
            return "the disk holding \(path) is full: free some space (e.g. delete assets) and try again"
        case .io(let operation, let path, let reason):
            return "\(operation) \(path) failed: \(reason)"
        }
    }
}
