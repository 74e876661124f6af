import MediaCore

/// The DASH MPD (ISO/IEC 23009-1): static for VOD and ended streams, dynamic for live. Elements mirror the
/// MPD → Period → AdaptationSet → Representation → SegmentTemplate hierarchy; attributes are written in
/// the order DASH-MPD.xsd declares them.
extension Presentation {
    static let dashProfiles = "urn:mpeg:dash:profile:isoff-live:2011,urn:mpeg:dash:profile:cmaf:2019"
    static let utcTimingScheme = "urn:mpeg:dash:utc:http-iso:2014"
    static let channelScheme = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011"

    public func dashMPD() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\""
        out.reserveCapacity(4096)
        if dashProtection != nil {
            out.attribute("xmlns:cenc", Self.cencNamespace)
            out.attribute("xmlns:dashif", Self.dashifNamespace)
        }
        out.attribute("profiles", Self.dashProfiles)
        let longest = longestSegment
        if isStatic {
            out.attribute("type", "static")
            out.attribute("mediaPresentationDuration", XSDuration.string(dashPeriods(in: numbers).reduce(0) { $0 + listedDuration(of: $1) }))
            out.attribute("minBufferTime", XSDuration.string(request.dash.minBufferTime ?? 2))
        } else {
            let ast = request.availabilityStartTime ?? 0  // Presentation.init derives it for live when not given
            out.attribute("type", "dynamic")
            out.attribute("availabilityStartTime", ISO8601.format(ast))
            out.attribute("publishTime", ISO8601.format(request.now ?? ast))
            out.attribute("minimumUpdatePeriod", XSDuration.string(request.dash.minimumUpdatePeriod ?? longest))
            out.attribute("minBufferTime", XSDuration.string(request.dash.minBufferTime ?? 2))
            if request.kind == .liveSlidingWindow {
                out.attribute("timeShiftBufferDepth", XSDuration.string(request.dvrWindow))
            }
            out.attribute("suggestedPresentationDelay", XSDuration.string(request.dash.suggestedPresentationDelay ?? 3 * longest))
        }
        out.attribute("maxSegmentDuration", XSDuration.string(longest))
        out += ">\n"
        if let lowLatency = dashLowLatency { out += lowLatency.serviceDescription }
        // Static presentations play their periods back to back from 0 (an outage in an ended live stream
        // is not replayed as a gap); dynamic ones keep wall-clock period starts so the live edge is right.
        var cursor = 0.0
        for (i, period) in dashPeriods(in: numbers).enumerated() {
            let start = isStatic ? cursor : period.start
            appendPeriod(period, start: start, offsetFromFirstListed: isStatic && i == 0, to: &out)
            cursor += listedDuration(of: period)
        }
        if !isStatic, let url = request.urls.utcTimingURL {
            out += "  <UTCTiming"
            out.attribute("schemeIdUri", Self.utcTimingScheme)
            out.attribute("value", url)
            out += "/>\n"
        }
        out += "</MPD>\n"
        return out
    }

    /// Low-latency DASH applies to a running clear stream only (a finished one is static and complete; an
    /// encrypted one is encrypted per request from whole segments, so it cannot be sent as it grows).
    var dashLowLatency: LowLatencyDASH? {
        isStatic || dashProtection != nil ? nil : request.lowLatency.map { LowLatencyDASH(partTarget: $0.partTarget) }
    }

    /// The longest segment of any rendition, rounded up to the millisecond (MPD maxSegmentDuration must
    /// not understate an audio segment that ends on an AAC frame just after the 6 s mark).
    var longestSegment: Double {
        var longest = 0.0
        for index in renditions {
            let ts = Double(index.rendition.timescale)
            let ticks = index.segments.reduce(Int64(0)) { max($0, $1.duration) }
            longest = max(longest, (Double(ticks) / ts * 1000).rounded(.up) / 1000)
        }
        return longest
    }

    /// Seconds the reference rendition's listed segments of a (clipped) period cover.
    func listedDuration(of period: PeriodPlan) -> Double {
        timeline.ends[timeline.index(of: period.lastNumber)] - timeline.starts[timeline.index(of: period.firstNumber)]
    }

    /// One Period. In a static MPD the first listed period starts at 0 and its presentationTimeOffset is
    /// each rendition's first listed segment (`offsetFromFirstListed`).
    private func appendPeriod(_ period: PeriodPlan, start: Double, offsetFromFirstListed: Bool, to out: inout String) {
        out += "  <Period"
        out.attribute("id", period.id)
        out.attribute("start", XSDuration.string(start))
        out += ">\n"
        let range = period.firstNumber...period.lastNumber
        let videos = renditions.filter { $0.rendition.kind == .video }
        var setID = 1
        if !videos.isEmpty {
            appendVideoSet(videos, id: setID, period: period, range: range, fromFirstListed: offsetFromFirstListed, to: &out)
            setID += 1
        }
        // One audio AdaptationSet per language: renditions of one set must be interchangeable.
        var languages: [String?] = []
        for audio in renditions where audio.rendition.kind == .audio && !languages.contains(audio.rendition.language) {
            languages.append(audio.rendition.language)
        }
        for language in languages {
            let members = renditions.filter { $0.rendition.kind == .audio && $0.rendition.language == language }
            appendAudioSet(members, id: setID, language: language, period: period, range: range,
                           fromFirstListed: offsetFromFirstListed, to: &out)
            setID += 1
        }
        out += "  </Period>\n"
    }

    private func appendVideoSet(_ videos: [RenditionIndex], id: Int, period: PeriodPlan, range: ClosedRange<Int>,
                                fromFirstListed: Bool, to out: inout String) {
        out += "    <AdaptationSet"
        out.attribute("mimeType", "video/mp4")
        out.attribute("startWithSAP", 1)
        out.attribute("id", id)
        out.attribute("contentType", "video")
        if let w = videos.compactMap(\.rendition.width).max() { out.attribute("maxWidth", w) }
        if let h = videos.compactMap(\.rendition.height).max() { out.attribute("maxHeight", h) }
        if let rate = videos.compactMap(\.rendition.frameRate).filter({ $0.denominator > 0 && $0.numerator > 0 })
            .max(by: { $0.value < $1.value }) {
            out.attribute("maxFrameRate", rate.description)
        }
        out.attribute("segmentAlignment", "true")
        out += ">\n"
        appendContentProtection(firstNumber: range.lowerBound, to: &out)
        for video in videos {
            let r = video.rendition
            out += "      <Representation"
            if let w = r.width { out.attribute("width", w) }
            if let h = r.height { out.attribute("height", h) }
            if r.width != nil { out.attribute("sar", "1:1") }
            if let rate = r.frameRate, rate.denominator > 0, rate.numerator > 0 { out.attribute("frameRate", rate.description) }
            out.attribute("codecs", r.codecs)
            out.attribute("id", r.id.rawValue)
            out.attribute("bandwidth", r.peakBitrate)
            out += ">\n"
            appendTemplate(video, period: period, range: range, fromFirstListed: fromFirstListed, to: &out)
            out += "      </Representation>\n"
        }
        out += "    </AdaptationSet>\n"
    }

    private func appendAudioSet(_ audios: [RenditionIndex], id: Int, language: String?, period: PeriodPlan,
                                range: ClosedRange<Int>, fromFirstListed: Bool, to out: inout String) {
        out += "    <AdaptationSet"
        out.attribute("mimeType", "audio/mp4")
        out.attribute("startWithSAP", 1)
        out.attribute("id", id)
        if let language, XMLText.isLanguageTag(language) { out.attribute("lang", language) }
        out.attribute("contentType", "audio")
        out.attribute("segmentAlignment", "true")
        out += ">\n"
        appendContentProtection(firstNumber: range.lowerBound, to: &out)
        for audio in audios {
            let r = audio.rendition
            out += "      <Representation"
            if let rate = r.sampleRate { out.attribute("audioSamplingRate", rate) }
            out.attribute("codecs", r.codecs)
            out.attribute("id", r.id.rawValue)
            out.attribute("bandwidth", r.peakBitrate)
            out += ">\n"
            if let channels = r.channels {
                out += "        <AudioChannelConfiguration"
                out.attribute("schemeIdUri", Self.channelScheme)
                out.attribute("value", channels)
                out += "/>\n"
            }
            appendTemplate(audio, period: period, range: range, fromFirstListed: fromFirstListed, to: &out)
            out += "      </Representation>\n"
        }
        out += "    </AdaptationSet>\n"
    }

    private func appendTemplate(_ index: RenditionIndex, period: PeriodPlan, range: ClosedRange<Int>,
                                fromFirstListed: Bool, to out: inout String) {
        let listed = segments(of: index, in: range)
        let prefix = request.urls.segmentPrefix(for: index.rendition.id)
        var offset: Int64 = 0
        if fromFirstListed {
            offset = listed.first?.start ?? 0
        } else if !period.zeroOffset {
            let anchor = segments(of: index, in: period.anchorNumber...period.lastNumber).first
            offset = anchor?.start ?? listed.first?.start ?? 0
        }
        out += "        <SegmentTemplate"
        out.attribute("timescale", Int(index.rendition.timescale))
        if offset != 0 { out.attribute("presentationTimeOffset", offset) }
        out.attribute("startNumber", listed.first?.number ?? range.lowerBound)
        let suffix = dashProtection?.urlSuffix ?? ""
        out.attribute("media", prefix + "seg-$Number$.m4s" + suffix)
        // Each Period names the init of its own segments (a live encoder that came back with other
        // parameters has a new one; every such change is a discontinuity, hence a new Period).
        out.attribute("initialization", prefix + (listed.first?.initFileName ?? "init.mp4") + suffix + Self.keyPeriodQuery(period))
        if let lowLatency = dashLowLatency {
            // Chunked CMAF: a segment may be asked for once its first part exists, and then arrives as it grows.
            out.attribute("availabilityTimeOffset", Decimal3.string(lowLatency.availabilityTimeOffset(segmentSeconds: longestSegment), trim: true))
            out.attribute("availabilityTimeComplete", "false")
        }
        out += ">\n"
        SegmentTimelineText.append(listed, to: &out, indent: "          ")
        out += "        </SegmentTemplate>\n"
    }
}
