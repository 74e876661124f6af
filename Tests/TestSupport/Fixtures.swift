import Foundation

/// Where test media lives: small committed clips in Fixtures/, generated ones in the folder
/// scripts/make-fixtures.sh fills (MEDIASERVE_MEDIA_DIR, default .media/ at the package root).
public enum TestMedia {
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/Fixtures.swift
        return url
    }()

    public static var committed: URL { packageRoot.appendingPathComponent("Fixtures") }

    public static var generated: URL {
        if let dir = ProcessInfo.processInfo.environment["MEDIASERVE_MEDIA_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.appendingPathComponent(".media")
    }

    /// A generated fixture by file name; fails the test run with a hint when the script was not run.
    public static func file(_ name: String) -> URL {
        let url = generated.appendingPathComponent(name)
        precondition(FileManager.default.fileExists(atPath: url.path),
                     "missing test media \(url.path): run `make fixtures` (scripts/make-fixtures.sh)")
        return url
    }

    /// The built `mediaserve` executable next to the test bundle.
    public static var mediaserveBinary: URL {
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.deletingLastPathComponent().appendingPathComponent("mediaserve"),
            bundle.appendingPathComponent("mediaserve"),
            packageRoot.appendingPathComponent(".build/debug/mediaserve"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }
}
