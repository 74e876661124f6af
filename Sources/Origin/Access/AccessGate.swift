import Access
import Foundation
import Hummingbird
import Logging
import MediaCore
import Storage
import Synchronization

/// Where an item's own access rules come from (the catalog); nil answers `ItemAccess.unset`.
public protocol AccessRulesSource: Sendable {
    func rules(for scope: AccessScope) async throws -> ItemAccess
}

/// The edge of access control: gathers what the pure evaluator needs (the item's rules, a JWT's
/// verified claims, the webhook's verdict, a rendition's height) and asks it for a decision.
/// Rules and heights are remembered for `cacheSeconds`, so a hot segment costs one HMAC and no lookup.
public final class AccessGate: Sendable {
    let evaluator: AccessEvaluator
    let rules: any AccessRulesSource
    let index: any MediaIndex
    let jwks: JWKSSource?
    let webhook: AuthorisationWebhook?
    let cacheSeconds: Double
    private let remembered = Mutex<[String: (value: ItemAccess, until: Double)]>([:])
    private let heights = Mutex<[String: (value: Int?, until: Double)]>([:])
    /// Moves on every `forget`: decisions kept per connection (`AccessDecisionMemo`) are of older rules.
    private let generation = Atomic<Int>(0)
    /// Token-carrying rewrites of manifests, shared by the middleware and the fast path.
    let propagations = PropagatedManifests()
    /// The configured header names the decision reads, made once.
    let headerNames: ViewerHeaderNames

    public init(settings: AccessSettings, rules: any AccessRulesSource, index: any MediaIndex, jwks: JWKSSource? = nil,
                webhook: AuthorisationWebhook? = nil, cacheSeconds: Double = 5) {
        evaluator = AccessEvaluator(settings: settings)
        headerNames = ViewerHeaderNames(settings)
        self.rules = rules
        self.index = index
        self.jwks = jwks
        self.webhook = webhook
        self.cacheSeconds = cacheSeconds
    }

    var settings: AccessSettings { evaluator.settings }

    /// Forgets an item's remembered rules (after the admin API changed them).
    public func forget(_ scope: AccessScope) {
        _ = remembered.withLock { $0.removeValue(forKey: scope.pathPrefix) }
        // After the removal: a decision kept under the old generation can only have read the old rules.
        generation.add(1, ordering: .releasing)
    }

    func decide(_ viewer: ViewerRequest, path: String) async throws -> AccessDecision {
        let item = try await itemRules(viewer.path.scope)
        var jwt: JWTOutcome?
        var verdict: WebhookVerdict?
        switch evaluator.needs(item, viewer) {
        case .jwt?:
            if let token = viewer.presentedToken, let jwks { jwt = await jwks.verify(token.value) }
        case .webhook?:
            if let webhook { verdict = await webhook.verdict(for: WebhookQuery.play(viewer, path: path)) }
        default:
            break
        }
        let decision = evaluator.decide(viewer, item: item, jwt: jwt, webhook: verdict)
        guard case .allow(let grant) = decision, grant.maxHeight != nil, let rendition = viewer.path.rendition else { return decision }
        if let refusal = grant.refusal(renditionHeight: try await height(of: rendition, in: viewer.path.scope)) { return .deny(refusal) }
        return decision
    }

    /// The decision when everything it needs is already in memory (the item's remembered rules and, under
    /// a height limit, the rendition's height) and neither a JWKS nor the webhook has to be asked; nil
    /// otherwise (the request then goes through `decide`, which fills what was missing).
    func knownDecision(_ viewer: ViewerRequest) -> AccessDecision? {
        var memo: AccessDecisionMemo?
        return knownDecision(viewer.path.scope, parameters: .none, forwardedFor: nil, memo: &memo) { viewer }
    }

    /// `knownDecision` with the item's rules looked up once, and the viewer only read from the request
    /// when they make the decision depend on it: an item whose decision is the same for every viewer
    /// (`AccessEvaluator.decisionForEveryViewer`: public, no country or device rule) needs no reading of
    /// the request's headers and query (~4 % of a cached public manifest request; perf, docs/perf-notes.md
    /// session 10). With the connection's `memo` of its last signed-URL decision: given back when
    /// `parameters` (the URL's) and `forwardedFor` (the forwarded client-address header as sent) are the
    /// ones it was made for, and kept anew when the decision may be (a nil memo keeps nothing).
    func knownDecision(_ scope: AccessScope, parameters: AccessParameters, forwardedFor: String?, memo: inout AccessDecisionMemo?,
                       viewer: () -> ViewerRequest) -> AccessDecision? {
        let now = Date().timeIntervalSince1970
        let generation = generation.load(ordering: .acquiring)
        if let kept = memo?.decision(generation: generation, now: now, scope: scope, parameters: parameters, forwardedFor: forwardedFor) {
            return kept
        }
        guard let item = remembered.withLock({ $0[scope.pathPrefix] }), item.until > now else { return nil }
        if let shared = evaluator.decisionForEveryViewer(item.value) { return shared }
        let viewer = viewer()
        guard evaluator.needs(item.value, viewer) == nil else { return nil }
        let decision = evaluator.decide(viewer, item: item.value)
        if memo != nil, evaluator.readsOnlySignature(item.value), case .allow(let grant) = decision, grant.maxHeight == nil,
           viewer.parameters == parameters {
            memo = AccessDecisionMemo(generation: generation, second: viewer.now, rulesUntil: item.until, scope: scope.pathPrefix,
                                      parameters: parameters, forwardedFor: forwardedFor, decision: decision)
        }
        guard case .allow(let grant) = decision, grant.maxHeight != nil, let rendition = viewer.path.rendition else { return decision }
        guard let height = heights.withLock({ $0[viewer.path.scope.pathPrefix + rendition.rawValue] }), height.until > now else {
            return nil
        }
        if let refusal = grant.refusal(renditionHeight: height.value) { return .deny(refusal) }
        return decision
    }

    private func itemRules(_ scope: AccessScope) async throws -> ItemAccess {
        let now = Date().timeIntervalSince1970
        if let hit = remembered.withLock({ $0[scope.pathPrefix] }), hit.until > now { return hit.value }
        let fresh = try await rules.rules(for: scope)
        remembered.withLock { entries in
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[scope.pathPrefix] = (fresh, now + cacheSeconds)
        }
        return fresh
    }

    private func height(of rendition: SafeName, in scope: AccessScope) async throws -> Int? {
        let key = scope.pathPrefix + rendition.rawValue
        let now = Date().timeIntervalSince1970
        if let hit = heights.withLock({ $0[key] }), hit.until > now { return hit.value }
        let tree: MediaTree = scope.tree == .vod ? .vod : .live
        let listing = try await index.listing(tree: tree, owner: scope.owner)
        let height = listing?.renditions.first { $0.rendition.id == rendition }?.rendition.height
        heights.withLock { entries in
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[key] = (height, now + cacheSeconds)
        }
        return height
    }
}
