import Foundation
import MediaCore
import NIOCore
import Testing
import TestSupport
@testable import S3
@testable import S3Storage
@testable import Storage

/// The storage protocol on a real bucket (rclone serve s3 and moto, started here): publish in one step,
/// replace, refusal, removal, reads through the bounded cache, and the live files.
@Suite(.serialized) struct S3MediaStoreTests {
    struct Fixture {
        let server: S3TestServer
        let store: S3MediaStore
        let client: S3Client
        let folder: URL

        init(_ kind: S3TestServer.Kind, cacheBytes: Int = 64 << 20, bucket: String = "media") throws {
            server = try S3TestServer(kind)
            folder = try temporaryDirectory("s3store")
            let endpoint = try S3Endpoint(endpoint: server.endpoint, region: "us-east-1", bucket: bucket, pathStyle: true)
            client = S3Client(endpoint: endpoint, credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey),
                              retry: RetryPolicy(attempts: 2, baseMilliseconds: 50))
            store = S3MediaStore(client: client, prefix: "/tenant/a/",
                                 cache: try ObjectCache(directory: folder.appendingPathComponent("cache"), maxBytes: cacheBytes),
                                 work: try DataDirectory(root: folder.appendingPathComponent("work")))
        }

        func stop() {
            server.server.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        /// A staged asset: renditions each with init.mp4 and `segments` segments of random bytes.
        func stage(job: String, version: Int, renditions: [String] = ["360p", "720p"], segments: Int = 3,
                   seed: UInt64) throws -> (URL, [String: Data]) {
            let staging = try store.newStaging(job: job)
            var generator = SplitMix64(seed: seed)
            var files: [String: Data] = [:]
            for rendition in renditions {
                let folder = staging.appendingPathComponent(rendition)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for name in ["init.mp4"] + (1...segments).map({ "seg-\($0).m4s" }) {
                    let data = Data((0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
                    try data.write(to: folder.appendingPathComponent(name))
                    files["\(rendition)/\(name)"] = data
                }
            }
            try store.stampVersion(version, staging: staging)
            return (staging, files)
        }

        func bytes(_ object: StoredObject?) throws -> Data? {
            guard case .localFile(let file) = object else { return nil }
            return try store.readAll(file)
        }

        func keys() async throws -> [String] { try await client.list(prefix: "").map(\.key) }
    }

    @Test(arguments: S3TestServer.Kind.allCases)
    func publishReplaceAndRemove(_ kind: S3TestServer.Kind) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.stop() }
        try await fixture.client.createBucket()
        let store = fixture.store
        let asset = AssetID("movie")!

        let (staging, files) = try fixture.stage(job: "job-1", version: 1, seed: 1)
        #expect(!store.assetExists(asset))
        try store.publish(staging: staging, asset: asset, replace: false)
        #expect(!FileManager.default.fileExists(atPath: staging.path))
        #expect(store.assetExists(asset))
        #expect(store.publishedVersion(asset) == 1)
        #expect(try store.renditions(of: asset).map(\.rawValue) == ["360p", "720p"])
        #expect(try store.segmentNumbers(of: asset, rendition: SafeName("720p")!) == [1, 2, 3])
        let version1 = try #require(store.openVersion(of: asset))
        #expect(version1.stamp() == .version(1))
        for (path, data) in files {
            let parts = path.split(separator: "/").map(String.init)
            #expect(try fixture.bytes(version1.openSegment(rendition: SafeName(parts[0])!, fileName: parts[1])) == data)
        }
        #expect(version1.openSegment(rendition: SafeName("720p")!, fileName: "seg-9.m4s") == nil)
        #expect(version1.openSegment(rendition: SafeName("720p")!, fileName: "current") == nil)
        // Every object is under the prefix: 8 files and the pointer.
        let keys = try await fixture.keys()
        #expect(keys.count == 9)
        #expect(keys.allSatisfy { $0.hasPrefix("tenant/a/vod/movie/") })

        // Without replace: refused, nothing changes.
        let (again, _) = try fixture.stage(job: "job-2", version: 2, seed: 2)
        #expect(throws: StorageError.assetExists(asset)) { try store.publish(staging: again, asset: asset, replace: false) }
        #expect(try await fixture.keys() == keys)
        #expect(store.publishedVersion(asset) == 1)

        // Replace: the new version is served, the old version's objects are gone.
        try store.publish(staging: again, asset: asset, replace: true)
        #expect(store.publishedVersion(asset) == 2)
        let replacedKeys = try await fixture.keys()
        #expect(replacedKeys.count == 9)
        #expect(Set(replacedKeys).intersection(keys) == [store.pointerKey(asset)])
        let (_, newFiles) = (again, try fixture.stage(job: "job-x", version: 2, seed: 2).1)
        let version2 = try #require(store.openVersion(of: asset))
        #expect(try fixture.bytes(version2.openSegment(rendition: SafeName("360p")!, fileName: "seg-2.m4s")) == newFiles["360p/seg-2.m4s"])

        try store.restampVersion(5, asset: asset)
        #expect(store.publishedVersion(asset) == 5)
        #expect(try fixture.bytes(store.openVersion(of: asset)?.openSegment(rendition: SafeName("360p")!, fileName: "init.mp4")) == newFiles["360p/init.mp4"])

        #expect(try store.removeAsset(asset))
        #expect(!store.assetExists(asset))
        #expect(try await fixture.keys().isEmpty)
        #expect(try store.removeAsset(asset) == false)
    }

