import CoreMetrics
import MediaCore

extension OriginMetrics {
    /// A live stream's encoders fell behind real time and shed a rung (issue 15): counted per stream and
    /// rendition, so an operator sees which streams the machine cannot carry.
    public func recordRungShed(stream: SafeName, rendition: SafeName) {
        CoreMetrics.Counter(label: "mediaserve_live_rungs_shed_total",
                            dimensions: [("stream", stream.rawValue), ("rendition", rendition.rawValue)], factory: factory).increment()
    }
}
