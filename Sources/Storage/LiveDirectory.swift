import Foundation
import MediaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `data/live/`: live streams on the local filesystem, `<root>/<stream>/<LiveFile.relativePath>`.
///
/// Whole files are written under a hidden temporary name (`.<name>.tmp`) beside the target and renamed
/// into place, so the origin's `sendfile` of a segment never meets half of one; a crash leaves only the
/// temporary, which `inventory` deletes.
public struct LiveDirectory: LiveMediaStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func streamDirectory(_ stream: SafeName) -> URL {
        root.appendingPathComponent(stream.rawValue, isDirectory: true)
    }

    public func url(of file: LiveFile, stream: SafeName) -> URL {
        streamDirectory(stream).appendingPathComponent(file.relativePath)
    }

    public func location(of file: LiveFile, stream: SafeName) -> String {
        url(of: file, stream: stream).path
    }

    public func scratchDirectory(of stream: SafeName) -> URL {
        streamDirectory(stream)
    }

    /// Written with plain `open`/`write` from the caller's buffer: a segment is megabytes, and a copy into
    /// `Data` per segment doubled the live segmenter's peak memory. The folder is made only when the open
    /// finds it missing (the stream's first file), not checked on every write.
    public func write(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws {
        try writeWhole(file, of: stream) { fd in Self.writeAll(bytes, to: fd) }
    }

    /// The header from memory, then the samples copied from the spool file by the kernel
    /// (`copy_file_range`): the segment's megabytes never enter this process.
    public func write(_ head: [UInt8], followedBy count: Int, of descriptor: Int32, to file: LiveFile, of stream: SafeName) throws {
        try writeWhole(file, of: stream) { fd in
            Self.writeAll(head, to: fd) ?? LocalFileCopy.copy(count, from: descriptor, to: fd)
        }
    }

    /// Fills a hidden temporary file beside `file` with `fill` (nil, or what failed) and renames it into
    /// place; on failure the temporary is removed (a full disk must not keep the partial file).
    private func writeWhole(_ file: LiveFile, of stream: SafeName, fill: (Int32) -> String?) throws {
        let url = url(of: file, stream: stream)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp").path
        var fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw StorageError.io(operation: "write", path: url.path, reason: String(cString: strerror(errno))) }
        var failure = fill(fd)
        if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw StorageError.io(operation: "write", path: url.path, reason: failure)
        }
        guard rename(temporary, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw StorageError.io(operation: "rename into place", path: url.path, reason: reason)
        }
    }

    /// Writes all of `bytes` at the descriptor's position; nil when done, else what failed.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc)
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #else
                let written = Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #endif
                if written < 0, errno == EINTR { continue }
                guard written > 0 else {
                    return written < 0 ? String(cString: strerror(errno)) : "short write (\(offset) of \(raw.count) bytes)"
                }
                offset += written
            }
            return nil
        }
    }

    public func append(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws {
        let url = url(of: file, stream: stream)
        let path = url.path
        var fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0, errno == ENOENT {
            // The stream's first file: make its folder (later appends find it).
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw StorageError.io(operation: "open for append", path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        #if canImport(Glibc)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        #else
        let written = bytes.withUnsafeBytes { Darwin.write(fd, $0.baseAddress, $0.count) }
        #endif
        guard written == bytes.count else {
            let reason = written < 0 ? String(cString: strerror(errno)) : "short write (\(written) of \(bytes.count) bytes)"
            throw StorageError.io(operation: "append", path: path, reason: reason)
        }
    }

    public func read(_ file: LiveFile, of stream: SafeName) -> Data? {
        try? Data(contentsOf: url(of: file, stream: stream))
    }

    public func remove(_ file: LiveFile, of stream: SafeName) {
        try? FileManager.default.removeItem(at: url(of: file, stream: stream))
    }

    public func inventory(of stream: SafeName) -> [SafeName: LiveRenditionFiles] {
        let manager = FileManager.default
        let streamDirectory = streamDirectory(stream)
        guard let renditions = try? manager.contentsOfDirectory(atPath: streamDirectory.path) else { return [:] }
        var found: [SafeName: LiveRenditionFiles] = [:]
        for name in renditions {
            let directory = streamDirectory.appendingPathComponent(name, isDirectory: true)
            guard let rendition = SafeName(name), let files = try? manager.contentsOfDirectory(atPath: directory.path) else { continue }
            var entry = LiveRenditionFiles()
            for file in files {
                let path = directory.appendingPathComponent(file).path
                // Parts are only for players at the live edge of a running segmenter: an earlier run's are stale.
                if (file.hasPrefix(".") && file.hasSuffix(".tmp")) || SegmentFileName.partNumber(file) != nil {
                    try? manager.removeItem(atPath: path)
                } else if file == SegmentFileName.initSegment {
                    entry.inits.insert(nil)
                } else if let number = SegmentFileName.initNumber(file) {
                    entry.inits.insert(number)
                } else if let number = SegmentFileName.segmentNumber(file),
                          let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? Int {
                    entry.segmentSizes[number] = size
                }
            }
            found[rendition] = entry
        }
        return found
    }
}

extension DataDirectory {
    /// The live streams' files (`data/live/`): the live half of this store.
    public var liveStore: LiveDirectory { LiveDirectory(root: liveRoot) }

    public func write(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws {
        try liveStore.write(bytes, to: file, of: stream)
    }

    public func write(_ head: [UInt8], followedBy count: Int, of descriptor: Int32, to file: LiveFile, of stream: SafeName) throws {
        try liveStore.write(head, followedBy: count, of: descriptor, to: file, of: stream)
    }

    public func append(_ bytes: [UInt8], to file: LiveFile, of stream: SafeName) throws {
        try liveStore.append(bytes, to: file, of: stream)
    }

    public func read(_ file: LiveFile, of stream: SafeName) -> Data? {
        liveStore.read(file, of: stream)
    }

    public func remove(_ file: LiveFile, of stream: SafeName) {
        liveStore.remove(file, of: stream)
    }

    public func inventory(of stream: SafeName) -> [SafeName: LiveRenditionFiles] {
        liveStore.inventory(of: stream)
    }

    public func scratchDirectory(of stream: SafeName) -> URL {
        liveStore.scratchDirectory(of: stream)
    }

    public func location(of file: LiveFile, stream: SafeName) -> String {
        liveStore.location(of: file, stream: stream)
    }
}