    /// What a worker killed mid-upload leaves (its `publishing/` marker and part of a new folder) is deleted
    /// by the sweep once the marker is old enough; a younger one may be a publish in flight and stays.
    @Test(arguments: S3TestServer.Kind.allCases)
    func sweepDeletesFoldersOfCrashedPublishes(_ kind: S3TestServer.Kind) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.stop() }
        try await fixture.client.createBucket()
        let store = fixture.store
        let asset = AssetID("movie")!
        let (staging, _) = try fixture.stage(job: "job-1", version: 1, seed: 5)
        try store.publish(staging: staging, asset: asset, replace: false)
        #expect(try await fixture.client.list(prefix: "tenant/a/publishing/").isEmpty, "a finished publish deletes its marker")
        let published = try await fixture.keys()
        let crashed = PublishMarker(asset: asset, folder: "0badf00d-crash", replacedFolder: try #require(try store.pointer(asset)).folder)
        try await fixture.client.put(ByteBuffer(string: crashed.text), key: "tenant/a/" + crashed.key)
        try await fixture.client.put(ByteBuffer(string: "partial"), key: "tenant/a/vod/movie/0badf00d-crash/360p/init.mp4")
        #expect(try store.sweepUnfinishedPublishes(olderThan: 3_600) == 0)
        #expect(try await fixture.keys().count == published.count + 2)
        #expect(try store.sweepUnfinishedPublishes(olderThan: 3_600, now: Date().addingTimeInterval(7_200)) == 1)
        #expect(try await fixture.keys() == published)
        #expect(store.publishedVersion(asset) == 1)
    }

    /// A publish into a bucket that does not exist fails with the store's reason and leaves nothing visible.
    @Test func failedPublishLeavesNothing() async throws {
        let fixture = try Fixture(.rclone, bucket: "absent")
        defer { fixture.stop() }
        let (staging, _) = try fixture.stage(job: "job-1", version: 1, seed: 3)
        let error = #expect(throws: StorageError.self) {
            try fixture.store.publish(staging: staging, asset: AssetID("movie")!, replace: false)
        }
        #expect(error?.description.contains("bucket 'absent' does not exist") == true)
        #expect(!fixture.store.assetExists(AssetID("movie")!))
    }

    /// Reads come from the cache once filled (an object deleted behind the store's back is still served
    /// from it), and the cache stays under its bound, least recently used first out.
    @Test func cacheServesHotObjectsWithinItsBound() async throws {
        let fixture = try Fixture(.moto, cacheBytes: 120_000)
        defer { fixture.stop() }
        try await fixture.client.createBucket()
        let store = fixture.store
        let asset = AssetID("clip")!
        let (staging, files) = try fixture.stage(job: "job-1", version: 1, renditions: ["720p"], segments: 3, seed: 4)
        try store.publish(staging: staging, asset: asset, replace: false)
        let version = try #require(store.openVersion(of: asset))
        let rendition = SafeName("720p")!
        #expect(try fixture.bytes(version.openSegment(rendition: rendition, fileName: "seg-1.m4s")) == files["720p/seg-1.m4s"])
        let afterMiss = store.cache.counts
        // Gone from the bucket, still served from the cache.
        let key = store.assetKey(asset, "\((version as! S3AssetVersion).pointer.folder)/720p/seg-1.m4s")
        try await fixture.client.delete(key: key)
        #expect(try fixture.bytes(version.openSegment(rendition: rendition, fileName: "seg-1.m4s")) == files["720p/seg-1.m4s"])
        #expect(store.cache.counts.hits == afterMiss.hits + 1)
        // Two more objects of 50 kB: the bound (120 kB) holds two, so seg-1 (least recently used) goes.
        for name in ["seg-2.m4s", "seg-3.m4s"] {
            #expect(try fixture.bytes(version.openSegment(rendition: rendition, fileName: name)) == files["720p/\(name)"])
        }
        #expect(store.cache.counts.bytes <= 120_000)
        #expect(version.openSegment(rendition: rendition, fileName: "seg-1.m4s") == nil)
        #expect(try fixture.bytes(version.openSegment(rendition: rendition, fileName: "seg-3.m4s")) == files["720p/seg-3.m4s"])
    }

    @Test(arguments: S3TestServer.Kind.allCases)
    func liveFiles(_ kind: S3TestServer.Kind) async throws {
        let fixture = try Fixture(kind)
        defer { fixture.stop() }
        try await fixture.client.createBucket()
        let store = fixture.store
        let stream = SafeName("cam1")!
        let rendition = SafeName("src")!
        try store.write([1, 2, 3], to: .initSegment(rendition: rendition, number: 4), of: stream)
        try store.write(Array(repeating: 7, count: 1_000), to: .segment(rendition: rendition, number: 5), of: stream)
        try store.append(Array("a\n".utf8), to: .journal, of: stream)
        try store.append(Array("b\n".utf8), to: .journal, of: stream)
        #expect(store.read(.journal, of: stream) == Data("a\nb\n".utf8))
        #expect(store.inventory(of: stream) == [rendition: LiveRenditionFiles(segmentSizes: [5: 1_000], inits: [4])])
        let key = MediaObjectKey(tree: .live, owner: stream, rendition: rendition, fileName: "seg-5.m4s")
        #expect(try store.objectData(key) == Data(repeating: 7, count: 1_000))
        store.remove(.segment(rendition: rendition, number: 5), of: stream)
        #expect(store.inventory(of: stream)[rendition]?.segmentSizes.isEmpty == true)
        #expect(store.openObject(key) == nil)
        #expect(store.location(of: .journal, stream: stream) == "s3://media/tenant/a/live/cam1/.index.jsonl")
    }
}
