import Foundation
import MediaCore

/// `publishing/<asset>.<folder>`: written before a publish uploads its first object and deleted after
/// its last step (the pointer moved and a replaced folder deleted, or a failed upload cleaned up). A
/// marker that stays names a publish that crashed or could not clean up, and what to delete: the new
/// folder when the pointer never moved to it, else the replaced folder.
struct PublishMarker: Equatable, Sendable {
    var asset: AssetID
    var folder: String
    var replacedFolder: String?

    var key: String { "publishing/\(asset.rawValue).\(folder)" }

    /// `"<asset> <folder> [<replaced folder>]\n"`.
    var text: String { ([asset.rawValue, folder] + (replacedFolder.map { [$0] } ?? [])).joined(separator: " ") + "\n" }

    init(asset: AssetID, folder: String, replacedFolder: String?) {
        self.asset = asset
        self.folder = folder
        self.replacedFolder = replacedFolder
    }

    /// Nil for anything but a marker's text (such an object is left alone).
    init?(_ text: String) {
        guard text.hasSuffix("\n") else { return nil }
        let parts = text.dropLast().split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), let asset = AssetID(parts[0]), parts[1...].allSatisfy({ AssetPointer.isFolderName($0) }) else {
            return nil
        }
        self.asset = asset
        folder = parts[1]
        replacedFolder = parts.count == 3 ? parts[2] : nil
    }
}
