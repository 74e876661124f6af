import Access
import MediaCore
import Testing

@Suite struct DecisionTests {
    let now = 1_800_000_000

    func request(_ path: String, country: String? = nil, mobile: String? = nil, userAgent: String? = nil,
                 bearer: String? = nil, query: [String: String] = [:], cdn: String? = nil) -> ViewerRequest {
        ViewerRequest(path: MediaPath(path: path)!, parameters: AccessParameters(query), bearerToken: bearer, country: country, mobileHeader: mobile,
                      userAgent: userAgent, clientIP: "192.0.2.1", cdnSecret: cdn, now: now)
    }

    @Test func mediaPathsNameTheirItemAndRendition() {
        let master = MediaPath(path: "/vod/film/master.m3u8")!
        #expect(master.scope.pathPrefix == "/vod/film/")
        #expect(master.rendition == nil && master.isManifest)
        #expect(MediaPath(path: "/vod/film/v3/video-1080p.m3u8")?.rendition == SafeName("video-1080p"))
        #expect(MediaPath(path: "/vod/film/v3/video-1080p/seg-4.m4s")?.rendition == SafeName("video-1080p"))
        #expect(MediaPath(path: "/vod/film/video-1080p/init.mp4")?.isManifest == false)
        #expect(MediaPath(path: "/live/cam/audio-aac.m3u8")?.scope.tree == .live)
        #expect(MediaPath(path: "/api/v1/assets") == nil)
        #expect(MediaPath(path: "/vod/film") == nil)
    }

    @Test func blockedCountriesGloballyAndPerItem() {
        let evaluator = AccessEvaluator(settings: AccessSettings(geo: GeoRules(blockedCountries: ["KP"])))
        let region = AccessRefusal(.geoBlocked, "Content not available in your region")
        #expect(evaluator.decide(request("/vod/a/master.m3u8", country: "kp"), item: .unset) == .deny(region))
        #expect(evaluator.decide(request("/vod/a/master.m3u8", country: "DE"), item: ItemAccess(blockedCountries: ["DE"])) == .deny(region))
        guard case .allow(let grant) = evaluator.decide(request("/vod/a/master.m3u8", country: "FR"), item: .unset) else {
            Issue.record("FR was refused"); return
        }
        #expect(grant.vary == ["CloudFront-Viewer-Country"])
        #expect(!grant.viewerSpecific)
        let onlyUS = ItemAccess(allowedCountries: ["US"])
        #expect(evaluator.decide(request("/vod/a/seg.m4s".replacingOccurrences(of: "seg", with: "r/seg"), country: nil), item: onlyUS) == .deny(region))
        #expect(evaluator.decide(request("/vod/a/master.m3u8", country: "US"), item: onlyUS) != .deny(region))
    }

