import Foundation

/// Uploaded sources: `uploads/<id>/source`. Not staging/ (which start-up empties), so a queued job still
/// finds its source after a restart; the job worker discards the folder once the asset is published.
extension DataDirectory {
    public var uploadsRoot: URL { root.appendingPathComponent("uploads", isDirectory: true) }

    public func newUpload() throws -> URL {
        let folder = uploadsRoot.appendingPathComponent(UUID().uuidString.lowercased(), isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            if Self.isDiskFull(error) { throw StorageError.diskFull(path: uploadsRoot.path) }
            throw StorageError.io(operation: "create upload folder", path: folder.path, reason: Self.reason(error))
        }
        return folder.appendingPathComponent("source")
    }

    /// Removes the upload's folder; only a path inside uploads/ is ever touched.
    public func discardUpload(_ file: URL) {
        let folder = file.standardizedFileURL.deletingLastPathComponent()
        guard folder.deletingLastPathComponent().path == uploadsRoot.path else { return }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Nothing to do: workers of this data directory run on this node.
    public func shareUpload(_ file: URL) throws {}

    public func localUpload(_ file: URL) throws -> URL { file }

    /// A local directory answers or fails per call; it has no outage to remember.
    public var outage: String? { nil }
}
