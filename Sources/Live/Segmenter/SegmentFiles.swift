import Foundation
import MediaCore

/// The files of one live stream: `<root>/<stream>/<rendition>/init.mp4` and `seg-<n>.m4s`. Every file is
/// written under a hidden temporary name and renamed into place, so a reader (or the CDN behind it) never
/// sees half a segment.
struct SegmentFiles: Sendable {
    let streamDirectory: URL

    func renditionDirectory(_ rendition: SafeName) -> URL {
        streamDirectory.appendingPathComponent(rendition.rawValue, isDirectory: true)
    }

    func segmentURL(_ rendition: SafeName, number: Int) -> URL {
        renditionDirectory(rendition).appendingPathComponent("seg-\(number).m4s")
    }

    func initURL(_ rendition: SafeName) -> URL {
        renditionDirectory(rendition).appendingPathComponent("init.mp4")
    }

    func write(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw LiveError.storage(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as LiveError {
            throw error
        } catch {
            throw LiveError.storage(path: url.path, reason: "\(error)")
        }
    }

    func remove(_ rendition: SafeName, number: Int) {
        try? FileManager.default.removeItem(at: segmentURL(rendition, number: number))
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

    /// Segment numbers already on disk from an earlier run (any rendition), so numbering continues.
    func existingSegmentNumbers() -> [SafeName: [Int]] {
        let manager = FileManager.default
        guard let renditions = try? manager.contentsOfDirectory(atPath: streamDirectory.path) else { return [:] }
        var found: [SafeName: [Int]] = [:]
        for name in renditions {
            guard let rendition = SafeName(name),
                  let files = try? manager.contentsOfDirectory(atPath: renditionDirectory(rendition).path) else { continue }
            found[rendition] = files.compactMap { file in
                guard file.hasPrefix("seg-"), file.hasSuffix(".m4s") else { return nil }
                return Int(file.dropFirst(4).dropLast(4))
            }
        }
        return found
    }
}
