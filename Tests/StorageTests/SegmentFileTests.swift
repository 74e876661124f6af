import Foundation
import MediaCore
import Testing
@testable import Storage

@Suite struct SegmentFileTests {
    private static func published() throws -> TemporaryDataDirectory {
        let temp = try TemporaryDataDirectory()
        try temp.data.publish(staging: temp.stage(job: "a", renditions: ["video-360p"], segments: 12, tag: "x"),
                              asset: assetID("movie"), replace: false)
        return temp
    }

    @Test func resolvesInitAndSegments() throws {
        let temp = try Self.published()
        let initURL = try #require(temp.data.resolveSegmentFile(kind: .vod, owner: name("movie"), rendition: name("video-360p"), fileName: "init.mp4"))
        #expect(initURL.path == temp.data.vodRoot.path + "/movie/video-360p/init.mp4")
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("movie"), rendition: name("video-360p"), fileName: "seg-12.m4s") != nil)
        let data = try temp.data.segmentData(kind: .vod, owner: name("movie"), rendition: name("video-360p"), fileName: "seg-10.m4s")
        #expect(data.map { String(decoding: $0, as: UTF8.self) } == "seg 10 video-360p x")
        // Absent files, renditions, assets, and the other tree.
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("movie"), rendition: name("video-360p"), fileName: "seg-13.m4s") == nil)
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("movie"), rendition: name("audio"), fileName: "init.mp4") == nil)
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("other"), rendition: name("video-360p"), fileName: "init.mp4") == nil)
        #expect(temp.data.resolveSegmentFile(kind: .live, owner: name("movie"), rendition: name("video-360p"), fileName: "init.mp4") == nil)
    }

    @Test(arguments: [
        "", ".", "..", "../init.mp4", "..%2Finit.mp4", "video-360p/init.mp4", "/init.mp4", "/etc/passwd",
        "init.mp4\0", "init.mp4\0.m4s", "seg-1.m4s\0", "seg-%31.m4s", "seg-1.m4s%00", "%2e%2e", "seg-01.m4s", "seg-00.m4s",
        "seg-1.mp4", "seg-1.m4a", "seg-.m4s", "seg-1234567890123.m4s", "seg--1.m4s", "seg-+1.m4s", "seg-1 .m4s",
        "seg-\u{0661}.m4s", "INIT.MP4", "init.mp4.bak", "init.m4s", "seg-1.m4s/", "seg-1.m4s.tmp", ".tmp-x-seg-1.m4s",
        "catalog.sqlite", String(repeating: "a", count: 300) + ".m4s",
        "init-01.mp4", "init-.mp4", "init--1.mp4", "init-1.m4s", "init-1.mp4.tmp", "init-1234567890123.mp4", "init_1.mp4",
        "init-1.mp4\0", "INIT-1.MP4", "init-x.mp4",
    ])
    func rejectsEverythingButInitAndCanonicalSegments(_ fileName: String) throws {
        #expect(!SegmentFileName.isValid(fileName))
        let temp = try Self.published()
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("movie"), rendition: name("video-360p"), fileName: fileName) == nil)
    }

    @Test func acceptsCanonicalNames() {
        #expect(SegmentFileName.isValid("init.mp4"))
        #expect(SegmentFileName.isInitSegment("init.mp4") && SegmentFileName.initNumber("init.mp4") == nil)
        #expect(SegmentFileName.initNumber("init-7.mp4") == 7 && SegmentFileName.isValid("init-7.mp4"))
        #expect(SegmentFileName.initNumber(SegmentFileName.initFileName(123_456_789_012)) == 123_456_789_012)
        #expect(SegmentFileName.initFileName(nil) == "init.mp4" && !SegmentFileName.isInitSegment("seg-7.m4s"))
        // The index (MediaCore) and the served names (Storage) spell init files the same way.
        for number in [nil, 1, 42] {
            #expect(SegmentInfo(number: 1, start: 0, duration: 1, size: 1, initNumber: number).initFileName == SegmentFileName.initFileName(number))
        }
        #expect(SegmentFileName.segmentNumber("seg-0.m4s") == 0)
        #expect(SegmentFileName.segmentNumber("seg-123456789012.m4s") == 123_456_789_012)
        #expect(SegmentFileName.segmentNumber(SegmentFileName.segment(42)) == 42)
    }

    @Test func symbolicLinksAreNeverFollowed() throws {
        let temp = try Self.published()
        let secret = temp.root.appendingPathComponent("secret.txt")
        try Data("secret".utf8).write(to: secret)
        let rendition = temp.data.vodRoot.appendingPathComponent("movie/video-360p")
        try FileManager.default.createSymbolicLink(atPath: rendition.appendingPathComponent("seg-99.m4s").path, withDestinationPath: secret.path)
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("movie"), rendition: name("video-360p"), fileName: "seg-99.m4s") == nil)
        // A linked asset folder or rendition folder is refused too.
        try FileManager.default.createSymbolicLink(atPath: temp.data.vodRoot.appendingPathComponent("alias").path,
                                                   withDestinationPath: temp.data.vodRoot.appendingPathComponent("movie").path)
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("alias"), rendition: name("video-360p"), fileName: "init.mp4") == nil)
        try FileManager.default.createSymbolicLink(atPath: temp.data.vodRoot.appendingPathComponent("movie/linked").path,
                                                   withDestinationPath: rendition.path)
        #expect(temp.data.resolveSegmentFile(kind: .vod, owner: name("movie"), rendition: name("linked"), fileName: "init.mp4") == nil)
    }

    @Test func liveFilesAppearWhole() throws {
        let temp = try TemporaryDataDirectory()
        let bytes = Data((0..<100_000).map { UInt8($0 % 251) })
        try temp.data.writeLiveFile(bytes, stream: name("cam1"), rendition: name("video-720p"), fileName: "seg-7.m4s")
        let url = try #require(temp.data.resolveSegmentFile(kind: .live, owner: name("cam1"), rendition: name("video-720p"), fileName: "seg-7.m4s"))
        #expect(try Data(contentsOf: url) == bytes)
        #expect(temp.entries("live/cam1/video-720p") == ["seg-7.m4s"])
        #expect(throws: StorageError.invalidFileName("../seg-7.m4s")) {
            try temp.data.writeLiveFile(bytes, stream: name("cam1"), rendition: name("video-720p"), fileName: "../seg-7.m4s")
        }
        #expect(try temp.data.removeLiveFile(stream: name("cam1"), rendition: name("video-720p"), fileName: "seg-7.m4s"))
        #expect(try temp.data.removeLiveFile(stream: name("cam1"), rendition: name("video-720p"), fileName: "seg-7.m4s") == false)
    }
}
