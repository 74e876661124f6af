/// What a live stream's settings may be, wherever they come from (the admin API or the streams file
/// named by `live.streams_file`), so both sources accept and refuse the same things.
public enum LiveStreamRules {
    /// A stream key travels in `rtmp://host/live/<key>` and in SRT's `streamid` (`#!::r=<key>,m=publish`),
    /// so only characters that need no escaping in either: letters, digits, `-`, `_` and `.`. At least 16
    /// characters, so a key is not guessed; the API generates 48 hex digits.
    public static let keyLength: ClosedRange<Int> = 16...128

    /// DVR windows from one second to 30 days (the range `live.dvr_window_seconds` accepts).
    public static let dvrWindowSeconds: ClosedRange<Int> = 1...(30 * 86_400)

    /// Nil when `key` is usable, else why not (a phrase: "must be ...").
    public static func keyProblem(_ key: String) -> String? {
        guard keyLength.contains(key.utf8.count) else {
            return "must be \(keyLength.lowerBound) to \(keyLength.upperBound) characters long, found \(key.utf8.count)"
        }
        let allowed = key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                return true
            default:
                return false
            }
        }
        return allowed ? nil : "must use only letters, digits, '-', '_' and '.' (it is part of RTMP and SRT URLs)"
    }
}
