#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Date header value of a connection's answers, formatted once per second.
struct ConnectionDate {
    private var second = -1
    private var text = ""

    mutating func current() -> String {
        let now = Int(time(nil))
        if now != second {
            second = now
            text = HTTPDate.format(now)
        }
        return text
    }
}
