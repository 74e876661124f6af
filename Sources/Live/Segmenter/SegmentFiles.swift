import Foundation
import MediaCore

/// The files of one live stream: `<root>/<stream>/<rendition>/init-<n>.mp4` and `seg-<n>.m4s`, plus the
/// stream's index journal. Every file is written under a hidden temporary name and renamed into place, so
/// a reader (or the CDN behind it) never sees half a segment.
struct SegmentFiles: Sendable {
    let streamDirectory: URL

    func renditionDirectory(_ rendition: SafeName) -> URL {
        streamDirectory.appendingPathComponent(rendition.rawValue, isDirectory: true)
    }

    func segmentURL(_ rendition: SafeName, number: Int) -> URL {
        renditionDirectory(rendition).appendingPathComponent("seg-\(number).m4s")
    }

    /// `init-<number>.mp4` (`init.mp4` for nil: what servers before numbered inits wrote).
    func initURL(_ rendition: SafeName, number: Int?) -> URL {
        renditionDirectory(rendition).appendingPathComponent(SegmentInfo.initFileName(number))
    }

    var journal: IndexJournal { IndexJournal(url: streamDirectory.appendingPathComponent(".index.jsonl")) }

    func write(_ bytes: [UInt8], to url: URL) throws {
        try Self.writeAtomically(bytes, to: url)
    }

    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw LiveError.storage(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as LiveError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            // A full disk leaves a partial temporary file: it must not stay behind, taking space.
            try? FileManager.default.removeItem(at: temporary)
            throw LiveError.storage(path: url.path, reason: Self.reason(error))
        }
    }

    /// strerror text of the POSIX error under a Foundation error ("No space left on device").
    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }

    func remove(_ rendition: SafeName, number: Int) {
        try? FileManager.default.removeItem(at: segmentURL(rendition, number: number))
    }

    func removeInit(_ rendition: SafeName, number: Int?) {
        try? FileManager.default.removeItem(at: initURL(rendition, number: number))
    }

    /// `<stream>/.last-segment-number`: the highest number ever used, kept when an earlier run's segment
    /// files are removed, so a second restart cannot fall back to numbers a CDN may still cache.
    var lastNumberURL: URL { streamDirectory.appendingPathComponent(".last-segment-number") }

    func recordedLastNumber() -> Int? {
        (try? String(contentsOf: lastNumberURL, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func recordLastNumber(_ number: Int) throws {
        try write(Array("\(number)\n".utf8), to: lastNumberURL)
    }

    /// What one rendition folder holds: segment sizes by number, init files by number (nil: `init.mp4`).
    struct RenditionFiles {
        var segmentSizes: [Int: Int] = [:]
        var inits: Set<Int?> = []
    }

    /// The stream's segment and init files on disk, by rendition; leftover temporary files (a write cut
    /// short by a crash) are deleted on the way.
    func inventory() -> [SafeName: RenditionFiles] {
        let manager = FileManager.default
        guard let renditions = try? manager.contentsOfDirectory(atPath: streamDirectory.path) else { return [:] }
        var found: [SafeName: RenditionFiles] = [:]
        for name in renditions {
            guard let rendition = SafeName(name),
                  let files = try? manager.contentsOfDirectory(atPath: renditionDirectory(rendition).path) else { continue }
            var entry = RenditionFiles()
            for file in files {
                let path = renditionDirectory(rendition).appendingPathComponent(file).path
                if file.hasPrefix("."), file.hasSuffix(".tmp") {
                    try? manager.removeItem(atPath: path)
                } else if file == "init.mp4" {
                    entry.inits.insert(nil)
                } else if let number = Self.number(file, prefix: "init-", suffix: ".mp4") {
                    entry.inits.insert(number)
                } else if let number = Self.number(file, prefix: "seg-", suffix: ".m4s"),
                          let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? Int {
                    entry.segmentSizes[number] = size
                }
            }
            found[rendition] = entry
        }
        return found
    }

    private static func number(_ file: String, prefix: String, suffix: String) -> Int? {
        guard file.hasPrefix(prefix), file.hasSuffix(suffix) else { return nil }
        return Int(file.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
