import Access
import Foundation
import Hummingbird
import JWTKit
import Testing
import TestSupport

/// Access control through the real binary (issue 12): assets ingested with `ingest --access`, URLs
/// minted with `mediaserve sign` and the API, a JWKS file, then what players, ffmpeg and curl get.
@Suite(.serialized) struct AccessServeTests {
    static let apiKey = "access-tests-key-0123456789"
    static let signingKey = "access-tests-signing-key-0123456789"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(apiKey)")] }

    /// A temporary data directory with three assets of two video rungs (144p, 180p): `film` and `other`
    /// signed, `show` behind a JWT; and a config with tiers free (144p) and premium (180p).
    struct Setup {
        let root: URL
        let config: URL
        let jwt: JWTKeyCollection

        static func make() async throws -> Setup {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let ladder = root.appendingPathComponent("ladder.yaml")
            try """
                segment_seconds: 1
                preset: ultrafast
                max_frame_rate: 60
                audio: {codec: aac-lc, bitrate_kbps: 64, sample_rate: 48000, channels: 2}
                rungs:
                  - {height: 144, video_kbps: 200, profile: main}
                  - {height: 180, video_kbps: 300, profile: main}
                """.write(to: ladder, atomically: true, encoding: .utf8)
            let key = ES256PrivateKey()
            let point = key.publicKey.parameters!
            let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256","x":"\#(point.x)","y":"\#(point.y)"}]}"#
            let jwksFile = root.appendingPathComponent("jwks.json")
            try jwks.write(to: jwksFile, atomically: true, encoding: .utf8)
            let config = root.appendingPathComponent("mediaserve.yaml")
            try """
                access:
                  signing_key: "\(signingKey)"
                  jwt:
                    jwks_file: "\(jwksFile.path)"
                    issuer: "https://idp.test"
                    audience: "mediaserve"
                    tier_claim: "custom:subscription_tier"
                  tiers:
                    free: {max_height: 144}
                    premium: {max_height: 180}
                  geo:
                    blocked_countries: [KP]
                """.write(to: config, atomically: true, encoding: .utf8)
            let data = root.appendingPathComponent("data")
            let sample = TestMedia.committed.appendingPathComponent("sample.mp4").path
            for (id, access) in [("film", "signed"), ("other", "public"), ("show", "jwt")] {
                let result = try await runAsync(TestMedia.mediaserveBinary.path, [
                    "ingest", sample, "--id", id, "--ladder", ladder.path, "--access", access,
                    "--config", config.path, "--data-dir", data.path, "--json"])
                #expect(result.status == 0, "ingest \(id): \(result.stderr)")
            }
            let collection = JWTKeyCollection()
            await collection.add(ecdsa: key, kid: "k1")
            return Setup(root: root, config: config, jwt: collection)
        }

        var data: URL { root.appendingPathComponent("data") }

        func serve(extra: [String] = []) throws -> ServerProcess {
            try ServerProcess(dataDirectory: data, apiKey: AccessServeTests.apiKey,
                              extra: ["--config", config.path, "--set", "srt.enabled=false"] + extra)
        }

        func token(tier: String) async throws -> String {
            try await jwt.sign(Claims(claims: [
                "iss": "https://idp.test", "aud": "mediaserve", "sub": "viewer",
                "custom:subscription_tier": tier, "exp": String(Int(Date().timeIntervalSince1970) + 600),
            ]), kid: "k1")
        }
    }

    struct Claims: JWTPayload {
        var claims: [String: String]
        init(claims: [String: String]) { self.claims = claims }
        init(from decoder: any Decoder) throws { claims = [:] }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (name, value) in claims {
                if let number = Int(value) { try container.encode(number, forKey: Key(name)) } else { try container.encode(value, forKey: Key(name)) }
            }
        }
        func verify(using algorithm: some JWTAlgorithm) async throws {}
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// Resolves a manifest URI against the manifest's path (RFC 3986: the manifest's own query is dropped).
    func resolve(_ uri: String, against path: String) -> String {
        if uri.hasPrefix("/") { return uri }
        let base = path.split(separator: "?").first.map(String.init) ?? path
        return String(base[...base.lastIndex(of: "/")!]) + uri
    }

