import Catalog
import Foundation
import MediaCore
import Testing
import TestSupport
@testable import Origin
import Storage

/// The admin API on a full disk (issue 17), on a real tmpfs: writes answer 507 with nothing stored, a
/// DELETE still works (it is how an admin makes room), and the data directory check says "full", not
/// "check its owner and permissions".
@Suite(.enabled(if: TmpfsMount.isAvailable, "needs root to mount a tmpfs")) struct DiskFullOriginTests {
    @Test func writesAnswer507AndDeleteStillFreesSpace() async throws {
        let disk = try TmpfsMount(megabytes: 8)
        defer { disk.unmount() }
        let directory = try DataDirectory(root: disk.url)
        let catalog = try Catalog(path: directory.catalogFile)
        _ = try catalog.publishAsset(AssetRecord(id: AssetID("taken")!), renditions: [sampleRendition("video-360p", kind: .video)],
                                     replace: false)
        let assetFolder = directory.vodDirectory(AssetID("taken")!).appendingPathComponent("video-360p")
        try FileManager.default.createDirectory(at: assetFolder, withIntermediateDirectories: true)
        try Data(repeating: 1, count: 2 << 20).write(to: assetFolder.appendingPathComponent("seg-1.m4s"))
        let admin = CatalogAdminBackend(catalog: catalog, data: directory, index: nil, jobQueued: {})
        let uploads = directory.uploadsRoot
        let configuration = OriginConfiguration(port: 0, apiKey: "k")
        try await withOrigin(configuration: configuration, dataDirectory: disk.url, index: StaticIndex(), renderer: ListingText(),
                             admin: admin) { port, _ in
            disk.fill()  // the disk fills while the server runs
            #expect(throws: StorageError.diskFull(path: directory.stagingRoot.path)) { _ = try DataDirectory(root: disk.url) }
            let auth = [("Authorization", "Bearer k")]
            let stream = try await fetch(port, "/api/v1/live-streams", method: .POST, headers: auth + [("Content-Type", "application/json")],
                                         body: Array("{}".utf8))
            #expect(stream.status == 507, "\(stream.status) \(stream.text)")
            let upload = try await fetch(port, "/api/v1/assets?name=clip.mp4", method: .POST, headers: auth,
                                         body: [UInt8](repeating: 7, count: 300_000))
            #expect(upload.status == 507, "\(upload.status) \(upload.text)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? []).isEmpty, "nothing half-stored")
            #expect(try await fetch(port, "/healthz").status == 200)
            let delete = try await fetch(port, "/api/v1/assets/taken", method: .DELETE, headers: auth)
            #expect(delete.status == 204, "\(delete.status) \(delete.text)")
            #expect(!FileManager.default.fileExists(atPath: assetFolder.path))
            #expect(try catalog.asset(AssetID("taken")!) == nil)
        }
    }
}
