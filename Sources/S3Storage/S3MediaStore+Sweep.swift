import Foundation
import MediaCore
import S3
import Storage

extension S3MediaStore {
    /// Deletes what publishes that crashed (or could not clean up) left in the bucket: for each
    /// `publishing/` marker at least `age` seconds old, the folder its pointer does not name (the new one
    /// when the pointer never moved to it, else the replaced one), then the marker. Younger markers are
    /// left alone: they may be publishes another node is uploading right now. Returns the folders deleted.
    public func sweepUnfinishedPublishes(olderThan age: TimeInterval, now: Date = Date()) throws -> Int {
        let prefix = key("publishing/")
        let client = client
        var removed = 0
        for object in try run("list", prefix, { try await client.list(prefix: prefix) }) {
            guard let modified = object.lastModified, now.timeIntervalSince1970 - Double(modified) >= age else { continue }
            let key = object.key
            guard let data = try run("read", key, { try await client.get(key: key, maxBytes: 4_096) }),
                  let marker = PublishMarker(String(decoding: data, as: UTF8.self)) else { continue }
            let current = try pointer(marker.asset, fresh: true)?.folder
            let stale = current == marker.folder ? marker.replacedFolder : marker.folder
            if let stale, stale != current {
                try deleteFolder(asset: marker.asset, folder: stale)
                removed += 1
            }
            try run("delete", key) { try await client.delete(key: key) }
        }
        return removed
    }
}
