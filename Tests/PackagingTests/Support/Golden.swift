import Foundation
import Testing
import TestSupport

/// Golden files under Tests/PackagingTests/Golden/. `MEDIASERVE_UPDATE_GOLDEN=1` rewrites them on purpose
/// (and the test still fails, so an update is never silent); otherwise a missing or different file fails.
enum Golden {
    static let directory = TestMedia.packageRoot.appendingPathComponent("Tests/PackagingTests/Golden")
    static var updating: Bool { ProcessInfo.processInfo.environment["MEDIASERVE_UPDATE_GOLDEN"] == "1" }

    static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("golden file \(name) rewritten (MEDIASERVE_UPDATE_GOLDEN=1); review the diff and rerun without it",
                         sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("golden file \(name) is missing; run with MEDIASERVE_UPDATE_GOLDEN=1 to create it",
                         sourceLocation: sourceLocation)
            return
        }
        if expected != text {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = Array(zip(got, want)).firstIndex { $0.0 != $0.1 } ?? min(got.count, want.count)
            let show = { (lines: [Substring]) in line < lines.count ? String(lines[line]) : "<end>" }
            Issue.record("\(name) differs at line \(line + 1): got `\(show(got))`, golden `\(show(want))`",
                         sourceLocation: sourceLocation)
        }
    }
}
