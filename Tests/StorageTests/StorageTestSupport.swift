import Foundation
import MediaCore
@testable import Storage

/// A data directory in a fresh temporary folder, removed at deinit.
final class TemporaryDataDirectory {
    let root: URL
    let data: DataDirectory

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("storage-tests-\(UUID().uuidString)")
        data = try DataDirectory(root: root)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Stages an asset: each rendition folder gets init.mp4 and `segments` numbered files whose bytes
    /// name the rendition, segment and `tag`, so tests can tell versions apart.
    func stage(job: String, renditions: [String], segments: Int = 2, tag: String) throws -> URL {
        let folder = try data.newStaging(job: job)
        for rendition in renditions {
            let dir = folder.appendingPathComponent(rendition)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("init \(rendition) \(tag)".utf8).write(to: dir.appendingPathComponent("init.mp4"))
            for number in 1...max(1, segments) {
                try Data("seg \(number) \(rendition) \(tag)".utf8).write(to: dir.appendingPathComponent("seg-\(number).m4s"))
            }
        }
        return folder
    }

    func text(_ relative: String) -> String? {
        (try? Data(contentsOf: root.appendingPathComponent(relative))).map { String(decoding: $0, as: UTF8.self) }
    }

    func entries(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(relative).path)) ?? []).sorted()
    }
}

func name(_ raw: String) -> SafeName { SafeName(raw)! }
func assetID(_ raw: String) -> AssetID { AssetID(raw)! }
