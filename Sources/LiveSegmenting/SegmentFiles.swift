import Foundation
import MediaCore
import RTMP
import Storage

/// The files of one live stream, through the live storage seam: `<stream>/<rendition>/init-<n>.mp4` and
/// `seg-<n>.m4s`, the stream's index journal and its last-number stamp. Whole files are written with the
/// store's all-at-once write (locally: temporary name, then rename), so a reader (or the CDN behind it)
/// never sees half a segment. Storage failures become `LiveError.storage` naming the file.
struct SegmentFiles: Sendable {
    let store: any LiveMediaStore
    let stream: SafeName

    var journal: IndexJournal { IndexJournal(store: store, stream: stream) }

    /// Where the segmenter may spool samples (local scratch, never served).
    var scratchDirectory: URL { store.scratchDirectory(of: stream) }

    func write(_ bytes: [UInt8], to file: LiveFile) throws {
        try storing(file) { try store.write(bytes, to: file, of: stream) }
    }

    /// A segment whose samples may still be in their spool file: those go file to file.
    func write(_ bytes: SegmentBytes, to file: LiveFile) throws {
        guard let spooled = bytes.spooled else { return try write(bytes.head, to: file) }
        try storing(file) { try store.write(bytes.head, followedBy: spooled.count, of: spooled.descriptor, to: file, of: stream) }
    }

    /// Runs a store call, reporting its failure as `LiveError.storage` for `file`.
    func storing(_ file: LiveFile, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch StorageError.io(_, let path, let reason) {
            throw LiveError.storage(path: path, reason: reason)
        } catch let error as LiveError {
            throw error
        } catch {
            throw LiveError.storage(path: store.location(of: file, stream: stream), reason: "\(error)")
        }
    }

    func remove(_ rendition: SafeName, number: Int) {
        store.remove(.segment(rendition: rendition, number: number), of: stream)
    }

    func removeInit(_ rendition: SafeName, number: Int?) {
        store.remove(.initSegment(rendition: rendition, number: number), of: stream)
    }

    /// The highest number ever used, kept when an earlier run's segment files are removed, so a second
    /// restart cannot fall back to numbers a CDN may still cache.
    func recordedLastNumber() -> Int? {
        store.read(.lastSegmentNumber, of: stream)
            .flatMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func recordLastNumber(_ number: Int) throws {
        try write(Array("\(number)\n".utf8), to: .lastSegmentNumber)
    }

    /// The stream's segment and init files, by rendition (leftover temporaries deleted on the way).
    func inventory() -> [SafeName: LiveRenditionFiles] {
        store.inventory(of: stream)
    }
}
