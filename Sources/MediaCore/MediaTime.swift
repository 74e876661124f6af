/// A presentation time as an exact rational (`value / timescale` seconds).
///
/// Media timestamps are kept in their stream's own timescale so that segment boundaries computed on one
/// rendition can be compared exactly with another's; converting through `Double` too early is how
/// players end up with 5.999 s segments that do not line up.
public struct MediaTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var value: Int64
    public var timescale: Int32

    public init(value: Int64, timescale: Int32) {
        precondition(timescale > 0, "MediaTime timescale must be positive")
        self.value = value
        self.timescale = timescale
    }

    public static func seconds(_ seconds: Double, timescale: Int32 = 90_000) -> MediaTime {
        MediaTime(value: Int64((seconds * Double(timescale)).rounded()), timescale: timescale)
    }

    public static let zero = MediaTime(value: 0, timescale: 1)

    public var seconds: Double { Double(value) / Double(timescale) }

    /// The same instant in another timescale, rounded to the nearest tick.
    public func converted(to newScale: Int32) -> MediaTime {
        if newScale == timescale { return self }
        let scaled = (Double(value) * Double(newScale) / Double(timescale)).rounded()
        return MediaTime(value: Int64(scaled), timescale: newScale)
    }

    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool {
        // Cross-multiplication in 128 bits keeps the comparison exact for any pair of timescales.
        let l = lhs.value.multipliedFullWidth(by: Int64(rhs.timescale))
        let r = rhs.value.multipliedFullWidth(by: Int64(lhs.timescale))
        return (l.high, l.low) < (r.high, r.low)
    }

    public static func == (lhs: MediaTime, rhs: MediaTime) -> Bool {
        !(lhs < rhs) && !(rhs < lhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
    }

    public var description: String { "\(value)/\(timescale)" }
}

/// A frame rate or other exact ratio (e.g. 30000/1001).
public struct Rational: Hashable, Sendable, Codable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var value: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    /// "25", "30000/1001": the form DASH `frameRate` attributes use.
    public var description: String {
        if denominator == 1 { return "\(numerator)" }
        return "\(numerator)/\(denominator)"
    }
}
