/// ISO 8601 / xs:dateTime text without Foundation: manifests are built per request, and a formatter that
/// allocates per call would dominate the cost of a two-hour playlist with a date on every segment.
enum ISO8601 {
    /// `2026-01-02T03:04:05.678Z` (UTC, milliseconds) for seconds since 1970.
    static func format(_ seconds: Double) -> String {
        var writer = TextWriter(capacity: 24)
        writer.appendISO8601(seconds)
        return writer.string
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; nil when anything else.
    static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func num(_ at: Int, _ len: Int) -> Int64? {
            guard at + len <= b.count else { return nil }
            var v: Int64 = 0
            for i in at..<(at + len) {
                guard (48...57).contains(b[i]) else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32, let h = num(11, 2), b[13] == 58, let mi = num(14, 2),
              b[16] == 58, let s = num(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            let digitsStart = i
            while i < b.count, (48...57).contains(b[i]) { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > digitsStart else { return nil }
        }
        var offset: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign: Int64 = b[i] == 45 ? -1 : 1
            guard let oh = num(i + 1, 2) else { return nil }
            var om: Int64 = 0
            if let m = num(i + 4, 2), b[i + 3] == 58 { om = m; i += 6 }
            else if let m = num(i + 3, 2) { om = m; i += 5 }
            else { i += 3 }
            guard oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else { return nil }
        guard i == b.count else { return nil }
        let days = days(fromCivil: y, mo, d)
        return Double(days * 86_400 + h * 3600 + mi * 60 + s - offset) + fraction
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Decimal text with exactly (or at most) three fractional digits, from integer milliseconds so that
/// `5.9999999` never prints as `5.1000`.
enum Decimal3 {
    static func string(_ seconds: Double, trim: Bool = false) -> String {
        guard seconds.isFinite else { return seconds.isNaN ? "nan" : (seconds < 0 ? "-inf" : "inf") }
        return string(millis: Int64((max(-maxSeconds, min(maxSeconds, seconds)) * 1000).rounded()), trim: trim)
    }

    /// Beyond this (about 285,000 years) values are clamped rather than converted, so no input can trap.
    static let maxSeconds = 9e12

    static func string(millis: Int64, trim: Bool = false) -> String {
        let negative = millis < 0
        let m = negative ? -millis : millis
        var out = negative ? "-" : ""
        out += String(m / 1000)
        let frac = m % 1000
        if trim {
            guard frac != 0 else { return out }
            var digits = ISO8601.pad(frac, 3)
            while digits.hasSuffix("0") { digits.removeLast() }
            return out + "." + digits
        }
        return out + "." + ISO8601.pad(frac, 3)
    }

    /// `ticks / timescale` seconds as integer milliseconds, rounded half up.
    @inline(__always)
    static func millis(_ ticks: Int64, timescale: Int64) -> Int64 {
        ticks >= 0 ? (ticks * 1000 + timescale / 2) / timescale : -((-ticks * 1000 + timescale / 2) / timescale)
    }
}

/// xs:duration text for MPD attributes: `PT6S`, `PT7199.96S`.
enum XSDuration {
    static func string(_ seconds: Double) -> String {
        "PT" + Decimal3.string(max(0, seconds), trim: true) + "S"
    }
}
