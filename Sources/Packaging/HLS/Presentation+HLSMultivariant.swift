import MediaCore

/// The HLS multivariant playlist (RFC 8216 §4.3.4): one EXT-X-STREAM-INF per video rendition, audio as an
/// EXT-X-MEDIA group; audio-only assets list their audio renditions as variants.
extension Presentation {
    static let audioGroup = "audio"

    public func hlsMultivariantPlaylist() -> String {
        let videos = renditions.filter { $0.rendition.kind == .video }.map(\.rendition)
        let audios = renditions.filter { $0.rendition.kind == .audio }.map(\.rendition)
        var out = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        let suffix = playlistQuerySuffix
        guard !videos.isEmpty else {
            // Audio-only: each audio rendition is a variant of its own.
            for audio in audios.sorted(by: { $0.peakBitrate < $1.peakBitrate }) {
                out += "#EXT-X-STREAM-INF:BANDWIDTH=\(audio.peakBitrate),AVERAGE-BANDWIDTH=\(audio.averageBitrate)"
                out += ",CODECS=\"\(audio.codecs)\"\n"
                out += request.urls.mediaPlaylist(for: audio.id) + suffix + "\n"
            }
            return out
        }
        for (i, audio) in audios.enumerated() {
            out += "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"\(Self.audioGroup)\",NAME=\"\(audio.language ?? audio.id.rawValue)"
            if audios.filter({ ($0.language ?? $0.id.rawValue) == (audio.language ?? audio.id.rawValue) }).count > 1 {
                out += " \(audio.id.rawValue)"
            }
            out += "\""
            if let language = audio.language { out += ",LANGUAGE=\"\(language)\"" }
            out += i == 0 ? ",DEFAULT=YES,AUTOSELECT=YES" : ",DEFAULT=NO,AUTOSELECT=YES"
            if let channels = audio.channels { out += ",CHANNELS=\"\(channels)\"" }
            out += ",URI=\"" + request.urls.mediaPlaylist(for: audio.id) + suffix + "\"\n"
        }
        // The group's most demanding member decides the variant's needs (RFC 8216 §4.3.4.2).
        let audioPeak = audios.map(\.peakBitrate).max() ?? 0
        let audioAverage = audios.map(\.averageBitrate).max() ?? 0
        var audioCodecs: [String] = []
        for audio in audios where !audioCodecs.contains(audio.codecs) { audioCodecs.append(audio.codecs) }
        for video in videos {
            out += "#EXT-X-STREAM-INF:BANDWIDTH=\(video.peakBitrate + audioPeak)"
            out += ",AVERAGE-BANDWIDTH=\(video.averageBitrate + audioAverage)"
            if let w = video.width, let h = video.height { out += ",RESOLUTION=\(w)x\(h)" }
            if let rate = video.frameRate, rate.denominator > 0 {
                out += ",FRAME-RATE=" + Decimal3.string(rate.value)
            }
            out += ",CODECS=\"" + ([video.codecs] + audioCodecs).joined(separator: ",") + "\""
            if !audios.isEmpty { out += ",AUDIO=\"\(Self.audioGroup)\"" }
            out += "\n" + request.urls.mediaPlaylist(for: video.id) + suffix + "\n"
        }
        return out
    }

    /// Media playlists inherit the time-shift window (the filters only matter here, in the multivariant list)
    /// and the encryption scheme.
    var playlistQuerySuffix: String {
        let window = ManifestQuery(start: request.query.start, end: request.query.end)
        let text = [window.canonicalQueryString, request.protection?.urlQuery ?? ""].filter { !$0.isEmpty }.joined(separator: "&")
        return text.isEmpty ? "" : "?" + text
    }
}
