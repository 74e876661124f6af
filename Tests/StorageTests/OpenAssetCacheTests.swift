import Foundation
import MediaCore
import Synchronization
import Testing
@testable import Storage

/// The open-file cache behind `openVersion`: a hot segment is served from descriptors kept open, and a
/// replace, a delete or a restamp (by this store or by another process, played here by a second
/// `DataDirectory` over the same folder, which shares no cache with the first) is seen by the very next
/// request: never the old stamp, never the old bytes, never a deleted asset.
@Suite struct OpenAssetCacheTests {
    static let clip = assetID("clip")

    /// The stamp and the bytes of one segment as a request gets them.
    static func read(_ data: DataDirectory, _ file: String = "seg-1.m4s") -> (stamp: VersionStamp, text: String, descriptor: CInt)? {
        guard let version = data.openVersion(of: clip),
              case .localFile(let local)? = version.openSegment(rendition: name("video-360p"), fileName: file) else { return nil }
        var bytes = [UInt8](repeating: 0, count: local.size)
        let count = bytes.withUnsafeMutableBytes { pread(local.descriptor, $0.baseAddress, $0.count, 0) }
        return (version.stamp(), String(decoding: bytes.prefix(max(0, count)), as: UTF8.self), local.descriptor)
    }

    static func publish(_ temp: TemporaryDataDirectory, through data: DataDirectory, version: Int, job: String) throws {
        let staged = try temp.stage(job: job, renditions: ["video-360p"], tag: "v\(version)")
        try data.stampVersion(version, staging: staged)
        try data.publish(staging: staged, asset: clip, replace: version > 1)
    }

    /// Only this store changes the folder, and it drops the entry itself: no settling time is needed.
    @Test func aHotSegmentKeepsItsDescriptorAndReplacesByThisStoreAreSeenAtOnce() throws {
        let temp = try TemporaryDataDirectory()
        let data = try DataDirectory(root: temp.root, openFileLimit: 512, settleNanoseconds: 0)
        try Self.publish(temp, through: data, version: 1, job: "one")
        let first = try #require(Self.read(data))
        #expect(first.stamp == .version(1) && first.text == "seg 1 video-360p v1")
        let again = try #require(Self.read(data))
        #expect(again.descriptor == first.descriptor, "the second request reuses the open file")
        #expect(data.openAssets.openDescriptors == 2, "the asset folder and one file")

        try Self.publish(temp, through: data, version: 2, job: "two")
        let replaced = try #require(Self.read(data))
        #expect(replaced.stamp == .version(2) && replaced.text == "seg 1 video-360p v2")

        try data.restampVersion(3, asset: Self.clip)
        #expect(Self.read(data)?.stamp == .version(3))

        #expect(try data.removeAsset(Self.clip))
        #expect(Self.read(data) == nil, "a deleted asset is gone for the next request")
        #expect(data.openAssets.openDescriptors == 0)
    }

    @Test func changesByAnotherProcessAreSeenByTheNextRequest() throws {
        let temp = try TemporaryDataDirectory()
        let other = try DataDirectory(root: temp.root)
        // Replaces and deletes change the folder's inode or remove it: seen whatever the clock says, so
        // this reader trusts its entries at once and reuses its descriptors.
        let reader = try DataDirectory(root: temp.root, openFileLimit: 512, settleNanoseconds: 0)
        try Self.publish(temp, through: other, version: 1, job: "one")
        let first = try #require(Self.read(reader))
        #expect(first.text == "seg 1 video-360p v1")
        #expect(Self.read(reader)?.descriptor == first.descriptor)
        #expect(Self.read(reader, "seg-2.m4s")?.text == "seg 2 video-360p v1")

        try Self.publish(temp, through: other, version: 2, job: "two")
        let replaced = try #require(Self.read(reader))
        #expect(replaced.stamp == .version(2))
        #expect(replaced.text == "seg 1 video-360p v2", "the cached v1 file is not served after the replace")
        #expect(Self.read(reader, "seg-2.m4s")?.text == "seg 2 video-360p v2")

        // A restamp in place moves only the folder's times, which may stay in one clock tick: the
        // default reader does not trust a folder changed that recently.
        #expect(Self.read(temp.data)?.stamp == .version(2))
        try other.restampVersion(7, asset: Self.clip)
        #expect(Self.read(temp.data)?.stamp == .version(7))

        #expect(try other.removeAsset(Self.clip))
        #expect(Self.read(reader) == nil)
        #expect(Self.read(temp.data) == nil)
        #expect(reader.openAssets.openDescriptors == 0)
    }

