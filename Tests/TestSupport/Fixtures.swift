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

    /// A generated fixture by file name. A missing file throws, so only the tests that need it fail (with a
    /// hint) and the rest of the run goes on.
    public static func file(_ name: String) throws -> URL {
        let url = generated.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFixture(path: url.path) }
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

/// A generated test file is absent: the fixtures script was not run, or not for this file.
public struct MissingFixture: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "missing test media \(path): run `make fixtures` (scripts/make-fixtures.sh)" }
}
