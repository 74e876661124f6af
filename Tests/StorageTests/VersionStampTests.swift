import Foundation
import MediaCore
import Testing
@testable import Storage

/// The version stamp travels with a published asset's files: written into staging, published by the same
/// rename, swapped with them on a replace, and rewritable in place.
@Suite struct VersionStampTests {
    @Test func theStampIsPublishedAndReplacedWithTheFiles() throws {
        let temp = try TemporaryDataDirectory()
        let first = try temp.stage(job: "one", renditions: ["video-360p"], tag: "v1")
        try temp.data.stampVersion(1, staging: first)
        #expect(temp.data.publishedVersion(assetID("clip")) == nil, "nothing published yet")
        try temp.data.publish(staging: first, asset: assetID("clip"), replace: false)
        #expect(temp.data.publishedVersion(assetID("clip")) == 1)
        #expect(temp.text("vod/clip/version") == "1\n")

        let second = try temp.stage(job: "two", renditions: ["video-360p"], tag: "v2")
        try temp.data.stampVersion(2, staging: second)
        try temp.data.publish(staging: second, asset: assetID("clip"), replace: true)
        #expect(temp.data.publishedVersion(assetID("clip")) == 2)
        #expect(temp.text("vod/clip/video-360p/seg-1.m4s") == "seg 1 video-360p v2")

        try temp.data.restampVersion(5, asset: assetID("clip"))
        #expect(temp.data.publishedVersion(assetID("clip")) == 5)
        #expect(temp.entries("vod/clip") == ["version", "video-360p"], "no temporary file left behind")
    }

    @Test func badVersionsAndMissingAssetsAreRefused() throws {
        let temp = try TemporaryDataDirectory()
        let staged = try temp.stage(job: "one", renditions: ["audio"], tag: "x")
        #expect(throws: StorageError.invalidVersion(0)) { try temp.data.stampVersion(0, staging: staged) }
        #expect(throws: StorageError.self) { try temp.data.restampVersion(2, asset: assetID("nothing")) }
        try Data("007\n".utf8).write(to: staged.appendingPathComponent(DataDirectory.versionFileName))
        try temp.data.publish(staging: staged, asset: assetID("odd"), replace: false)
        #expect(temp.data.publishedVersion(assetID("odd")) == nil, "a non-canonical stamp is no version")
    }
}
