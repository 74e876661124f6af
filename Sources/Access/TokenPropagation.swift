/// Writes a viewer's token into every URI of a manifest served under it. Players resolve relative URIs
/// by RFC 3986, which drops the manifest's own query; without this, a master playlist opened with a
/// token leads to child playlists, segments and keys requested without it (and 403).
///
/// Absolute URIs with a scheme (another host, `skd://`, `data:`) are left alone: the token is for this
/// origin only.
public enum TokenPropagation {
    /// HLS: every URI line, and every `URI="..."` attribute (EXT-X-MAP, EXT-X-KEY, EXT-X-MEDIA,
    /// EXT-X-I-FRAME-STREAM-INF, EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-RENDITION-REPORT, ...).
    public static func hls(_ text: String, query: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 64 * query.utf8.count)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty {
                // keep blank lines as they were
            } else if line.hasPrefix("#") {
                out += rewriteAttributes(line, name: "URI=\"", query: query, separator: "&")
            } else {
                out += appending(String(line), query: query, separator: "&")
            }
            out += "\n"
        }
        out.removeLast()
        return out
    }

    /// DASH: SegmentTemplate `media` and `initialization`, SegmentURL `media`, `sourceURL`, and the
    /// text of `<BaseURL>` and of the ClearKey licence URL `<dashif:laurl ...>` (key requests answer under
    /// the item's policy too). XML attribute text, so the separator is `&amp;`.
    public static func dash(_ text: String, query: String) -> String {
        let escaped = query.replacingOccurrences(of: "&", with: "&amp;")
        var out = Substring(text)
        for attribute in [" media=\"", " initialization=\"", " sourceURL=\""] {
            out = Substring(rewriteAttributes(out, name: attribute, query: escaped, separator: "&amp;"))
        }
        let based = rewriteElements(String(out), open: "<BaseURL>", close: "</BaseURL>", query: escaped)
        return rewriteElements(based, open: "<dashif:laurl", close: "</dashif:laurl>", query: escaped)
    }

    /// `uri` with `query` added: `?query`, or `&query` after an existing one. Scheme URIs stay as they are.
    static func appending(_ uri: String, query: String, separator: String) -> String {
        guard !query.isEmpty, !hasScheme(uri) else { return uri }
        if let hash = uri.firstIndex(of: "#") {
            return appending(String(uri[..<hash]), query: query, separator: separator) + uri[hash...]
        }
        return uri + (uri.contains("?") ? separator : "?") + query
    }

    /// RFC 3986 scheme: a letter, then letters, digits, `+`, `-`, `.`, then `:`.
    static func hasScheme(_ uri: String) -> Bool {
        guard let colon = uri.firstIndex(of: ":"), let first = uri.first, first.isASCII, first.isLetter else { return false }
        return uri[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    private static func rewriteAttributes(_ text: Substring, name: String, query: String, separator: String) -> String {
        var out = ""
        var rest = text
        while let start = rest.range(of: name) {
            out += rest[..<start.upperBound]
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            out += appending(String(rest[..<end]), query: query, separator: separator)
            rest = rest[end...]
        }
        return out + rest
    }

    private static func rewriteElements(_ text: String, open: String, close: String, query: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) {
            // `open` may stop before the tag's attributes (`<dashif:laurl Lic_type="...">`): text starts after `>`.
            var textStart = start.upperBound
            if !open.hasSuffix(">") {
                guard let tagEnd = rest[start.upperBound..<end.lowerBound].firstIndex(of: ">") else { break }
                textStart = rest.index(after: tagEnd)
            }
            out += rest[..<textStart]
            out += appending(String(rest[textStart..<end.lowerBound]), query: query, separator: "&amp;")
            rest = rest[end.lowerBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        let bytes = Array(needle.utf8)
        guard let firstByte = bytes.first else { return nil }
        var index = startIndex
        while index < endIndex {
            if utf8[index] == firstByte, self[index...].utf8.starts(with: bytes) {
                return index..<utf8.index(index, offsetBy: bytes.count)
            }
            index = utf8.index(after: index)
        }
        return nil
    }
}
