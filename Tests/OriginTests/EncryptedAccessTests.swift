import Access
import Foundation
import MediaCore
import Testing
import TestSupport

/// Encryption under access control (issues 12 + 13) through the real binary: an asset that is both
/// `signed` and encrypted. Every URI of its manifests carries the scheme and the token (the scheme from
/// packaging, the token added after it), and its keys answer only to the token that opens the asset.
@Suite(.serialized) struct EncryptedAccessTests {
    static let apiKey = "enc-access-key-0123456789"
    static let master = String(repeating: "5a", count: 32)
    static let signingKey = "enc-access-signing-key-0123456789"

    func signedQuery(_ owner: String, expiresIn: Int = 600) -> String {
        URLSigner(key: Self.signingKey).query(for: SignedURLClaims(
            scope: AccessScope(tree: .vod, owner: SafeName(owner)!), expires: Int(Date().timeIntervalSince1970) + expiresIn))
    }

    func ingest(_ id: String, into data: URL, _ extra: [String]) async throws {
        let result = try await runAsync(TestMedia.mediaserveBinary.path, [
            "ingest", TestMedia.committed.appendingPathComponent("sample.mp4").path, "--id", id,
            "--rungs", "360", "--data-dir", data.path, "--set", "log.level=warning"] + extra)
        try #require(result.status == 0, "\(result.stderr)")
    }

    /// URIs of an HLS playlist: URI lines and URI="..." attributes.
    func uris(_ playlist: String) -> [String] {
        playlist.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("#") else { return String(line) }
            guard let start = line.range(of: "URI=\""), let end = line[start.upperBound...].firstIndex(of: "\"") else { return nil }
            return String(line[start.upperBound..<end])
        }
    }

    func resolve(_ uri: String, against path: String) -> String {
        if uri.hasPrefix("/") { return uri }
        let base = path.split(separator: "?").first.map(String.init) ?? path
        return String(base[...base.lastIndex(of: "/")!]) + uri
    }

    @Test func keysAnswerOnlyToTheTokenThatOpensTheAsset() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-enc-access-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        try await ingest("film", into: data, ["--encrypt", "--access", "signed"])
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: [
            "--set", "drm.master_key=\(Self.master)", "--set", "access.signing_key=\(Self.signingKey)"])
        defer { server.terminate() }
        let port = server.port
        let token = signedQuery("film")

        #expect(try await fetch(port, "/vod/film/master.m3u8").status == 403)
        let masterPath = "/vod/film/master.m3u8?" + token
        let master = try await fetch(port, masterPath)
        #expect(master.status == 200, "\(master.text)")
        var keyURIs: [String] = []
        var segments = 0
        for child in uris(master.text) {
            #expect(child.contains("scheme=aes-128") && child.contains("sig="), "\(child)")
            let childPath = resolve(child, against: masterPath)
            let playlist = try await fetch(port, childPath)
            #expect(playlist.status == 200, "\(childPath): \(playlist.text)")
            for line in playlist.text.split(separator: "\n") where line.hasPrefix("#EXT-X-KEY") {
                keyURIs += uris(String(line))
            }
            for uri in uris(playlist.text) where !uri.hasPrefix("/keys/") {
                // init (EXT-X-MAP) and segments: the scheme first, then the token after it.
                #expect(uri.contains("?scheme=aes-128&") && uri.contains("sig="), "\(uri)")
                let response = try await fetch(port, resolve(uri, against: childPath))
                #expect(response.status == 200, "\(uri)")
                segments += 1
            }
        }
        #expect(segments >= 2)  // at least the init and one segment of the one rung
        let keyURI = try #require(keyURIs.first)
        #expect(keyURI.hasPrefix("/keys/") && keyURI.contains("sig="), "\(keyURI)")
        let keyPath = String(keyURI.split(separator: "?")[0])

        // The key: with the asset's token 200, without it or with another asset's token 403.
        let key = try await fetch(port, keyURI)
        #expect(key.status == 200)
        #expect(key.body.count == 16)
        let bare = try await fetch(port, keyPath)
        #expect(bare.status == 403)
        #expect(bare.header("Cache-Control") == "no-store")
        #expect(try await fetch(port, keyPath + "?" + signedQuery("other")).status == 403)
        #expect(try await fetch(port, keyPath + "?" + signedQuery("film", expiresIn: -5)).status == 403)

        // ClearKey licence: the same rule; the MPD names the licence URL with the token.
        let kid = String(keyPath.dropFirst("/keys/".count))
        let kidBase64 = Data(try #require(hexBytes(kid))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let licenceBody = Array(#"{"kids":["\#(kidBase64)"],"type":"temporary"}"#.utf8)
        #expect(try await fetch(port, "/clearkey/license", method: .POST, body: licenceBody).status == 403)
        let licence = try await fetch(port, "/clearkey/license?" + token, method: .POST, body: licenceBody)
        #expect(licence.status == 200, "\(licence.text)")
        let mpd = try await fetch(port, "/vod/film/manifest.mpd?" + token)
        #expect(mpd.status == 200, "\(mpd.text)")
        try await validateMPD(mpd.text)
        let escapedToken = token.replacingOccurrences(of: "&", with: "&amp;")
        #expect(mpd.text.contains("/clearkey/license?" + escapedToken + "</dashif:laurl>"), "\(mpd.text)")
        #expect(mpd.text.contains("$Number$.m4s?scheme=cenc&amp;" + escapedToken), "\(mpd.text)")

        // ffmpeg plays it through those URIs, fetching the key with the token.
        let play = try await runAsync("ffmpeg", ["-v", "error", "-i", "http://127.0.0.1:\(port)\(masterPath)", "-map", "0", "-f", "null", "-"])
        #expect(play.status == 0, "\(play.stderr)")
    }
}
