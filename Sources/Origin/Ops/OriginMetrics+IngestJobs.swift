import Publishing

/// The worker pool (Publishing) reports job progress and queue sizes into the origin's `/metrics`.
extension OriginMetrics: IngestJobMetrics {}
