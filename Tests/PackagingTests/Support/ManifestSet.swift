import MediaCore
import Testing
@testable import Packaging

/// Every manifest of one request, built, checked against the HLS rules and the MPD schema.
struct ManifestSet {
    var master: String
    var media: [(id: String, text: String, parsed: ParsedMediaPlaylist)]
    var mpd: String
    var timeline: MPDTimeline

    init(_ request: ManifestRequest, label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let presentation = try Presentation(request)
        master = presentation.hlsMultivariantPlaylist()
        let parsedMaster = ParsedMultivariantPlaylist(master)
        #expect(parsedMaster.problems.isEmpty, "\(label) master: \(parsedMaster.problems)", sourceLocation: sourceLocation)
        media = try presentation.renditions.map { index in
            let text = try presentation.hlsMediaPlaylist(for: index.rendition.id)
            let parsed = ParsedMediaPlaylist(text)
            #expect(parsed.problems.isEmpty, "\(label) \(index.rendition.id): \(parsed.problems)", sourceLocation: sourceLocation)
            return (index.rendition.id.rawValue, text, parsed)
        }
        mpd = presentation.dashMPD()
        try MPDSchema.validate(mpd, label: label, sourceLocation: sourceLocation)
        // What a DASH client would request must be exactly segments of the index, and HLS and DASH must
        // list the same ones (sliding HLS lists the newest N of them).
        let timeline = try MPDTimeline(mpd)
        let mismatches = timeline.mismatches(against: presentation.renditions)
        #expect(mismatches.isEmpty, "\(label) MPD: \(mismatches)", sourceLocation: sourceLocation)
        for (id, _, parsed) in media {
            let dashNumbers = timeline.segments(id).map(\.number)
            let hlsNumbers = parsed.segments.compactMap { Int($0.uri.split(separator: "-").last?.dropLast(4) ?? "") }
            #expect(dashNumbers.suffix(hlsNumbers.count) == hlsNumbers[...], "\(label) \(id): HLS \(hlsNumbers.first ?? -1)… vs DASH \(dashNumbers.first ?? -1)…",
                    sourceLocation: sourceLocation)
        }
        self.timeline = timeline
    }

    func playlist(_ id: String) -> ParsedMediaPlaylist? { media.first { $0.id == id }?.parsed }
    func text(_ id: String) -> String? { media.first { $0.id == id }?.text }

    /// Compares the master, the named media playlists and the MPD with golden files `<name>.*`.
    func checkGolden(_ name: String, media ids: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Golden.check(master, "\(name).master.m3u8", sourceLocation: sourceLocation)
        for id in ids {
            guard let text = text(id) else { Issue.record("no playlist \(id)", sourceLocation: sourceLocation); continue }
            try Golden.check(text, "\(name).\(id).m3u8", sourceLocation: sourceLocation)
        }
        try Golden.check(mpd, "\(name).mpd", sourceLocation: sourceLocation)
    }
}
