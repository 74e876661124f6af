import Catalog
import Foundation
import Logging

extension DataStores {
    /// Removes upload folders (`data/uploads/<id>/`) that no job names as its source: bodies of uploads
    /// refused or cut off before this version deleted them, or by a crash between the body and its job.
    /// Sources of queued, running and failed jobs stay (a failed job may be requeued). Start-up only: a
    /// running server has uploads in flight that have no job yet.
    func removeOrphanUploads(logger: Logger) throws {
        let root = data.uploadsRoot
        guard let folders = try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) else { return }
        let referenced = Set(try catalog.listJobs(state: nil, limit: Int(Int32.max)).map {
            URL(fileURLWithPath: $0.sourcePath).deletingLastPathComponent().standardizedFileURL.path
        })
        var removed = 0
        for folder in folders where !referenced.contains(folder.standardizedFileURL.path) {
            try FileManager.default.removeItem(at: folder)
            removed += 1
        }
        if removed > 0 { logger.notice("removed \(removed) orphan upload(s) that no job uses", metadata: ["folder": "\(root.path)"]) }
    }
}
