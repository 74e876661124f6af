import Foundation

/// An independent reader of our HLS text and the RFC 8216 rules the tests hold it to. It parses the text
/// itself, so it catches mistakes the builder would repeat if it checked its own arithmetic.
struct ParsedMediaPlaylist {
    struct Segment { var uri: String; var duration: Double; var discontinuity: Bool; var programDateTime: String? }

    var version: Int?
    var targetDuration: Int?
    var mediaSequence = 0
    var discontinuitySequence = 0
    var playlistType: String?
    var endList = false
    var mapURIBeforeFirstSegment: String?
    var segments: [Segment] = []
    var problems: [String] = []

    init(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.first != "#EXTM3U" { problems.append("first line is not #EXTM3U") }
        var pendingDuration: Double?
        var pendingDiscontinuity = false
        var pendingPDT: String?
        var sawMap = false
        for (n, line) in lines.enumerated() where !line.isEmpty {
            if endList { problems.append("line \(n + 1) after EXT-X-ENDLIST: \(line)") }
            if line.hasPrefix("#EXT-X-VERSION:") {
                if version != nil { problems.append("EXT-X-VERSION twice") }
                version = Int(line.dropFirst(15))
            } else if line.hasPrefix("#EXT-X-TARGETDURATION:") {
                targetDuration = Int(line.dropFirst(22))
            } else if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") {
                if !segments.isEmpty { problems.append("MEDIA-SEQUENCE after a segment") }
                mediaSequence = Int(line.dropFirst(22)) ?? -1
            } else if line.hasPrefix("#EXT-X-DISCONTINUITY-SEQUENCE:") {
                if !segments.isEmpty { problems.append("DISCONTINUITY-SEQUENCE after a segment") }
                discontinuitySequence = Int(line.dropFirst(30)) ?? -1
            } else if line.hasPrefix("#EXT-X-PLAYLIST-TYPE:") {
                playlistType = String(line.dropFirst(21))
            } else if line.hasPrefix("#EXT-X-MAP:") {
                if segments.isEmpty && !sawMap { mapURIBeforeFirstSegment = Self.attribute("URI", in: line) }
                sawMap = true
            } else if line == "#EXT-X-DISCONTINUITY" {
                pendingDiscontinuity = true
            } else if line.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") {
                pendingPDT = String(line.dropFirst(25))
            } else if line.hasPrefix("#EXTINF:") {
                let value = line.dropFirst(8).split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                guard let d = Double(value) else { problems.append("bad EXTINF \(line)"); continue }
                if value.split(separator: ".").last?.count != 3 { problems.append("EXTINF without three decimals: \(line)") }
                pendingDuration = d
            } else if line == "#EXT-X-ENDLIST" {
                endList = true
            } else if line.hasPrefix("#") {
                continue
            } else {
                guard let d = pendingDuration else { problems.append("URI without EXTINF: \(line)"); continue }
                if !sawMap { problems.append("segment \(line) before any EXT-X-MAP") }
                segments.append(Segment(uri: line, duration: d, discontinuity: pendingDiscontinuity, programDateTime: pendingPDT))
                pendingDuration = nil; pendingDiscontinuity = false; pendingPDT = nil
            }
        }
        if version == nil { problems.append("no EXT-X-VERSION") }
        if let v = version, v < 6 { problems.append("version \(v) too low for EXT-X-MAP with fMP4 (needs 6+)") }
        if pendingDuration != nil { problems.append("EXTINF without URI at the end") }
        guard let target = targetDuration else { problems.append("no EXT-X-TARGETDURATION"); return }
        for s in segments where Int(s.duration.rounded()) > target {
            problems.append("EXTINF \(s.duration) rounds above TARGETDURATION \(target)")
        }
        if playlistType == "VOD" && !endList { problems.append("PLAYLIST-TYPE:VOD without EXT-X-ENDLIST") }
        if !segments.isEmpty && mapURIBeforeFirstSegment == nil { problems.append("no EXT-X-MAP before the first segment") }
    }

    /// Media sequence number and discontinuity sequence number of each segment, by URI.
    var sequenceNumbers: [String: (media: Int, discontinuity: Int)] {
        var result: [String: (Int, Int)] = [:]
        var disc = discontinuitySequence
        for (i, s) in segments.enumerated() {
            if s.discontinuity { disc += 1 }
            result[s.uri] = (mediaSequence + i, disc)
        }
        return result
    }

    static func attribute(_ name: String, in line: String) -> String? {
        guard let range = line.range(of: name + "=\"") else { return nil }
        let rest = line[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Rules between two successive versions of one live playlist (RFC 8216 §6.2.1, §6.2.2).
    static func succession(_ old: ParsedMediaPlaylist, _ new: ParsedMediaPlaylist) -> [String] {
        var problems: [String] = []
        let oldURIs = old.segments.map(\.uri), newURIs = Set(new.segments.map(\.uri))
        let removed = oldURIs.prefix { !newURIs.contains($0) }.count
        if removed == oldURIs.count && !oldURIs.isEmpty {
            return ["no segment in common: the two versions are too far apart to compare"]
        }
        if new.mediaSequence - old.mediaSequence != removed {
            problems.append("media sequence went \(old.mediaSequence) → \(new.mediaSequence) but \(removed) segments left")
        }
        if oldURIs.dropFirst(removed).contains(where: { !newURIs.contains($0) }) {
            problems.append("a segment vanished from the middle of the playlist")
        }
        let before = old.sequenceNumbers, after = new.sequenceNumbers
        for (uri, numbers) in after {
            guard let was = before[uri] else { continue }
            if was.media != numbers.media { problems.append("\(uri) changed media sequence \(was.media) → \(numbers.media)") }
            if was.discontinuity != numbers.discontinuity {
                problems.append("\(uri) changed discontinuity sequence \(was.discontinuity) → \(numbers.discontinuity)")
            }
        }
        if old.playlistType == "EVENT" && removed > 0 { problems.append("EVENT playlist removed segments") }
        if new.targetDuration != old.targetDuration { problems.append("target duration changed") }
        return problems
    }
}

/// The multivariant playlist's variants and audio renditions.
struct ParsedMultivariantPlaylist {
    struct Variant { var attributes: String; var uri: String }
    var variants: [Variant] = []
    var media: [String] = []
    var problems: [String] = []

    init(_ text: String) {
        let lines = text.split(separator: "\n").map(String.init)
        if lines.first != "#EXTM3U" { problems.append("first line is not #EXTM3U") }
        if !lines.contains(where: { $0.hasPrefix("#EXT-X-VERSION:") }) { problems.append("no EXT-X-VERSION") }
        var pending: String?
        for line in lines {
            if line.hasPrefix("#EXT-X-STREAM-INF:") { pending = String(line.dropFirst(18)) }
            else if line.hasPrefix("#EXT-X-MEDIA:") { media.append(line) }
            else if !line.hasPrefix("#") {
                guard let attributes = pending else { problems.append("URI without STREAM-INF: \(line)"); continue }
                variants.append(Variant(attributes: attributes, uri: line)); pending = nil
            }
        }
        for v in variants {
            if !v.attributes.hasPrefix("BANDWIDTH=") && !v.attributes.contains(",BANDWIDTH=") { problems.append("variant \(v.uri) lacks BANDWIDTH") }
            if let group = Self.value("AUDIO", v.attributes), !media.contains(where: { $0.contains("GROUP-ID=\(group)") }) {
                problems.append("variant \(v.uri) names audio group \(group) that is not defined")
            }
        }
        let bandwidths = variants.compactMap { Self.value("BANDWIDTH", $0.attributes).flatMap { Int($0) } }
        if bandwidths != bandwidths.sorted() { problems.append("variants not ordered by bandwidth") }
    }

    /// A quoted or plain attribute value (quotes kept for quoted ones).
    static func value(_ name: String, _ attributes: String) -> String? {
        var rest = Substring(attributes)
        while !rest.isEmpty {
            let eq = rest.firstIndex(of: "=") ?? rest.endIndex
            let key = rest[..<eq]
            rest = eq < rest.endIndex ? rest[rest.index(after: eq)...] : ""
            var value: Substring
            if rest.first == "\"" {
                let close = rest.dropFirst().firstIndex(of: "\"") ?? rest.endIndex
                value = rest[...min(close, rest.index(before: rest.endIndex))]
                rest = close < rest.endIndex ? rest[rest.index(after: close)...] : ""
            } else {
                let comma = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<comma]
                rest = rest[comma...]
            }
            if rest.first == "," { rest = rest.dropFirst() }
            if key == name { return String(value) }
        }
        return nil
    }
}