    /// Every URI in an HLS playlist (lines and URI="..." attributes).
    func uris(_ playlist: String) -> [String] {
        var out: [String] = []
        for line in playlist.split(separator: "\n") {
            if line.hasPrefix("#") {
                if let range = line.range(of: "URI=\""), let end = line[range.upperBound...].firstIndex(of: "\"") {
                    out.append(String(line[range.upperBound..<end]))
                }
            } else {
                out.append(String(line))
            }
        }
        return out
    }

    @Test func signedURLsOpenOneAssetUntilTheyExpireAndCarryTheirToken() async throws {
        let setup = try await Setup.make()
        defer { try? FileManager.default.removeItem(at: setup.root) }
        let server = try setup.serve()
        defer { server.terminate() }
        let port = server.port

        let bare = try await fetch(port, "/vod/film/master.m3u8")
        #expect(bare.status == 403)
        #expect(bare.header("Cache-Control") == "no-store")

        let signed = try await runAsync(TestMedia.mediaserveBinary.path, [
            "sign", "/vod/film/master.m3u8", "--expires-in", "600", "--config", setup.config.path])
        #expect(signed.status == 0, "\(signed.stderr)")
        let path = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let master = try await fetch(port, path)
        #expect(master.status == 200, "\(master.text)")
        #expect(master.header("Cache-Control")?.hasPrefix("private") == true)
        // Every URI the origin wrote carries the token, and following them (as a player does, dropping
        // the master's query) works all the way down to the segments.
        var fetched = 0
        for child in uris(master.text) {
            #expect(child.contains("sig="), "\(child)")
            let childPath = resolve(child, against: path)
            let playlist = try await fetch(port, childPath)
            #expect(playlist.status == 200, "\(childPath): \(playlist.text)")
            for segment in uris(playlist.text) where !segment.hasPrefix("#") {
                #expect(segment.contains("sig="), "\(segment)")
                let response = try await fetch(port, resolve(segment, against: childPath))
                #expect(response.status == 200, "\(segment)")
                #expect(response.header("Cache-Control")?.hasPrefix("private") == true)
                fetched += 1
            }
        }
        #expect(fetched > 4)
        // DASH: the templates carry it too.
        let query = String(path.split(separator: "?")[1])
        let mpd = try await fetch(port, "/vod/film/manifest.mpd?" + query)
        #expect(mpd.status == 200)
        #expect(mpd.text.contains("init.mp4?exp=") && mpd.text.contains("$Number$.m4s?exp="))

        // ffmpeg plays it through the same URIs.
        let play = try await runAsync("ffmpeg", ["-v", "error", "-i", "http://127.0.0.1:\(port)\(path)", "-map", "0", "-f", "null", "-"])
        #expect(play.status == 0, "\(play.stderr)")

        // Tampered, for another asset, expired.
        var tampered = path
        let last = tampered.removeLast()
        tampered.append(last == "A" ? "B" : "A")
        #expect(try await fetch(port, tampered).status == 403)
        #expect(try await fetch(port, "/vod/other/master.m3u8?" + query).status == 200)  // other is public
        let patched = try await fetch(port, "/api/v1/assets/other", method: .PATCH, headers: Self.auth,
                                      body: Array(#"{"access": "signed", "blockedCountries": ["de"]}"#.utf8))
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.text.contains(#""policy":"signed""#) && patched.text.contains(#""DE""#))
        let otherAsset = try await fetch(port, "/vod/other/master.m3u8?" + query)
        #expect(otherAsset.status == 403)
        #expect(otherAsset.text.contains("signed for other content"))
        let signer = URLSigner(key: Self.signingKey)
        let old = signer.query(for: SignedURLClaims(scope: AccessScope(tree: .vod, owner: .init("film")!),
                                                    expires: Int(Date().timeIntervalSince1970) - 5))
        let expired = try await fetch(port, "/vod/film/master.m3u8?" + old)
        #expect(expired.status == 403)
        #expect(expired.text.contains("expired"))
        #expect(expired.header("Cache-Control") == "no-store")

        // The API mints URLs; the asset's own country list applies on top of the signature.
        let minted = try await fetch(port, "/api/v1/playback-urls", method: .POST, headers: Self.auth,
                                     body: Array(#"{"asset": "other", "expiresIn": 300}"#.utf8))
        #expect(minted.status == 200, "\(minted.text)")
        let urls = try #require(try JSONSerialization.jsonObject(with: Data(minted.body)) as? [String: String])
        let hls = try #require(urls["hls"])
        #expect(try await fetch(port, hls, headers: [("CloudFront-Viewer-Country", "FR")]).status == 200)
        let germany = try await fetch(port, hls, headers: [("CloudFront-Viewer-Country", "DE")])
        #expect(germany.status == 403)
        #expect(germany.text.contains("Content not available in your region"))
        // Blocked everywhere (access.geo.blocked_countries), whatever the token.
        #expect(try await fetch(port, path, headers: [("CloudFront-Viewer-Country", "KP")]).status == 403)

        let metrics = try await fetch(port, "/metrics").text
        #expect(metrics.contains(#"mediaserve_access_refusals_total{reason="expired"}"#))
        #expect(metrics.contains(#"mediaserve_access_refusals_total{reason="geo_blocked"}"#))
    }

    /// One `PATCH /api/v1/assets/{id}` takes access rules and catalogue metadata together. Access and the
    /// content API each had their own handler once, and Hummingbird stopped `serve` at start-up over the
    /// second; this runs the real binary with both on.
    @Test func onePatchSetsAccessAndCatalogueMetadataTogether() async throws {
        let setup = try await Setup.make()
        defer { try? FileManager.default.removeItem(at: setup.root) }
        let server = try setup.serve()
        defer { server.terminate() }
        let port = server.port
        #expect(try await fetch(port, "/vod/other/master.m3u8").status == 200)

        let patched = try await fetch(port, "/api/v1/assets/other", method: .PATCH, headers: Self.auth, body: Array(#"""
            {"access": "signed", "blockedCountries": ["de"], "title": "Harbour at dawn",
             "description": "Fishing boats leave the quay", "tags": ["sea", "travel"]}
            """#.utf8))
        #expect(patched.status == 200, "\(patched.text)")
        let asset = try #require(try JSONSerialization.jsonObject(with: Data(patched.body)) as? [String: Any])
        let rules = asset["access"] as? [String: Any]
        #expect(rules?["policy"] as? String == "signed")
        #expect(rules?["blockedCountries"] as? [String] == ["DE"])
        #expect(asset["title"] as? String == "Harbour at dawn")
        #expect(asset["description"] as? String == "Fishing boats leave the quay")
        #expect(asset["tags"] as? [String] == ["sea", "travel"])

        // Both took effect: the bare URL is refused, and the catalogue finds the asset by a word of its
        // description, listing its URLs unsigned.
        let bare = try await fetch(port, "/vod/other/master.m3u8")
        #expect(bare.status == 403)
        let found = try await fetch(port, "/api/v1/content?q=quay")
        #expect(found.status == 200, "\(found.text)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(found.body)) as? [String: Any])
        let items = try #require(page["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["other"])
        #expect(items.first?["title"] as? String == "Harbour at dawn")
        #expect(items.first?["hls"] as? String == "/vod/other/master.m3u8")

        // A body with one bad field changes neither part.
        let refused = try await fetch(port, "/api/v1/assets/show", method: .PATCH, headers: Self.auth,
                                      body: Array(#"{"access": "public", "tags": [""]}"#.utf8))
        #expect(refused.status == 400, "\(refused.text)")
        #expect(refused.text.contains("tags"))
        #expect(try await fetch(port, "/vod/show/master.m3u8").status == 403)
        let show = try await fetch(port, "/api/v1/content/show")
        #expect(try #require(try JSONSerialization.jsonObject(with: Data(show.body)) as? [String: Any])["tags"] as? [String] == [])
    }

    @Test func freeTierSeesNoRungAboveItsLimitPremiumSeesAll() async throws {
        let setup = try await Setup.make()
        defer { try? FileManager.default.removeItem(at: setup.root) }
        let server = try setup.serve()
        defer { server.terminate() }
        let port = server.port

        #expect(try await fetch(port, "/vod/show/master.m3u8").status == 403)
        let free = try await setup.token(tier: "free")
        let premium = try await setup.token(tier: "premium")
        let freeMaster = try await fetch(port, "/vod/show/master.m3u8", headers: [("Authorization", "Bearer \(free)")])
        #expect(freeMaster.status == 200, "\(freeMaster.text)")
        #expect(freeMaster.text.contains("144") && !freeMaster.text.contains("180p"))
        #expect(freeMaster.header("Vary")?.contains("Authorization") == true)
        let premiumMaster = try await fetch(port, "/vod/show/master.m3u8?token=" + premium)
        #expect(premiumMaster.text.contains("180p"))
        let tall = try #require(uris(premiumMaster.text).first { $0.contains("180p") })
        let tallPath = resolve(tall, against: "/vod/show/master.m3u8")
        #expect(try await fetch(port, tallPath).status == 200)
        let playlist = try await fetch(port, tallPath)
        let segment = resolve(try #require(uris(playlist.text).first { $0.contains("seg-") }), against: tallPath)
        let segmentPath = String(segment.split(separator: "?")[0])
        #expect(try await fetch(port, segmentPath, headers: [("Authorization", "Bearer \(premium)")]).status == 200)
        let refused = try await fetch(port, segmentPath, headers: [("Authorization", "Bearer \(free)")])
        #expect(refused.status == 403)
        #expect(refused.text.contains("above what your access allows"))
        let mpd = try await fetch(port, "/vod/show/manifest.mpd?token=" + free)
        #expect(mpd.status == 200 && !mpd.text.contains("height=\"180\""))
        let unknownTier = try await setup.token(tier: "platinum")
        #expect(try await fetch(port, "/vod/show/master.m3u8?token=" + unknownTier).status == 403)
    }

    @Test func httpsNegotiatesHTTP2WithHSTS() async throws {
        let setup = try await Setup.make()
        defer { try? FileManager.default.removeItem(at: setup.root) }
        let cert = setup.root.appendingPathComponent("cert.pem").path, key = setup.root.appendingPathComponent("key.pem").path
        let made = try await runAsync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                  "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"])
        #expect(made.status == 0, "\(made.stderr)")
        let server = try setup.serve(extra: ["--set", "http.tls.cert_file=\(cert)", "--set", "http.tls.key_file=\(key)"])
        defer { server.terminate() }
        let curl = try await runAsync("curl", ["-sk", "--http2", "-o", "/dev/null", "-D", "-", "https://127.0.0.1:\(server.port)/healthz"])
        #expect(curl.status == 0, "\(curl.stderr)")
        #expect(curl.stdout.hasPrefix("HTTP/2 200"), "\(curl.stdout)")
        #expect(curl.stdout.lowercased().contains("strict-transport-security: max-age=31536000; includesubdomains"))
        // Players over HTTP/1.1 still work on the same port.
        let http1 = try await runAsync("curl", ["-sk", "--http1.1", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                                                "https://127.0.0.1:\(server.port)/vod/other/master.m3u8"])
        #expect(http1.stdout == "1.1 200", "\(http1.stdout)")
        // SIGHUP re-reads the pair; the server keeps answering.
        kill(server.process.processIdentifier, SIGHUP)
        let again = try await runAsync("curl", ["-sk", "--http2", "-o", "/dev/null", "-w", "%{http_version}", "https://127.0.0.1:\(server.port)/healthz"])
        #expect(again.stdout == "2")
    }

    /// Deliverable 6 through the server. (b) The CDN proves itself with the secret header: it gets the
    /// ordinary public, shared-cacheable answers without a token, while a request with a wrong or no secret
    /// still needs one. (a) The origin validates: behind CloudFront an IP-bound URL is checked against
    /// `CloudFront-Viewer-Address` (address and port), and what it opens is private.
    @Test func cdnDeploymentsNeverHandProtectedContentToAnotherViewer() async throws {
        let setup = try await Setup.make()
        defer { try? FileManager.default.removeItem(at: setup.root) }
        let secret = "cdn-secret-0123456789abcdef"
        let server = try setup.serve(extra: ["--set", "access.cdn_secret_header=X-Origin-Verify", "--set", "access.cdn_secret=\(secret)",
                                             "--set", "access.client_ip_header=CloudFront-Viewer-Address"])
        defer { server.terminate() }
        let port = server.port

        // (b): through the CDN, cacheable once for everyone, no token anywhere.
        let cdn = [("X-Origin-Verify", secret)]
        let master = try await fetch(port, "/vod/film/master.m3u8", headers: cdn)
        #expect(master.status == 200, "\(master.text)")
        #expect(master.header("Cache-Control") == "public, max-age=60, s-maxage=60")
        #expect(!master.text.contains("sig="))
        let child = resolve(try #require(uris(master.text).first), against: "/vod/film/master.m3u8")
        let playlist = try await fetch(port, child, headers: cdn)
        #expect(playlist.status == 200)
        let segment = resolve(try #require(uris(playlist.text).first { $0.contains("seg-") }), against: child)
        let cached = try await fetch(port, segment, headers: cdn)
        #expect(cached.status == 200)
        #expect(cached.header("Cache-Control") == "public, max-age=31536000, immutable")
        // Around the CDN (no secret, or a guessed one): a token is still needed.
        for headers in [[], [("X-Origin-Verify", "guess")], [("X-Origin-Verify", secret + "x")]] {
            let refused = try await fetch(port, segment, headers: headers)
            #expect(refused.status == 403, "\(headers)")
            #expect(refused.header("Cache-Control") == "no-store")
        }

        // (a): a URL bound to the viewer's network, the viewer's address from CloudFront's header.
        let signed = try await runAsync(TestMedia.mediaserveBinary.path, [
            "sign", "/vod/film/master.m3u8", "--expires-in", "600", "--ip", "203.0.113.0/24", "--config", setup.config.path])
        #expect(signed.status == 0, "\(signed.stderr)")
        let path = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let inside = try await fetch(port, path, headers: [("CloudFront-Viewer-Address", "203.0.113.7:46532")])
        #expect(inside.status == 200, "\(inside.text)")
        #expect(inside.header("Cache-Control") == "private, max-age=60")
        let query = String(path.split(separator: "?")[1])
        let tokenSegment = segment + "?" + query
        #expect(try await fetch(port, tokenSegment, headers: [("CloudFront-Viewer-Address", "203.0.113.200:1024")]).status == 200)
        for address in ["198.51.100.1:46532", "2001:db8::1:46532"] {
            let outside = try await fetch(port, tokenSegment, headers: [("CloudFront-Viewer-Address", address)])
            #expect(outside.status == 403, "\(address)")
            #expect(outside.text.contains("bound to another network"), "\(address): \(outside.text)")
        }
        // Without the header the connection's address (127.0.0.1) counts, and it is not in the network.
        #expect(try await fetch(port, tokenSegment).status == 403)
    }

    /// The authorisation service is the external party: a small real HTTP server in the test that allows
    /// the token `letmein` and refuses everything else.
    @Test func theWebhookAllowsAndDeniesPlay() async throws {
        let setup = try await Setup.make()
        defer { try? FileManager.default.removeItem(at: setup.root) }
        try await HookServer.with(answer: { $0["token"] == "letmein" ? .noContent : .forbidden }) { hookURL, log in
            let server = try setup.serve(extra: ["--set", "access.webhook_url=\(hookURL)", "--set", "access.webhook_cache_seconds=30",
                                                 "--set", "access.webhook_timeout_ms=15000"])
            defer { server.terminate() }
            let port = server.port
            let patched = try await fetch(port, "/api/v1/assets/other", method: .PATCH, headers: Self.auth,
                                          body: Array(#"{"access": "webhook"}"#.utf8))
            #expect(patched.status == 200, "\(patched.text)")
            let allowed = try await fetch(port, "/vod/other/master.m3u8?token=letmein")
            #expect(allowed.status == 200, "\(allowed.text)")
            #expect(uris(allowed.text).allSatisfy { $0.contains("token=letmein") })
            let child = resolve(try #require(uris(allowed.text).first), against: "/vod/other/master.m3u8")
            #expect(try await fetch(port, child).status == 200)
            let denied = try await fetch(port, "/vod/other/master.m3u8?token=guess")
            #expect(denied.status == 403)
            #expect(denied.text.contains("refused this request (HTTP 403)"))
            #expect(try await fetch(port, "/vod/other/master.m3u8").status == 403)
            let queries = log.queries
            #expect(queries.first?["action"] == "play" && queries.first?["asset"] == "other" && queries.first?["protocol"] == "hls")
            #expect(queries.first?["ip"] == "127.0.0.1" && queries.first?["path"] == "/vod/other/master.m3u8")
            // The allow decision was cached: the child playlist did not ask again.
            #expect(queries.filter { $0["token"] == "letmein" }.count == 1)
        }
    }

    @Test func theDevelopmentKeyIsRefusedOffLoopback() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("access-devkey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let empty = data.appendingPathComponent("empty.yaml")
        try "{}".write(to: empty, atomically: true, encoding: .utf8)
        let result = try await runAsync(TestMedia.mediaserveBinary.path, [
            "serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", data.path, "--config", empty.path,
            "--set", "rtmp.port=0", "--set", "srt.enabled=false"])
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("development API key") && lines[0].contains("api.key"), "\(result.stderr)")
    }
}
