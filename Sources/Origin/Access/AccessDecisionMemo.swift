import Access

/// One connection's last signed-URL decision, kept so that a player's next request with the same token
/// (every segment and playlist of a session carries it) does not make it again: for a signed item with
/// no country, device or CDN-secret rule (`AccessEvaluator.readsOnlySignature`), `decide` is a pure
/// function of the item's rules, the URL's parameters, the client's address and the time in whole
/// seconds, so the same inputs within the same second give the same decision. Kept only for an allow
/// without a height limit (a limit is checked against the rendition, which differs per request).
///
/// Why: after the public path stopped building a `ViewerRequest` at all, making the signed decision
/// anew (the viewer's fields copied, the signature memo's lookup, a grant built and compared) was
/// ~8 % of a cached signed manifest request and took the signed-URL cost over 10 % (docs/perf-notes.md
/// session 10).
///
/// Invalidated by the gate's generation (any `forget`, i.e. rules changed through the API or another
/// node's notice), the item's remembered rules expiring, and the second turning. One per connection
/// (`FastPathFront` holds it; its event loop alone touches it, so no lock).
struct AccessDecisionMemo {
    var generation = -1
    var second = 0
    var rulesUntil = 0.0
    var scope = ""
    var parameters = AccessParameters.none
    /// The forwarded client-address header as sent (the decision's client address may come from it).
    var forwardedFor: String?
    var decision: AccessDecision?

    /// The kept decision when every input is the same as when it was made; nil otherwise.
    func decision(generation: Int, now: Double, scope: AccessScope, parameters: AccessParameters, forwardedFor: String?) -> AccessDecision? {
        guard let decision, generation == self.generation, Int(now) == second, now < rulesUntil, forwardedFor == self.forwardedFor,
              scope.pathPrefix == self.scope, parameters == self.parameters else { return nil }
        return decision
    }
}