    /// A clock tests move by hand (monotonic nanoseconds).
    final class ManualClock: Sendable {
        let now = Atomic<Int64>(1_000_000_000)
        func advance(_ nanoseconds: Int64) { now.add(nanoseconds, ordering: .relaxed) }
        var read: @Sendable () -> Int64 { { [self] in now.load(ordering: .relaxed) } }
    }

    /// Without an event (a watch that sees nothing, as for a folder shared over the network), a folder
    /// found unchanged is trusted for `revalidateNanoseconds` and no longer: a replace by another process
    /// within it is not looked for, and is served by the first request after it.
    @Test func withoutEventsAFolderIsTrustedForTheBoundOnly() throws {
        let temp = try TemporaryDataDirectory()
        let other = try DataDirectory(root: temp.root)
        let clock = ManualClock()
        let bound: Int64 = 500_000_000
        let reader = try DataDirectory(root: temp.root, openFileLimit: 512, settleNanoseconds: 0, watching: .blind,
                                       revalidateNanoseconds: bound, clock: clock.read)
        try Self.publish(temp, through: other, version: 1, job: "one")
        #expect(Self.read(reader)?.text == "seg 1 video-360p v1")
        try Self.publish(temp, through: other, version: 2, job: "two")
        clock.advance(bound - 1)
        let within = try #require(Self.read(reader))
        #expect(within.stamp == .version(1) && within.text == "seg 1 video-360p v1", "trusted, not looked at, within the bound")
        clock.advance(1)
        let after = try #require(Self.read(reader))
        #expect(after.stamp == .version(2) && after.text == "seg 1 video-360p v2", "looked at again once the bound passed")
        #expect(try other.removeAsset(Self.clip))
        clock.advance(bound)
        #expect(Self.read(reader) == nil)
    }

    /// With inotify, the clock never moving: a replace or a delete by another process is still seen, as
    /// soon as the watch's thread has read the event (waited for here, with a deadline).
    @Test func inotifyTellsOfChangesByAnotherProcess() throws {
        let temp = try TemporaryDataDirectory()
        let other = try DataDirectory(root: temp.root)
        let clock = ManualClock()
        let reader = try DataDirectory(root: temp.root, openFileLimit: 512, settleNanoseconds: 0, watching: .inotify,
                                       revalidateNanoseconds: 3_600_000_000_000, clock: clock.read)
        try Self.publish(temp, through: other, version: 1, job: "one")
        let first = try #require(Self.read(reader))
        #expect(first.text == "seg 1 video-360p v1")
        #expect(Self.read(reader)?.descriptor == first.descriptor)

        try Self.publish(temp, through: other, version: 2, job: "two")
        #expect(Self.eventually { Self.read(reader)?.text == "seg 1 video-360p v2" }, "the replace is seen without the clock moving")
        #expect(Self.read(reader)?.stamp == .version(2))
        #expect(try other.removeAsset(Self.clip))
        #expect(Self.eventually { Self.read(reader) == nil }, "the delete is seen without the clock moving")
    }

    /// Polls `condition` until it holds or 10 s pass.
    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return condition()
    }

    @Test func theCacheHoldsNoMoreDescriptorsThanItsLimit() throws {
        let temp = try TemporaryDataDirectory()
        let limited = try DataDirectory(root: temp.root, openFileLimit: 3)
        try Self.publish(temp, through: limited, version: 1, job: "one")
        for file in ["init.mp4", "seg-1.m4s", "seg-2.m4s", "seg-1.m4s", "init.mp4"] {
            let read = try #require(Self.read(limited, file))
            #expect(read.text.hasSuffix("v1"), "\(file) after the cache filled")
            #expect(limited.openAssets.openDescriptors <= 3)
        }
        let off = try DataDirectory(root: temp.root, openFileLimit: 0)
        #expect(Self.read(off)?.text == "seg 1 video-360p v1")
        #expect(off.openAssets.openDescriptors == 0, "a limit of 0 keeps nothing open")
    }
}