    @Test func phonesGetAShorterLadderButKeepTheirEntitlement() {
        let evaluator = AccessEvaluator(settings: AccessSettings(devices: DeviceRules(mobileMaxHeight: 720)))
        guard case .allow(let phone) = evaluator.decide(request("/vod/a/master.m3u8", mobile: "true"), item: .unset),
              case .allow(let uaPhone) = evaluator.decide(request("/vod/a/master.m3u8", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"), item: .unset),
              case .allow(let desktop) = evaluator.decide(request("/vod/a/master.m3u8", mobile: "false", userAgent: "iPhone"), item: .unset) else {
            Issue.record("refused"); return
        }
        #expect(phone.listedMaxHeight == 720 && phone.maxHeight == nil)
        #expect(uaPhone.listedMaxHeight == 720)
        #expect(desktop.listedMaxHeight == nil)
        #expect(phone.manifestVary == ["CloudFront-Is-Mobile-Viewer", "User-Agent"])
        #expect(phone.classKey != desktop.classKey)
    }

    @Test("the decision taken for every viewer at once is the one decide gives each of them, and is only taken when no rule reads the viewer")
    func decisionForEveryViewerMatchesEachViewersDecision() {
        let signer = URLSigner(key: "k-0123456789abcdef")
        let viewers = [
            request("/vod/a/master.m3u8"),
            request("/vod/a/v1/r/seg-1.m4s", country: "KP", mobile: "true", userAgent: "iPhone", bearer: "x.y.z"),
            request("/vod/a/r.m3u8", country: "de", query: ["exp": "1", "sig": "bad"], cdn: "s3cret-value"),
        ]
        let settings: [(String, AccessSettings, Bool)] = [
            ("default", AccessSettings(), true),
            ("CDN secret", AccessSettings(cdnSecret: (name: "X-Origin-Secret", value: "s3cret-value")), true),
            ("global block", AccessSettings(geo: GeoRules(blockedCountries: ["KP"])), false),
            ("device rule", AccessSettings(devices: DeviceRules(mobileMaxHeight: 720)), false),
            ("signed by default", AccessSettings(defaultPolicy: .signed, signer: signer), false),
            ("JWT by default", AccessSettings(defaultPolicy: .jwt), false),
            ("webhook by default", AccessSettings(defaultPolicy: .webhook), false),
        ]
        let items: [(String, ItemAccess, Bool)] = [
            ("unset", .unset, true),
            ("public", ItemAccess(policy: .public), true),
            ("signed", ItemAccess(policy: .signed), false),
            ("blocked", ItemAccess(blockedCountries: ["DE"]), false),
            ("allowed", ItemAccess(allowedCountries: ["US"]), false),
        ]
        for (settingsName, settings, settingsOpen) in settings {
            let evaluator = AccessEvaluator(settings: settings)
            for (itemName, item, itemOpen) in items {
                let shared = evaluator.decisionForEveryViewer(item)
                let open = itemOpen && (settingsOpen || item.policy == .public && settingsName.hasSuffix("by default"))
                #expect((shared != nil) == open, "\(settingsName), item \(itemName)")
                guard let shared else { continue }
                for viewer in viewers {
                    #expect(evaluator.decide(viewer, item: item) == shared, "\(settingsName), item \(itemName), \(viewer.path)")
                }
            }
        }
    }

    @Test func theCDNSecretHeaderStandsForTheViewerCheck() {
        let evaluator = AccessEvaluator(settings: AccessSettings(defaultPolicy: .signed, signer: URLSigner(key: "k-0123456789abcdef"),
                                                                 cdnSecret: (name: "X-Origin-Secret", value: "s3cret-value")))
        #expect(evaluator.decide(request("/vod/a/r/seg-1.m4s", cdn: "s3cret-value"), item: .unset) == .allow(AccessGrant()))
        guard case .deny(let refusal) = evaluator.decide(request("/vod/a/r/seg-1.m4s", cdn: "s3cret-valuX"), item: .unset) else {
            Issue.record("a wrong CDN secret was accepted"); return
        }
        #expect(refusal.reason == .missingToken)
    }

    @Test func renditionsAboveTheEntitlementAreRefused() {
        let grant = AccessGrant(maxHeight: 1080)
        #expect(grant.refusal(renditionHeight: 2160)?.reason == .renditionAboveLimit)
        #expect(grant.refusal(renditionHeight: 1080) == nil)
        #expect(grant.refusal(renditionHeight: nil) == nil)
        #expect(AccessGrant().refusal(renditionHeight: 4320) == nil)
    }

    @Test func webhookVerdictsFailClosed() {
        let evaluator = AccessEvaluator(settings: AccessSettings(defaultPolicy: .webhook))
        let asked = request("/live/cam/master.m3u8", query: ["token": "abc"])
        #expect(evaluator.needs(.unset, asked) == .webhook)
        guard case .allow(let grant) = evaluator.decide(asked, item: .unset, webhook: .allowed) else { Issue.record("refused"); return }
        #expect(grant.propagatedQuery == "token=abc")
        guard case .deny(let denied) = evaluator.decide(asked, item: .unset, webhook: .denied(status: 403)),
              case .deny(let down) = evaluator.decide(asked, item: .unset, webhook: .unavailable("timed out")),
              case .deny(let none) = evaluator.decide(asked, item: .unset) else { Issue.record("allowed"); return }
        #expect(denied.reason == .webhookDenied && down.reason == .webhookUnavailable && none.reason == .webhookUnavailable)
        let query = WebhookQuery.play(asked, path: "/live/cam/master.m3u8")
        #expect(query.stream == "cam" && query.asset == nil && query.protocol == "hls" && query.token == "abc")
    }
}
