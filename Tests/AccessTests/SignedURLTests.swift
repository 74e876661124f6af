import Access
import MediaCore
import Testing

@Suite struct SignedURLTests {
    let signer = URLSigner(key: "0123456789abcdef0123456789abcdef", previousKeys: ["old-key-0123456789abcdef"])
    let scope = AccessScope(tree: .vod, owner: SafeName("film")!)
    let now = 1_800_000_000

    func parameters(_ query: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: query.split(separator: "&").map {
            let pair = $0.split(separator: "=", maxSplits: 1)
            return (String(pair[0]), String(pair[1]))
        })
    }

    @Test func aMintedURLOpensItsItemUntilItExpires() throws {
        let query = signer.query(for: SignedURLClaims(scope: scope, expires: now + 60, maxHeight: 720))
        let claims = try signer.verify(query: parameters(query), scope: scope, now: now).get()
        #expect(claims.maxHeight == 720)
        #expect(claims.expires == now + 60)
        guard case .failure(let refusal) = signer.verify(query: parameters(query), scope: scope, now: now + 61) else {
            Issue.record("an expired URL was accepted"); return
        }
        #expect(refusal.reason == .expired)
        #expect(refusal.message.contains("expired"))
    }

    /// Valid signatures are remembered (one HMAC per URL per minute): what is remembered must open exactly
    /// that URL and nothing near it, and expiry is still checked on every request.
    @Test func aRememberedSignatureOpensNothingElse() throws {
        let query = parameters(signer.query(for: SignedURLClaims(scope: scope, expires: now + 30)))
        _ = try signer.verify(query: query, scope: scope, now: now).get()
        _ = try signer.verify(query: query, scope: scope, now: now + 1).get()
        #expect(reason(signer.verify(query: query, scope: AccessScope(tree: .vod, owner: SafeName("other")!), now: now)) == .badSignature)
        expectLongerAndTallerRefused(query)
        var forged = query
        forged["sig"] = String(query["sig"]!.reversed())
        #expect(reason(signer.verify(query: forged, scope: scope, now: now)) != nil)
        #expect(reason(signer.verify(query: query, scope: scope, now: now + 31)) == .expired)
        _ = try signer.verify(query: query, scope: scope, now: now + 2).get()
    }

    @Test func anotherItemTamperingAndMissingTokensAreRefused() {
        let query = parameters(signer.query(for: SignedURLClaims(scope: scope, expires: now + 60)))
        let other = AccessScope(tree: .vod, owner: SafeName("other")!)
        #expect(reason(signer.verify(query: query, scope: other, now: now)) == .badSignature)
        #expect(reason(signer.verify(query: query, scope: AccessScope(tree: .live, owner: SafeName("film")!), now: now)) == .badSignature)
        expectLongerAndTallerRefused(query)
        #expect(reason(signer.verify(query: [:], scope: scope, now: now)) == .missingToken)
        var garbled = query
        garbled["sig"] = "not base64!"
        #expect(reason(signer.verify(query: garbled, scope: scope, now: now)) == .malformedToken)
    }

    /// The last character of a 43-character signature holds 4 bits of the MAC and 2 unused ones: the three
    /// other characters with the same 4 bits decode to the same bytes in a lenient decoder. Every one of them
    /// must be refused (the end-to-end test's tampering changes only that character).
    @Test func aSignatureSpelledAnyOtherWayIsRefused() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for expiry in 0..<8 {
            let query = parameters(signer.query(for: SignedURLClaims(scope: scope, expires: now + 60 + expiry)))
            let signature = query["sig"]!
            let last = alphabet.firstIndex(of: signature.last!)!
            for sibling in (last & ~3)..<((last & ~3) + 4) where sibling != last {
                var altered = query
                altered["sig"] = String(signature.dropLast()) + String(alphabet[sibling])
                #expect(reason(signer.verify(query: altered, scope: scope, now: now)) != nil, "\(altered["sig"]!) opened a URL signed \(signature)")
            }
            #expect(reason(signer.verify(query: query, scope: scope, now: now)) == nil)
        }
    }

    @Test func previousKeysStillVerifyAndNewURLsUseTheCurrentKey() throws {
        let old = URLSigner(key: "old-key-0123456789abcdef")
        let query = parameters(old.query(for: SignedURLClaims(scope: scope, expires: now + 60)))
        #expect(throws: Never.self) { try signer.verify(query: query, scope: scope, now: now).get() }
        let unrelated = URLSigner(key: "another-key-0123456789")
        #expect(reason(unrelated.verify(query: query, scope: scope, now: now)) == .badSignature)
    }

    @Test func ipBindingIsSignedAndChecked() throws {
        let network = IPNetwork("203.0.113.0/24")!
        let query = parameters(signer.query(for: SignedURLClaims(scope: scope, expires: now + 60, network: network)))
        #expect(query["ip"] == "203.0.113.0/24")
        let settings = AccessSettings(defaultPolicy: .signed, signer: signer)
        let evaluator = AccessEvaluator(settings: settings)
        let path = MediaPath(path: "/vod/film/master.m3u8")!
        let inside = evaluator.decide(ViewerRequest(path: path, parameters: AccessParameters(query), clientIP: "203.0.113.7", now: now), item: .unset)
        guard case .allow(let grant) = inside else { Issue.record("refused inside the network: \(inside)"); return }
        #expect(grant.propagatedQuery?.hasPrefix("exp=") == true)
        #expect(grant.viewerSpecific)
        let outside = evaluator.decide(ViewerRequest(path: path, parameters: AccessParameters(query), clientIP: "198.51.100.1", now: now), item: .unset)
        #expect(outside == .deny(AccessRefusal(.ipMismatch, "this signed URL is bound to another network than yours")))
    }

    @Test func networksParseAndMatch() {
        #expect(IPNetwork("10.1.2.3/8")!.contains("10.200.0.1"))
        #expect(!IPNetwork("10.1.2.3/8")!.contains("11.0.0.1"))
        #expect(IPNetwork("10.0.0.0/8")!.contains("::ffff:10.0.0.9"))
        #expect(IPNetwork("2001:db8::/32")!.contains("2001:db8:1::5"))
        #expect(!IPNetwork("2001:db8::/32")!.contains("2001:db9::5"))
        #expect(IPNetwork("192.0.2.1")!.contains("192.0.2.1"))
        #expect(IPNetwork("300.0.0.1") == nil)
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("nonsense") == nil)
    }

    /// A remembered URL skips the MAC only: on another item it is checked (and refused) again, it still
    /// expires, and its IP binding is still checked against each request's address.
    @Test func aRememberedURLIsStillCheckedForScopeExpiryAndAddress() throws {
        let network = IPNetwork("203.0.113.0/24")!
        let query = parameters(signer.query(for: SignedURLClaims(scope: scope, expires: now + 30, network: network, maxHeight: 720)))
        let first = try signer.verify(AccessParameters(query), scope: scope, now: now).get()
        let again = try signer.verify(AccessParameters(query), scope: scope, now: now + 1).get()
        #expect(first == again && again.claims.maxHeight == 720 && again.claims.network == network)
        #expect(again.query == "exp=\(now + 30)&ip=203.0.113.0/24&mh=720&sig=\(query["sig"]!)")
        let other = AccessScope(tree: .vod, owner: SafeName("other")!)
        #expect(reason(signer.verify(query: query, scope: other, now: now + 1)) == .badSignature)
        #expect(reason(signer.verify(query: query, scope: scope, now: now + 31)) == .expired)
        let evaluator = AccessEvaluator(settings: AccessSettings(defaultPolicy: .signed, signer: signer))
        let path = MediaPath(path: "/vod/film/v1/video-720p/seg-1.m4s")!
        let outside = evaluator.decide(ViewerRequest(path: path, parameters: AccessParameters(query), clientIP: "198.51.100.1", now: now + 2),
                                       item: .unset)
        #expect(outside == .deny(AccessRefusal(.ipMismatch, "this signed URL is bound to another network than yours")))
        guard case .allow(let grant) = evaluator.decide(ViewerRequest(path: path, parameters: AccessParameters(query), clientIP: "203.0.113.9",
                                                                      now: now + 2), item: .unset) else {
            Issue.record("refused inside the network"); return
        }
        #expect(grant.maxHeight == 720 && grant.propagatedQuery == again.query)
    }

    /// The access parameters are read from the raw query the way the HTTP layer reads query values:
    /// percent-decoded, the last of a repeated name, other parameters ignored; the canonical form puts them
    /// in a fixed order whatever order they came in.
    @Test func accessParametersFromTheRawQuery() {
        let read = AccessParameters(rawQuery: "CMCD=br%3D800&sig=abc&ip=10.0.0.0%2F8&exp=17&flag&mh=&token=t%2Bu&exp=18&")
        #expect(read == AccessParameters(expires: "18", ip: "10.0.0.0/8", maxHeight: "", signature: "abc", token: "t+u"))
        #expect(read.signedQuery == "exp=18&ip=10.0.0.0/8&mh=&sig=abc")
        #expect(AccessParameters(rawQuery: nil) == .none && AccessParameters(rawQuery: "") == .none)
        #expect(AccessParameters(rawQuery: "sig=%zz").signature == "%zz", "an undecodable value stays as sent")
        var names: [String] = []
        RawQuery.forEachPair("&a=1&&b") { names.append(String($0.name) + ":" + $0.value) }
        #expect(names == [":", "a:1", ":", "b:"])
    }

    /// A query sent in the canonical form is taken as its own canonical query (no rebuilding per request);
    /// any other spelling gives the canonical form of what it decodes to, exactly as one built from the
    /// decoded values, so a memo entry can never be reached through a spelling that reads differently.
    @Test func canonicalQueryAsSentOrRebuilt() {
        let cases: [(String, String)] = [
            ("exp=17&sig=abc", "exp=17&sig=abc"),
            ("exp=17&ip=10.0.0.0/8&mh=720&sig=abc", "exp=17&ip=10.0.0.0/8&mh=720&sig=abc"),
            ("exp=17&mh=&sig=abc", "exp=17&mh=&sig=abc"),
            ("sig=abc&exp=17", "exp=17&sig=abc"),
            ("exp=17&sig=abc&", "exp=17&sig=abc"),
            ("exp=17&&sig=abc", "exp=17&sig=abc"),
            ("exp=17&sig=abc&token=t", "exp=17&sig=abc"),
            ("exp=17&exp=18&sig=abc", "exp=18&sig=abc"),
            ("exp=17&ip=10.0.0.0%2F8&sig=abc", "exp=17&ip=10.0.0.0/8&sig=abc"),
            ("exp=1%37&sig=abc", "exp=17&sig=abc"),
            ("exp&sig=abc", "exp=&sig=abc"),
            ("exp=17&sig", "exp=17&sig="),
            ("exp=17", "exp=17"),
            ("sig=abc", "sig=abc"),
            ("max_height=720&exp=17&sig=abc", "exp=17&sig=abc"),
        ]
        for (query, canonical) in cases {
            let read = AccessParameters(rawQuery: Substring(query))
            #expect(read.signedQuery == canonical, "\(query)")
            let rebuilt = AccessParameters(expires: read.expires, ip: read.ip, maxHeight: read.maxHeight, signature: read.signature,
                                           token: read.token)
            #expect(read == rebuilt && rebuilt.signedQuery == canonical, "\(query)")
        }
    }

    /// Behind a CDN the address comes from a header: the first of a list, without the port CloudFront's
    /// CloudFront-Viewer-Address always adds (IPv4, unbracketed IPv6, bracketed IPv6).
    @Test func forwardedAddressesLoseTheirPort() {
        #expect(ForwardedAddress.address("203.0.113.7, 10.0.0.1") == "203.0.113.7")
        #expect(ForwardedAddress.address("203.0.113.7:46532", carriesPort: true) == "203.0.113.7")
        #expect(ForwardedAddress.address("203.0.113.7:46532") == "203.0.113.7")
        #expect(ForwardedAddress.address("2001:db8::1:46532", carriesPort: true) == "2001:db8::1")
        #expect(ForwardedAddress.address("2001:db8:0:0:0:0:0:1:443") == "2001:db8:0:0:0:0:0:1", "nine groups: the last is the port")
        #expect(ForwardedAddress.address("2001:db8::1:443") == "2001:db8::1:443", "a valid address as it is, unless the header has ports")
        #expect(ForwardedAddress.address("[2001:db8::1]:46532") == "2001:db8::1")
        #expect(ForwardedAddress.address("") == nil)
        #expect(ForwardedAddress.carriesPort(header: "cloudfront-viewer-address") && !ForwardedAddress.carriesPort(header: "X-Forwarded-For"))
        #expect(IPNetwork("203.0.113.0/24")!.contains(ForwardedAddress.address("203.0.113.7:46532", carriesPort: true)!))
    }

    /// The same signature with a later expiry or a taller height limit must not verify.
    func expectLongerAndTallerRefused(_ query: [String: String]) {
        var longer = query
        longer["exp"] = String(now + 99_999)
        #expect(reason(signer.verify(query: longer, scope: scope, now: now)) == .badSignature)
        var taller = query
        taller["mh"] = "2160"
        #expect(reason(signer.verify(query: taller, scope: scope, now: now)) == .badSignature)
    }

    func reason(_ result: Result<SignedURLClaims, AccessRefusal>) -> AccessRefusal.Reason? {
        if case .failure(let refusal) = result { return refusal.reason }
        return nil
    }
}
