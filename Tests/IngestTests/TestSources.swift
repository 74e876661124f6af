import Foundation
import TestSupport

/// Short sources generated with ffmpeg's lavfi inputs, cached per test run in a temporary folder.
enum TestSources {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaserve-ingest-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    private static let lock = NSLock()

    /// Generates (once) a file from ffmpeg arguments placed between `-y` and the output path.
    static func make(_ name: String, _ arguments: [String]) throws -> URL {
        lock.lock(); defer { lock.unlock() }
        let url = folder.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let result = try run("ffmpeg", ["-v", "error", "-y"] + arguments + [url.path])
        guard result.status == 0 else { throw TestSourceError(message: "ffmpeg failed for \(name): \(result.stderr)") }
        return url
    }

    /// 480x270, 25 fps, 13 s with a 440 Hz tone: long enough for two full segments and a short third.
    static func small13s() throws -> URL {
        try make("small13s.mp4", [
            "-f", "lavfi", "-i", "testsrc2=s=480x270:r=25:d=13",
            "-f", "lavfi", "-i", "sine=f=440:r=44100:d=13",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k", "-shortest",
        ])
    }

    static func scratch(_ name: String) -> URL {
        let url = folder.appendingPathComponent("out-\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct TestSourceError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
