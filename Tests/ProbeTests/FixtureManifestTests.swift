import Foundation
import Testing
import TestSupport

/// The fixture list other helpers read (.media/MANIFEST.txt, from the script's header) names real files.
/// (Only a subset check: other test suites may add their own files to the folder.)
@Suite struct FixtureManifestTests {
    @Test func everyListedFixtureExists() throws {
        let manifest = try String(contentsOf: TestMedia.generated.appendingPathComponent("MANIFEST.txt"), encoding: .utf8)
        let listed = Set(manifest.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) })
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: TestMedia.generated.path))
            .filter { !$0.hasPrefix(".") && $0 != "MANIFEST.txt" }
        #expect(listed.subtracting(present).isEmpty, "listed but missing: \(listed.subtracting(present).sorted())")
        #expect(listed.count >= 25)
    }

    @Test func committedSampleIsSmall() throws {
        let sample = TestMedia.committed.appendingPathComponent("sample.mp4")
        let size = try FileManager.default.attributesOfItem(atPath: sample.path)[.size] as? Int ?? 0
        #expect(size > 10_000 && size < 200_000)
    }
}
