import Foundation
import MediaCore

/// The data directory as ingest needs it: staging folders and the one-rename publish into vod/.
/// Bridges until the Storage module's DataDirectory is on main (same method names, so switching is a
/// one-line change).
struct LocalAssetDestination {
    let root: URL
    var vodRoot: URL { root.appendingPathComponent("vod", isDirectory: true) }
    var stagingRoot: URL { root.appendingPathComponent("staging", isDirectory: true) }

    init(root: URL) throws {
        self.root = root
        for dir in [vodRoot, stagingRoot] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }

    func assetExists(_ asset: AssetID) -> Bool {
        FileManager.default.fileExists(atPath: vodRoot.appendingPathComponent(asset.rawValue).path)
    }

    func newStaging(job: String) throws -> URL {
        let url = stagingRoot.appendingPathComponent(job, isDirectory: true)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        return url
    }

    func cleanStaging() throws -> Int {
        let entries = try FileManager.default.contentsOfDirectory(atPath: stagingRoot.path)
        for entry in entries { try FileManager.default.removeItem(at: stagingRoot.appendingPathComponent(entry)) }
        return entries.count
    }

    func publish(staging: URL, asset: AssetID, replace: Bool) throws {
        let target = vodRoot.appendingPathComponent(asset.rawValue)
        if FileManager.default.fileExists(atPath: target.path) {
            guard replace else { throw CommandError("asset '\(asset)' already exists: pass --replace to overwrite it") }
            let aside = stagingRoot.appendingPathComponent(".replaced-\(asset)-\(UUID().uuidString)")
            try FileManager.default.moveItem(at: target, to: aside)
            defer { try? FileManager.default.removeItem(at: aside) }
            try FileManager.default.moveItem(at: staging, to: target)
        } else {
            try FileManager.default.moveItem(at: staging, to: target)
        }
    }
}
