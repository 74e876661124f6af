import Foundation
import Testing
import TestSupport

/// Validates MPD text against DASH-MPD.xsd with xmllint (libxml2-utils). Every MPD a test builds goes
/// through here.
enum MPDSchema {
    /// `../shared/schemas/dash/DASH-MPD.xsd` from the package root (main checkout and CI); a git worktree
    /// sits deeper, so the ancestors are searched too. `MEDIASERVE_DASH_XSD` overrides.
    static let xsd: URL = {
        if let path = ProcessInfo.processInfo.environment["MEDIASERVE_DASH_XSD"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var dir = TestMedia.packageRoot.deletingLastPathComponent()
        let relative = "shared/schemas/dash/DASH-MPD.xsd"
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return TestMedia.packageRoot.appendingPathComponent("../" + relative).standardized
    }()

    static func validate(_ mpd: String, label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mpd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("manifest.mpd")
        try mpd.write(to: file, atomically: true, encoding: .utf8)
        try validate(file: file, label: label, sourceLocation: sourceLocation)
    }

    static func validate(file: URL, label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(FileManager.default.fileExists(atPath: xsd.path), "schema missing at \(xsd.path)", sourceLocation: sourceLocation)
        let result = try run("xmllint", ["--noout", "--schema", xsd.path, file.path])
        #expect(result.status == 0, "\(label): MPD fails DASH-MPD.xsd: \(result.stderr)", sourceLocation: sourceLocation)
    }
}
