/// Low-latency DASH (DASH-IF IOP low-latency modes, chunked CMAF): what a dynamic MPD announces for a stream
/// cut into parts. Its segments may be requested `availabilityTimeOffset` seconds before they are complete
/// (once their first part exists) and are then sent as they grow (`availabilityTimeComplete="false"`); the
/// `ServiceDescription` gives players the latency to aim for. Pure values; `Presentation.dashMPD` writes them.
struct LowLatencyDASH: Sendable, Hashable {
    /// The longest part in seconds (a CMAF chunk).
    var partTarget: Double

    /// A segment is available when its first part is: one part after it starts, so the offset is the rest.
    func availabilityTimeOffset(segmentSeconds: Double) -> Double {
        max(0, ((segmentSeconds - partTarget) * 1000).rounded(.down) / 1000)
    }

    /// Target latency in milliseconds: four parts (what LL-HLS players hold back, plus the part in flight),
    /// at least 1.5 s; the player may range from half to twice that.
    var targetLatencyMilliseconds: Int { max(1500, Int((4 * partTarget * 1000).rounded())) }

    var serviceDescription: String {
        let target = targetLatencyMilliseconds
        return "  <ServiceDescription id=\"0\">\n"
            + "    <Latency referenceId=\"0\" target=\"\(target)\" min=\"\(target / 2)\" max=\"\(target * 2)\"/>\n"
            + "    <PlaybackRate min=\"0.96\" max=\"1.04\"/>\n"
            + "  </ServiceDescription>\n"
    }
}
