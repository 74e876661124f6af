/// The only file names the origin serves from the data directory: `init.mp4`, `init-<n>.mp4` (a live
/// stream's init segments, one name per distinct encoder configuration) and `seg-<n>.m4s`.
///
/// Checked byte by byte rather than by path normalisation, so `..`, `/`, NUL, percent escapes, other
/// extensions and over-long names simply do not match. Numbers are canonical (no leading zeros, at most
/// 12 digits) so each file has exactly one URL, which keeps CDN caches from holding duplicates.
public enum SegmentFileName {
    public static let initSegment = "init.mp4"
    public static let maxDigits = 12

    public static func isValid(_ name: String) -> Bool {
        isInitSegment(name) || segmentNumber(name) != nil || partNumber(name) != nil
    }

    /// `part-42.3.m4s` -> (42, 3): part 3 of segment 42 of a low-latency live stream; nil for anything else.
    public static func partNumber(_ name: String) -> (segment: Int, index: Int)? {
        guard name.hasPrefix("part-"), name.hasSuffix(".m4s") else { return nil }
        let middle = name.dropFirst(5).dropLast(4)
        let pieces = middle.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, let segment = number(in: "seg-\(pieces[0]).m4s", prefix: "seg-", suffix: ".m4s"),
              let index = number(in: "seg-\(pieces[1]).m4s", prefix: "seg-", suffix: ".m4s") else { return nil }
        return (segment, index)
    }

    /// `init.mp4` or a canonical `init-<n>.mp4`.
    public static func isInitSegment(_ name: String) -> Bool {
        name == initSegment || initNumber(name) != nil
    }

    /// `seg-42.m4s` -> 42; nil for anything else (including `seg-042.m4s`).
    public static func segmentNumber(_ name: String) -> Int? {
        number(in: name, prefix: "seg-", suffix: ".m4s")
    }

    /// `init-42.mp4` -> 42; nil for anything else (including `init.mp4` and `init-042.mp4`).
    public static func initNumber(_ name: String) -> Int? {
        number(in: name, prefix: "init-", suffix: ".mp4")
    }

    /// `seg-<number>.m4s`.
    public static func segment(_ number: Int) -> String { "seg-\(number).m4s" }

    /// `init.mp4` for nil, else `init-<number>.mp4` (the same rule as `SegmentInfo.initFileName`).
    public static func initFileName(_ number: Int?) -> String {
        number.map { "init-\($0).mp4" } ?? initSegment
    }

    private static func number(in name: String, prefix: String, suffix: String) -> Int? {
        let bytes = Array(name.utf8)
        let prefix = Array(prefix.utf8), suffix = Array(suffix.utf8)
        guard bytes.count > prefix.count + suffix.count,
              bytes.count <= prefix.count + maxDigits + suffix.count,
              bytes.starts(with: prefix), bytes.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        let digits = bytes[prefix.count..<(bytes.count - suffix.count)]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        if digits.count > 1 && digits.first == UInt8(ascii: "0") { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
