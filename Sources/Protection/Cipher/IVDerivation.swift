import Crypto

/// Deterministic IVs: the same key, track and segment always give the same IV, so encrypting the same
/// clear segment twice gives the same bytes (a CDN may cache them, ETags and ranges stay valid), while
/// different segments, renditions or tracks never share one under a key.
///
/// Each IV is the start of SHA-256(label ‖ kid ‖ stream ‖ segment number); the label separates the uses.
public enum IVDerivation {
    /// HLS AES-128: the 16-byte IV written in `EXT-X-KEY` for one segment (or the init, `segment` = -1).
    public static func wholeSegment(kid: KeyID, stream: String, segment: Int) -> [UInt8] {
        digest(label: "mediaserve aes-128", kid: kid, stream: stream, number: Int64(segment), count: 16)
    }

    /// `cenc`: the 8-byte IV of a fragment's first sample; sample `i` uses this plus `i` (big-endian).
    /// 8-byte IVs with a 64-bit block counter below them never overlap within a sample's keystream.
    public static func cencFragmentBase(kid: KeyID, stream: String, segment: Int) -> [UInt8] {
        digest(label: "mediaserve cenc", kid: kid, stream: stream, number: Int64(segment), count: 8)
    }

    /// `cbcs`: the constant IV of a track (in `tenc`), one per key and stream.
    public static func cbcsConstant(kid: KeyID, stream: String) -> [UInt8] {
        digest(label: "mediaserve cbcs", kid: kid, stream: stream, number: 0, count: 16)
    }

    /// `base + offset` as a big-endian unsigned integer of `base.count` bytes (wrapping).
    public static func adding(_ offset: UInt64, to base: [UInt8]) -> [UInt8] {
        var out = base
        var carry = offset
        var index = out.count - 1
        while index >= 0 && carry > 0 {
            let sum = UInt64(out[index]) + (carry & 0xFF)
            out[index] = UInt8(truncatingIfNeeded: sum)
            carry = (carry >> 8) + (sum >> 8)
            index -= 1
        }
        return out
    }

    private static func digest(label: String, kid: KeyID, stream: String, number: Int64, count: Int) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(label.utf8) + [0])
        hasher.update(data: kid.bytes)
        hasher.update(data: Array(stream.utf8) + [0])
        withUnsafeBytes(of: number.bigEndian) { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize().prefix(count))
    }
}
