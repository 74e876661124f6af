import Foundation
import MediaCore
import Testing
@testable import Storage

/// The local live store (`data/live/`): whole files appear at once, journal lines append, a crash's
/// temporaries are cleaned by the inventory, and failures name the file.
@Suite struct LiveDirectoryTests {
    let stream = SafeName("cam")!
    let video = SafeName("video")!

    @Test func writesReplaceWholeFilesUnderTheirLayoutNames() throws {
        let temp = try TemporaryDataDirectory()
        let store = temp.data.liveStore
        try store.write([1, 2, 3], to: .segment(rendition: video, number: 7), of: stream)
        try store.write([9], to: .initSegment(rendition: video, number: 2), of: stream)
        try store.write([8], to: .initSegment(rendition: video, number: nil), of: stream)
        try store.write(Array("41\n".utf8), to: .lastSegmentNumber, of: stream)
        try store.write(Array("42\n".utf8), to: .lastSegmentNumber, of: stream)
        #expect(temp.entries("live/cam/video") == ["init-2.mp4", "init.mp4", "seg-7.m4s"])
        #expect(temp.text("live/cam/.last-segment-number") == "42\n")
        #expect(store.read(.segment(rendition: video, number: 7), of: stream) == Data([1, 2, 3]))
        #expect(store.read(.segment(rendition: video, number: 8), of: stream) == nil)
        #expect(!temp.entries("live/cam").contains { $0.hasSuffix(".tmp") }, "no temporary is left behind")
        #expect(store.location(of: .journal, stream: stream) == temp.data.liveRoot.path + "/cam/.index.jsonl")
    }

    @Test func journalLinesAppendInOrder() throws {
        let temp = try TemporaryDataDirectory()
        let store = temp.data.liveStore
        try store.append(Array("a\n".utf8), to: .journal, of: stream)
        try store.append(Array("b\n".utf8), to: .journal, of: stream)
        #expect(temp.text("live/cam/.index.jsonl") == "a\nb\n")
        try store.write(Array("c\n".utf8), to: .journal, of: stream)
        #expect(temp.text("live/cam/.index.jsonl") == "c\n")
    }

    @Test func inventoryListsMediaAndDeletesLeftoverTemporaries() throws {
        let temp = try TemporaryDataDirectory()
        let store = temp.data.liveStore
        try store.write([1, 2, 3, 4], to: .segment(rendition: video, number: 3), of: stream)
        try store.write([5], to: .initSegment(rendition: video, number: 1), of: stream)
        let leftover = temp.data.liveRoot.appendingPathComponent("cam/video/.seg-4.m4s.tmp")
        try Data([0]).write(to: leftover)
        try Data([0]).write(to: temp.data.liveRoot.appendingPathComponent("cam/video/notes.txt"))
        let found = store.inventory(of: stream)
        #expect(found == [video: LiveRenditionFiles(segmentSizes: [3: 4], inits: [1])])
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        #expect(store.inventory(of: SafeName("none")!).isEmpty)
        store.remove(.segment(rendition: video, number: 3), of: stream)
        store.remove(.segment(rendition: video, number: 3), of: stream)  // already gone: not an error
        #expect(store.inventory(of: stream)[video]?.segmentSizes.isEmpty == true)
    }

    @Test func failuresNameTheFile() throws {
        let temp = try TemporaryDataDirectory()
        // A plain file where the stream's folder should be: nothing can be created below it.
        try Data([0]).write(to: temp.data.liveRoot.appendingPathComponent("cam"))
        let store = temp.data.liveStore
        #expect {
            try store.write([1], to: .segment(rendition: video, number: 1), of: stream)
        } throws: { error in
            guard case StorageError.io(_, let path, _) = error else { return false }
            return path.hasSuffix("/live/cam/video/seg-1.m4s")
        }
        #expect {
            try store.append([1], to: .journal, of: stream)
        } throws: { error in
            guard case StorageError.io(_, let path, _) = error else { return false }
            return path.hasSuffix("/live/cam/.index.jsonl")
        }
    }
}
