import Foundation
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of the samples collected for the open segment, back to back.
///
/// Kept in memory they cost a whole segment per stream (about 2 MB at 3 Mb/s and 6 s), so with a spool
/// they go to an unnamed file in the stream's directory as they arrive (the kernel's page cache holds
/// them, as it holds nginx-rtmp's growing .ts files); at the cut the file goes with the segment's bytes
/// (`takeSpooled`) and the store copies it after the segment's header. If the spool cannot be written, the
/// bytes stay in memory instead.
struct SamplePayload: Sendable {
    private let spool: SampleSpool?
    private var spooled = 0
    private var memory: [UInt8] = []

    init(spool: SampleSpool?) {
        self.spool = spool
    }

    var isEmpty: Bool { spooled == 0 && memory.isEmpty }

    mutating func append(_ bytes: [UInt8]) {
        if let spool, memory.isEmpty, spool.append(bytes) {
            spooled += bytes.count
            return
        }
        memory += bytes
    }

    /// Hands over every byte appended since the last drain when all of them are in the spool file (the
    /// usual case): the file goes with them, and the next append starts a new one. Nil when some are in
    /// memory or the file cannot take the staged tail (then `drain` still gives them all).
    mutating func takeSpooled() -> SpooledSamples? {
        guard let spool, memory.isEmpty, spooled > 0, let samples = spool.handOff(count: spooled) else { return nil }
        spooled = 0
        return samples
    }

    /// Appends every byte appended since the last drain to `out`, in order, and empties the payload;
    /// false when the spool cannot be read back (then `out` holds an unknown part of them).
    mutating func drain(into out: inout [UInt8]) -> Bool {
        defer {
            spooled = 0
            memory.removeAll()
            spool?.reset()
        }
        if spooled > 0 {
            guard let spool, spool.read(count: spooled, appendingTo: &out) else { return false }
        }
        out += memory
        return true
    }
}

/// An unnamed temporary file (created and unlinked at once, so nothing is left behind by a crash) that
/// one track's payload is appended to and read back from. Owned by one `TrackFragmenter`, which the
/// stream's lock serialises.
///
/// Appends are gathered in memory up to `writeBehind` bytes and written in one `pwrite`: one call per
/// sample (about 80 a second per stream, most of them audio frames of a few hundred bytes) made the
/// spool's system calls the largest CPU cost of a live stream.
final class SampleSpool: @unchecked Sendable {
    /// Bytes gathered before they are written: a few video frames, or seconds of audio.
    static let writeBehind = 32 << 10

    private let directory: URL
    private var descriptor: Int32 = -1
    /// Bytes in the file.
    private var length = 0
    /// Bytes appended after those, not written yet (kept, should a write fail, so nothing is lost).
    private var staged: [UInt8] = []

    init(directory: URL) {
        self.directory = directory
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// False when the file cannot be created or written (the caller keeps the bytes itself).
    func append(_ bytes: [UInt8]) -> Bool {
        guard open() else { return false }
        if staged.count + bytes.count <= Self.writeBehind {
            if staged.capacity < Self.writeBehind { staged.reserveCapacity(Self.writeBehind) }
            staged += bytes
            return true
        }
        guard flush() else { return false }
        if bytes.count >= Self.writeBehind { return write(bytes) }
        staged += bytes
        return true
    }

    /// Reads the first `count` bytes appended onto the end of `out` (no intermediate buffer: a segment is
    /// megabytes).
    func read(count: Int, appendingTo out: inout [UInt8]) -> Bool {
        guard descriptor >= 0, count <= length + staged.count else { return false }
        let fromFile = min(count, length)
        guard LocalFileCopy.read(descriptor, count: fromFile, appendingTo: &out) else { return false }
        out += staged[0..<(count - fromFile)]
        return true
    }

    /// Gives the file, holding exactly `count` bytes once the staged ones are written, to a `SpooledSamples`;
    /// the next append opens a new file. Nil (nothing changes) when the counts differ or the write fails.
    func handOff(count: Int) -> SpooledSamples? {
        guard descriptor >= 0, length + staged.count == count, flush() else { return nil }
        defer {
            descriptor = -1
            length = 0
        }
        return SpooledSamples(descriptor: descriptor, count: count)
    }

    /// Empties the file for the next segment (its pages are dropped, never written back).
    func reset() {
        staged.removeAll(keepingCapacity: true)
        guard descriptor >= 0, length > 0 else { return }
        if ftruncate(descriptor, 0) != 0 {
            close(descriptor)
            descriptor = -1
        }
        length = 0
    }

    /// Writes the staged bytes to the file; false (and they stay staged) when that fails.
    private func flush() -> Bool {
        guard !staged.isEmpty else { return true }
        guard write(staged) else { return false }
        staged.removeAll(keepingCapacity: true)
        return true
    }

    /// Writes `bytes` at the end of the file; false when the disk refuses them.
    private func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + offset, bytes.count - offset, off_t(length + offset)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        length += bytes.count
        return true
    }

    private func open() -> Bool {
        if descriptor >= 0 { return true }
        // A new file per segment (the last one went with its samples): the folder is made only when missing.
        var template = Array(directory.appendingPathComponent(".spool-XXXXXX").path.utf8CString)
        var opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if opened < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            template = Array(directory.appendingPathComponent(".spool-XXXXXX").path.utf8CString)
            opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        }
        guard opened >= 0 else { return false }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = opened
        length = 0
        return true
    }
}
