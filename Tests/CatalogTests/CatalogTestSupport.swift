import Foundation
import MediaCore
@testable import Catalog

/// A temporary folder for file catalogs, removed at deinit.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var catalogFile: URL { url.appendingPathComponent("catalog.sqlite") }
}

/// A clock tests move by hand, so timestamps and job order are deterministic.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = Date(timeIntervalSince1970: 1_800_000_000)

    var read: @Sendable () -> Date { { [self] in lock.withLock { now } } }

    func advance(_ seconds: TimeInterval) { lock.withLock { now += seconds } }
}

func name(_ raw: String) -> SafeName { SafeName(raw)! }

/// A hand-made index with the awkward values: large starts, optional fields set and unset,
/// a discontinuity and a fractional program date time.
func audioIndex(segments count: Int = 4, id: String = "audio-aac") -> RenditionIndex {
    let rendition = Rendition(id: name(id), kind: .audio, codecs: "mp4a.40.2", peakBitrate: 131_072,
                              averageBitrate: 128_000, timescale: 48_000, sampleRate: 48_000, channels: 2, language: "en")
    let segments = (1...count).map { n in
        SegmentInfo(number: n, start: 8_589_934_592 + Int64(n - 1) * 288_000, duration: 288_000, size: 96_000 + n,
                    discontinuity: n == 3, programDateTime: n == 2 ? 1_800_000_006.125 : nil)
    }
    return RenditionIndex(rendition: rendition, segments: segments)
}
func assetID(_ raw: String) -> AssetID { AssetID(raw)! }
