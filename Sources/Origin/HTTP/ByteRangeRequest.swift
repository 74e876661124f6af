/// What a `Range` request header asks of a representation of a known size (RFC 9110 §14).
///
/// Only single `bytes=` ranges are honoured; a multi-range or malformed header is ignored and the whole
/// representation is sent, which the RFC allows and every player copes with.
public enum ByteRangeRequest: Equatable, Sendable {
    /// No usable Range header: send everything with 200.
    case whole
    /// Send these bytes with 206 and `Content-Range: bytes first-last/size`.
    case partial(ClosedRange<Int>)
    /// The range starts past the end: 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    public init(header: String?, size: Int) {
        guard let header else { self = .whole; return }
        let trimmed = header.trimmingSpaces
        guard trimmed.lowercased().hasPrefix("bytes="), !trimmed.contains(",") else { self = .whole; return }
        let spec = trimmed.dropFirst(6).trimmingSpaces
        guard let dash = spec.firstIndex(of: "-") else { self = .whole; return }
        let firstText = spec[..<dash], lastText = spec[spec.index(after: dash)...]
        guard firstText.allSatisfy(\.isASCIIDigit), lastText.allSatisfy(\.isASCIIDigit) else { self = .whole; return }
        if firstText.isEmpty {
            // Suffix range: the last N bytes.
            guard let suffix = Int(lastText) else { self = .whole; return }
            guard suffix > 0, size > 0 else { self = .unsatisfiable; return }
            self = .partial(max(0, size - suffix)...(size - 1))
            return
        }
        guard let first = Int(firstText) else { self = .whole; return }
        let last: Int
        if lastText.isEmpty {
            last = size - 1
        } else {
            guard let value = Int(lastText), value >= first else { self = .whole; return }
            last = min(value, size - 1)
        }
        guard first < size else { self = .unsatisfiable; return }
        self = .partial(first...last)
    }
}

extension StringProtocol where SubSequence == Substring {
    var trimmingSpaces: Substring {
        let view = self[...]
        guard let start = view.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return view[view.endIndex...] }
        let end = view.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return view[start...end]
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
