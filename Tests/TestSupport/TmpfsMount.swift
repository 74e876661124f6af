import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted on a fresh temporary folder, for disk-full tests (issue 17). Needs root (CI and
/// the development containers run as root); `isAvailable` tells the tests to skip otherwise.
public final class TmpfsMount: @unchecked Sendable {
    public let url: URL

    public static var isAvailable: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    public init(megabytes: Int) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tmpfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let result = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", url.path])
        guard result.status == 0 else {
            try? FileManager.default.removeItem(at: url)
            throw LoopbackSocketError("mount -t tmpfs failed: \(result.stderr)")
        }
    }

    /// Fills the file system with `filler` until a write fails with ENOSPC; returns the bytes written.
    @discardableResult
    public func fill() -> Int {
        let fd = open(url.appendingPathComponent(".filler").path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let block = [UInt8](repeating: 0xAB, count: 64 << 10)
        var total = 0
        while true {
            let written = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            total += written
        }
        // The last pages too: single bytes until nothing fits.
        var byte: UInt8 = 0
        while write(fd, &byte, 1) == 1 { total += 1 }
        return total
    }

    /// Frees what `fill` took.
    public func free() {
        unlink(url.appendingPathComponent(".filler").path)
    }

    public func unmount() {
        _ = try? run("/bin/umount", ["-l", url.path])
        try? FileManager.default.removeItem(at: url)
    }
}
