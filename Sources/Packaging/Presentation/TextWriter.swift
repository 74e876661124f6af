/// Appends manifest text as UTF-8 bytes. A two-hour playlist has thousands of numbers and dates; writing
/// their digits straight into one buffer keeps a request well under a millisecond, where building a
/// `String` per number and per date did not.
struct TextWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: v % 10) + 48
                v /= 10
                count += 1
            } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }

    @inline(__always)
    mutating func append(_ value: Int) { append(Int64(value)) }

    /// `value` with at least `width` digits, zero-padded (non-negative values).
    mutating func append(_ value: Int64, width: Int) {
        var digits = 1
        var v = value.magnitude
        while v >= 10 { v /= 10; digits += 1 }
        for _ in digits..<max(digits, width) { bytes.append(UInt8(ascii: "0")) }
        append(value)
    }

    /// Integer milliseconds as seconds with exactly three decimals: `6000` → `6.000`.
    mutating func appendMillis(_ millis: Int64) {
        let m = millis.magnitude
        if millis < 0 { bytes.append(UInt8(ascii: "-")) }
        append(Int64(m / 1000))
        bytes.append(UInt8(ascii: "."))
        let frac = m % 1000
        bytes.append(UInt8(frac / 100) + 48)
        bytes.append(UInt8(frac / 10 % 10) + 48)
        bytes.append(UInt8(frac % 10) + 48)
    }

    /// `2026-01-02T03:04:05.678Z` for seconds since 1970 (UTC, milliseconds).
    mutating func appendISO8601(_ seconds: Double) {
        // Years 0000-9999 only (what the format can say); NaN becomes the epoch. Never traps.
        let clamped = seconds.isNaN ? 0 : max(-62_167_219_200, min(253_402_300_799.999, seconds))
        let millis = Int64((clamped * 1000).rounded())
        var days = millis / 86_400_000
        var rest = millis % 86_400_000
        if rest < 0 { rest += 86_400_000; days -= 1 }
        let (y, mo, d) = ISO8601.civil(fromDays: days)
        two4(y); bytes.append(45); two(mo); bytes.append(45); two(d)
        bytes.append(84)
        two(rest / 3_600_000); bytes.append(58); two(rest / 60_000 % 60); bytes.append(58); two(rest / 1000 % 60)
        bytes.append(46)
        let ms = rest % 1000
        bytes.append(UInt8(ms / 100) + 48); bytes.append(UInt8(ms / 10 % 10) + 48); bytes.append(UInt8(ms % 10) + 48)
        bytes.append(90)
    }

    @inline(__always)
    private mutating func two(_ v: Int64) {
        bytes.append(UInt8(v / 10 % 10) + 48)
        bytes.append(UInt8(v % 10) + 48)
    }

    private mutating func two4(_ y: Int64) {
        if (0...9999).contains(y) {
            two(y / 100); two(y % 100)
        } else {
            append(y)
        }
    }
}
