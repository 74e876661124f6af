import CoreMetrics

extension OriginMetrics {
    /// One refused media request, by reason (a fixed set: `AccessRefusal.Reason`).
    public func recordAccessRefusal(reason: String) {
        CoreMetrics.Counter(label: "mediaserve_access_refusals_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// One refused admin authentication (wrong key, or slowed down with 429).
    public func recordAdminAuthFailure(limited: Bool) {
        CoreMetrics.Counter(label: "mediaserve_admin_auth_failures_total", dimensions: [("limited", String(limited))],
                            factory: factory).increment()
    }
}
