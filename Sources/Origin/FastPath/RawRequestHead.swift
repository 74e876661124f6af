/// A request head read straight from a connection's bytes by `FastPathFront`, before NIO's HTTP/1 decoder.
///
/// The reading is strict on purpose: anything unusual (a bare LF, folded or odd header lines, a target
/// with bytes a path or query does not need, a second Content-Length, a transfer coding) is `.unusual`,
/// and the front then hands the connection's bytes to NIO's decoder and Hummingbird unchanged, so every
/// refusal, 400 and 501 stays theirs. What it accepts is only what the fast path can answer or pass on
/// whole: the request line, the header lines and how long the body is.
struct RawRequestHead {
    enum Method { case get, head, other }

    var method: Method
    /// The request target as sent (origin form: path and query).
    var target: String
    /// HTTP/1.1 exactly (HTTP/1.0 is answered by the gate, with its own keep-alive rules).
    var isHTTP11: Bool
    /// Every header line in order, names as sent.
    var fields: [(name: String, value: String)]
    var hostCount: Int
    /// The Content-Length value; nil when the header is absent.
    var contentLength: Int?
    /// Connection options other than `keep-alive`, Expect, Upgrade, Cookie or a Transfer-Encoding:
    /// answered by the ordinary pipeline, which knows what to do with them.
    var needsOrdinaryPath: Bool
    /// A Transfer-Encoding is present: the body's end is the decoder's to find (the front stops reading).
    var hasTransferEncoding: Bool
    /// Bytes of the head, through the blank line.
    var length: Int

    enum Scan {
        /// The blank line has not arrived yet.
        case incomplete
        /// Not something the front reads; the decoder and the gate decide what it is.
        case unusual
        case head(RawRequestHead)
    }

    /// Reads one head from the start of `bytes`; `limit` bounds how far the blank line is looked for.
    static func scan(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Scan {
        let count = min(bytes.count, limit)
        // The end of the head: the first CRLF CRLF.
        var end = -1
        var index = 3
        while index < count {
            if bytes[index] == lf {
                guard bytes[index - 1] == cr else { return .unusual }  // a bare LF
                if bytes[index - 2] == lf, bytes[index - 3] == cr {
                    end = index + 1
                    break
                }
            }
            index += 1
        }
        guard end > 0 else { return bytes.count >= limit ? .unusual : .incomplete }

        // The request line: METHOD SP target SP HTTP/1.x CRLF
        var position = 0
        guard let lineEnd = lineEnd(bytes, from: 0, to: end) else { return .unusual }
        guard let firstSpace = firstIndex(of: space, in: bytes, from: 0, to: lineEnd), firstSpace > 0 else { return .unusual }
        let method: Method
        if firstSpace == 3, bytes[0] == 0x47, bytes[1] == 0x45, bytes[2] == 0x54 { method = .get }
        else if firstSpace == 4, bytes[0] == 0x48, bytes[1] == 0x45, bytes[2] == 0x41, bytes[3] == 0x44 { method = .head }
        else { method = .other }
        let targetStart = firstSpace + 1
        guard let secondSpace = firstIndex(of: space, in: bytes, from: targetStart, to: lineEnd), secondSpace > targetStart,
              bytes[targetStart] == slash else { return .unusual }
        for i in targetStart..<secondSpace where !isTargetByte(bytes[i]) { return .unusual }
        let version = UnsafeRawBufferPointer(rebasing: bytes[(secondSpace + 1)..<lineEnd])
        guard version.count == 8, version.starts(with: "HTTP/1.".utf8), version[7] == 0x30 || version[7] == 0x31 else { return .unusual }
        let target = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<secondSpace]), as: UTF8.self)

        var head = RawRequestHead(method: method, target: target, isHTTP11: version[7] == 0x31, fields: [], hostCount: 0,
                                  contentLength: nil, needsOrdinaryPath: false, hasTransferEncoding: false, length: end)
        position = lineEnd + 2
        // Header lines: name ":" OWS value OWS CRLF, until the blank line.
        while position < end - 2 {
            guard let fieldEnd = Self.lineEnd(bytes, from: position, to: end),
                  let colon = firstIndex(of: colon, in: bytes, from: position, to: fieldEnd), colon > position else { return .unusual }
            for i in position..<colon where !isTokenByte(bytes[i]) { return .unusual }
            var valueStart = colon + 1
            var valueEnd = fieldEnd
            while valueStart < valueEnd, bytes[valueStart] == space || bytes[valueStart] == tab { valueStart += 1 }
            while valueEnd > valueStart, bytes[valueEnd - 1] == space || bytes[valueEnd - 1] == tab { valueEnd -= 1 }
            for i in valueStart..<valueEnd where !isValueByte(bytes[i]) { return .unusual }
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[position..<colon])
            let valueBytes = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            let name = String(decoding: nameBytes, as: UTF8.self)
            let value = String(decoding: valueBytes, as: UTF8.self)
            switch nameBytes.count {
            case 4 where equalsIgnoringCase(nameBytes, "host"):
                head.hostCount += 1
            case 14 where equalsIgnoringCase(nameBytes, "content-length"):
                guard head.contentLength == nil, !valueBytes.isEmpty, valueBytes.count <= 15,
                      valueBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(value) else { return .unusual }
                head.contentLength = length
            case 17 where equalsIgnoringCase(nameBytes, "transfer-encoding"):
                head.hasTransferEncoding = true
                head.needsOrdinaryPath = true
            case 10 where equalsIgnoringCase(nameBytes, "connection"):
                if !equalsIgnoringCase(valueBytes, "keep-alive") { head.needsOrdinaryPath = true }
            case 6 where equalsIgnoringCase(nameBytes, "expect"), 7 where equalsIgnoringCase(nameBytes, "upgrade"),
                 6 where equalsIgnoringCase(nameBytes, "cookie"), 10 where equalsIgnoringCase(nameBytes, "keep-alive"):
                head.needsOrdinaryPath = true
            default:
                break
            }
            head.fields.append((name, value))
            position = fieldEnd + 2
        }
        return .head(head)
    }

    private static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, space: UInt8 = 0x20, tab: UInt8 = 0x09
    private static let slash: UInt8 = 0x2F, colon: UInt8 = 0x3A

    /// The index of the CR ending the line that starts at `from` (the line ends in CRLF before `to`).
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        var i = from
        while i + 1 < to {
            if bytes[i] == cr { return bytes[i + 1] == lf ? i : nil }
            i += 1
        }
        return nil
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// RFC 9110 tchar.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): return true
        default: return false
        }
    }

    /// Visible ASCII, space and tab: no control bytes and nothing outside ASCII (left to the decoder).
    private static func isValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte < 0x7F)
    }

    /// RFC 3986 path and query characters (unreserved, sub-delims, ":", "@", "/", "?", "%").
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"),
             UInt8(ascii: "?"), UInt8(ascii: "%"): return true
        default: return false
        }
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for i in 0..<bytes.count {
            var byte = bytes[i]
            if byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
            if byte != expected[i] { return false }
        }
        return true
    }
}
