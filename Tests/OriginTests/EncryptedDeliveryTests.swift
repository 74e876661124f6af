import Foundation
import Testing
import TestSupport

/// Encrypted delivery through the real binary (issue 13): an asset ingested with `--encrypt` plays over
/// HTTP in ffmpeg with the same frames as its clear form, its segments decrypt with the key the key
/// route serves, and the master key is checked at start-up.
@Suite(.serialized) struct EncryptedDeliveryTests {
    static let apiKey = "enc-key-0123456789"
    static let master = String(repeating: "3c", count: 32)
    static var auth: [(String, String)] { [("Authorization", "Bearer \(apiKey)")] }

    /// A data directory with `sample.mp4` ingested as `enc` with `--encrypt`.
    func withEncryptedAsset(_ body: (URL) async throws -> Void) async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-enc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let ingest = try await runAsync(TestMedia.mediaserveBinary.path, [
            "ingest", TestMedia.committed.appendingPathComponent("sample.mp4").path, "--id", "enc", "--encrypt",
            "--rungs", "360", "--data-dir", data.path, "--set", "log.level=warning"])
        try #require(ingest.status == 0, "\(ingest.stderr)")
        try await body(data)
    }

    func framemd5(_ url: String) async throws -> [String] {
        let result = try await runAsync("ffmpeg", ["-v", "error", "-i", url, "-map", "0:v:0", "-f", "framemd5", "-"])
        #expect(result.status == 0, "\(url): \(result.stderr)")
        return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
    }

    @Test func hlsAES128PlaysAndDecryptsWithTheServedKey() async throws {
        try await withEncryptedAsset { data in
            let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: ["--set", "drm.master_key=\(Self.master)"])
            defer { server.terminate() }
            let port = server.port
            let master = try await fetch(port, "/vod/enc/master.m3u8")
            #expect(master.status == 200)
            #expect(master.text.contains(".m3u8?scheme=aes-128"), "\(master.text)")
            let variant = try #require(master.text.split(separator: "\n").first { $0.hasPrefix("v1/video") }.map(String.init))
            let playlist = try await fetch(port, "/vod/enc/\(variant)")
            let keyLines = playlist.text.split(separator: "\n").filter { $0.hasPrefix("#EXT-X-KEY:METHOD=AES-128") }
            #expect(!keyLines.isEmpty, "\(playlist.text)")
            let keyLine = String(try #require(keyLines.first))
            let kid = try #require(keyLine.firstMatch(of: /URI="\/keys\/([0-9a-f]{32})"/)?.1).description
            let iv = try #require(keyLine.firstMatch(of: /IV=0x([0-9a-f]{32})/)?.1).description
            // The map comes before the first key: the init stays clear.
            let mapIndex = try #require(playlist.text.range(of: "#EXT-X-MAP"))
            #expect(mapIndex.lowerBound < playlist.text.range(of: "#EXT-X-KEY")!.lowerBound)

            let key = try await fetch(port, "/keys/\(kid)")
            #expect(key.status == 200)
            #expect(key.body.count == 16)
            #expect(key.header("Cache-Control") == "private, no-store")
            #expect(try await fetch(port, "/keys/\(String(repeating: "0", count: 32))").status == 404)

            // The first segment: refused without a scheme, encrypted with one, and openssl opens it with the
            // served key and the playlist's IV to the clear file's bytes.
            let rendition = try #require(variant.split(separator: "/").last?.split(separator: ".").first).description
            let segmentPath = "/vod/enc/v1/\(rendition)/seg-1.m4s"
            #expect(try await fetch(port, segmentPath).status == 403)
            let encrypted = try await fetch(port, segmentPath + "?scheme=aes-128")
            #expect(encrypted.status == 200)
            let clearFile = try [UInt8](Data(contentsOf: data.appendingPathComponent("vod/enc/\(rendition)/seg-1.m4s")))
            #expect(encrypted.body.count == (clearFile.count / 16 + 1) * 16)
            let decrypted = try await openssl(encrypted.body, key: key.body.map { String(format: "%02x", $0) }.joined(), iv: iv)
            #expect(decrypted == clearFile)
            // Deterministic bytes: the same ETag and body again, and a range is a slice of the whole.
            let again = try await fetch(port, segmentPath + "?scheme=aes-128")
            #expect(again.body == encrypted.body)
            #expect(again.header("ETag") == encrypted.header("ETag"))
            let etag = try #require(encrypted.header("ETag"))
            #expect(try await fetch(port, segmentPath + "?scheme=aes-128", headers: [("If-None-Match", etag)]).status == 304)
            let range = try await fetch(port, segmentPath + "?scheme=aes-128", headers: [("Range", "bytes=16-47")])
            #expect(range.status == 206)
            #expect(range.body == Array(encrypted.body[16..<48]))
            // Encrypted once: the repeat and the range were answered from the encrypted-object cache.
            let metrics = try await fetch(port, "/metrics").text
            #expect(metrics.contains("mediaserve_encrypted_cache_misses_total 1\n"), "\(metrics)")
            let hits = try #require(metrics.firstMatch(of: /mediaserve_encrypted_cache_hits_total (\d+)/).flatMap { Int($0.1) })
            #expect(hits >= 2)

            // ClearKey licence for the same key id.
            let kidBase64 = Data(try #require(hexBytes(kid))).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let licence = try await fetch(port, "/clearkey/license", method: .POST,
                                          body: Array(#"{"kids":["\#(kidBase64)"],"type":"temporary"}"#.utf8))
            #expect(licence.status == 200, "\(licence.text)")
            #expect(licence.text.contains(#""kid":"\#(kidBase64)""#))
            #expect(licence.header("Cache-Control") == "private, no-store")
            #expect(try await fetch(port, "/clearkey/license", method: .POST, body: Array("{}".utf8)).status == 400)

            // ffmpeg plays it, fetching the key itself, with the frames of the clear asset.
            let encryptedFrames = try await framemd5("http://127.0.0.1:\(port)/vod/enc/master.m3u8")
            #expect(encryptedFrames.count >= 45)
            let patch = try await fetch(port, "/api/v1/assets/enc", method: .PATCH, headers: Self.auth,
                                        body: Array(#"{"encrypted": false}"#.utf8))
            #expect(patch.status == 200, "\(patch.text)")
            let clearMaster = try await fetch(port, "/vod/enc/master.m3u8")
            #expect(!clearMaster.text.contains("scheme="))
            #expect(try await fetch(port, segmentPath).body == clearFile)
            let clearFrames = try await framemd5("http://127.0.0.1:\(port)/vod/enc/master.m3u8")
            #expect(clearFrames == encryptedFrames)
            #expect(try await fetch(port, "/api/v1/assets/enc", method: .PATCH, headers: Self.auth,
                                    body: Array(#"{"encrypted": "yes"}"#.utf8)).status == 400)
            #expect(try await fetch(port, "/api/v1/assets/nothing", method: .PATCH, headers: Self.auth,
                                    body: Array(#"{"encrypted": true}"#.utf8)).status == 404)
        }
    }

    /// The decoded pictures (framemd5's hash column; the DASH demuxer numbers timestamps its own way).
    func pictureHashes(_ url: String, key: String? = nil) async throws -> [String] {
        let result = try await runAsync("ffmpeg", ["-v", "error"] + (key.map { ["-cenc_decryption_key", $0] } ?? [])
                             + ["-i", url, "-map", "0:v:0", "-f", "framemd5", "-"])
        return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .compactMap { $0.split(separator: ",").last?.trimmingCharacters(in: .whitespaces) }
    }

    @Test func dashCencAndCbcsDecryptInFFmpeg() async throws {
        try await withEncryptedAsset { data in
            let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: ["--set", "drm.master_key=\(Self.master)"])
            defer { server.terminate() }
            let port = server.port
            #expect(try await fetch(port, "/vod/enc/manifest.mpd?scheme=aes-128").status == 400)
            var keyHex = ""
            var encryptedPictures: [String: [String]] = [:]
            for scheme in ["cenc", "cbcs"] {
                let mpd = try await fetch(port, "/vod/enc/manifest.mpd?scheme=\(scheme)")
                #expect(mpd.status == 200)
                #expect(mpd.text.contains(#"value="\#(scheme)" cenc:default_KID="#), "\(mpd.text)")
                #expect(mpd.text.contains("urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e"))
                #expect(mpd.text.contains("<dashif:laurl Lic_type=\"EME-1.0\">/clearkey/license</dashif:laurl>"))
                #expect(mpd.text.contains("seg-$Number$.m4s?scheme=\(scheme)"))
                try await validateMPD(mpd.text)
                let kid = try #require(mpd.text.firstMatch(of: /cenc:default_KID="([0-9a-f-]{36})"/)?.1).replacing("-", with: "")
                let key = try await fetch(port, "/keys/\(kid)")
                keyHex = key.body.map { String(format: "%02x", $0) }.joined()
                // Deterministic bytes that are not the clear file's.
                let segment = "/vod/enc/v1/video-180p/seg-1.m4s?scheme=\(scheme)"
                let first = try await fetch(port, segment), second = try await fetch(port, segment)
                #expect(first.status == 200 && first.body == second.body)
                let clearFile = try [UInt8](Data(contentsOf: data.appendingPathComponent("vod/enc/video-180p/seg-1.m4s")))
                #expect(first.body != clearFile && first.body.count > clearFile.count)
                let url = "http://127.0.0.1:\(port)/vod/enc/manifest.mpd?scheme=\(scheme)"
                encryptedPictures[scheme] = try await pictureHashes(url, key: keyHex)
                #expect(try await pictureHashes(url) != encryptedPictures[scheme], "without the key the pictures must differ")
            }
            _ = try await fetch(port, "/api/v1/assets/enc", method: .PATCH, headers: Self.auth, body: Array(#"{"encrypted": false}"#.utf8))
            let clear = try await pictureHashes("http://127.0.0.1:\(port)/vod/enc/manifest.mpd")
            #expect(clear.count >= 45)
            #expect(encryptedPictures["cenc"] == clear)
            #expect(encryptedPictures["cbcs"] == clear)
        }
    }

    /// Shaka Packager 3.8 (scripts/fetch-shaka-packager.sh puts it in .tools/) with raw-key decryption
    /// turns our cenc and cbcs init + segment back into exactly the clear samples (packet MD5s).
    @Test func shakaPackagerDecryptsToTheClearSamples() async throws {
        let packager = ProcessInfo.processInfo.environment["MEDIASERVE_SHAKA_PACKAGER"]
            ?? TestMedia.packageRoot.appendingPathComponent(".tools/packager").path
        try #require(FileManager.default.isExecutableFile(atPath: packager),
                     "Shaka Packager missing at \(packager): run scripts/fetch-shaka-packager.sh .tools")
        try await withEncryptedAsset { data in
            let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: ["--set", "drm.master_key=\(Self.master)"])
            defer { server.terminate() }
            let work = data.appendingPathComponent("shaka")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            for (rendition, stream) in [("video-180p", "video"), ("audio", "audio")] {
                let folder = data.appendingPathComponent("vod/enc/\(rendition)")
                let clear = try Data(contentsOf: folder.appendingPathComponent("init.mp4")) + Data(contentsOf: folder.appendingPathComponent("seg-1.m4s"))
                let clearFile = work.appendingPathComponent("\(rendition)-clear.mp4")
                try clear.write(to: clearFile)
                for scheme in ["cenc", "cbcs"] {
                    let initBytes = try await fetch(server.port, "/vod/enc/v1/\(rendition)/init.mp4?scheme=\(scheme)").body
                    let segment = try await fetch(server.port, "/vod/enc/v1/\(rendition)/seg-1.m4s?scheme=\(scheme)").body
                    let input = work.appendingPathComponent("\(rendition)-\(scheme).mp4")
                    try Data(initBytes + segment).write(to: input)
                    let mpd = try await fetch(server.port, "/vod/enc/manifest.mpd?scheme=\(scheme)").text
                    let kid = try #require(mpd.firstMatch(of: /cenc:default_KID="([0-9a-f-]{36})"/)?.1).replacing("-", with: "")
                    let key = try await fetch(server.port, "/keys/\(kid)").body.map { String(format: "%02x", $0) }.joined()
                    let output = work.appendingPathComponent("\(rendition)-\(scheme)-decrypted.mp4")
                    let result = try await runAsync(packager, ["in=\(input.path),stream=\(stream),output=\(output.path)",
                                                    "--enable_raw_key_decryption", "--keys", "key_id=\(kid):key=\(key)"])
                    #expect(result.status == 0, "\(rendition) \(scheme): \(result.stderr)")
                    let decrypted = try await packetHashes(output.path)
                    #expect(!decrypted.isEmpty)
                    #expect(decrypted == (try await packetHashes(clearFile.path)), "\(rendition) \(scheme)")
                    #expect(try await packetHashes(input.path) != decrypted, "\(rendition) \(scheme): the input was not encrypted")
                }
            }
        }
    }

    /// MD5 of every packet's bytes (`-c copy`), i.e. the samples as stored.
    func packetHashes(_ path: String) async throws -> [String] {
        let result = try await runAsync("ffmpeg", ["-v", "quiet", "-i", path, "-map", "0:0", "-c", "copy", "-f", "framemd5", "-"])
        return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .compactMap { $0.split(separator: ",").last?.trimmingCharacters(in: .whitespaces) }
    }

    @Test func masterKeyIsCheckedAtStartUp() async throws {
        try await withEncryptedAsset { data in
            // Without a master key: the server starts, and the encrypted asset answers 503 saying why.
            do {
                let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey)
                defer { server.terminate() }
                let manifest = try await fetch(server.port, "/vod/enc/master.m3u8")
                #expect(manifest.status == 503)
                #expect(manifest.text.contains("drm.master_key"), "\(manifest.text)")
            }
            // The first master key seals the check value (and a key).
            do {
                let server = try ServerProcess(dataDirectory: data, apiKey: Self.apiKey, extra: ["--set", "drm.master_key=\(Self.master)"])
                defer { server.terminate() }
                #expect(try await fetch(server.port, "/vod/enc/master.m3u8").status == 200)
            }
            // Another one: one clear line and a non-zero exit.
            let wrong = try runWithDeadline(TestMedia.mediaserveBinary.path, [
                "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data.path, "--set", "rtmp.port=0", "--set", "api.key=\(Self.apiKey)",
                "--set", "srt.enabled=false", "--set", "drm.master_key=\(String(repeating: "4d", count: 32))"], seconds: 60)
            #expect(wrong.status != 0)
            let lines = wrong.stderr.split(separator: "\n")
            #expect(lines.count == 1 && wrong.stderr.contains("drm.master_key does not open"), "\(wrong.stderr)")
            let malformed = try runWithDeadline(TestMedia.mediaserveBinary.path, [
                "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data.path, "--set", "rtmp.port=0", "--set", "api.key=\(Self.apiKey)",
                "--set", "srt.enabled=false", "--set", "drm.master_key=tooshort"], seconds: 60)
            #expect(malformed.status != 0)
            #expect(malformed.stderr.contains("32 bytes"), "\(malformed.stderr)")
        }
    }
}

/// xmllint against `../shared/schemas/dash/DASH-MPD.xsd` above the package root (MEDIASERVE_DASH_XSD overrides),
/// run off Swift's cooperative pool (`runAsync`) like every child a test waits for while servers run in-process.
func validateMPD(_ text: String) async throws {
    var schema = ProcessInfo.processInfo.environment["MEDIASERVE_DASH_XSD"] ?? ""
    var dir = TestMedia.packageRoot
    while schema.isEmpty, dir.pathComponents.count > 1 {
        dir.deleteLastPathComponent()
        let candidate = dir.appendingPathComponent("shared/schemas/dash/DASH-MPD.xsd").path
        if FileManager.default.fileExists(atPath: candidate) { schema = candidate }
    }
    #expect(!schema.isEmpty, "DASH-MPD.xsd not found above \(TestMedia.packageRoot.path)")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("mpd-\(UUID().uuidString).mpd")
    try Data(text.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try await runAsync("xmllint", ["--noout", "--schema", schema, file.path])
    #expect(result.status == 0, "MPD does not validate: \(result.stderr)")
}

func hexBytes(_ text: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
        bytes.append(byte)
        index = next
    }
    return bytes
}

/// AES-128-CBC decryption by the openssl program (an implementation independent of ours).
func openssl(_ bytes: [UInt8], key: String, iv: String) async throws -> [UInt8] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(bytes).write(to: dir.appendingPathComponent("in"))
    let result = try await runAsync("openssl", ["enc", "-d", "-aes-128-cbc", "-K", key, "-iv", iv,
                                     "-in", dir.appendingPathComponent("in").path, "-out", dir.appendingPathComponent("out").path])
    guard result.status == 0 else { throw ServerProcessError.noBanner("openssl: \(result.stderr)") }
    return try [UInt8](Data(contentsOf: dir.appendingPathComponent("out")))
}

/// Runs a program that is expected to exit by itself; kills it (and fails) after `seconds`.
func runWithDeadline(_ program: String, _ arguments: [String], seconds: Double) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let err = Pipe(), out = Pipe()
    process.standardError = err
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    if exited.wait(timeout: .now() + seconds) == .timedOut {
        process.terminate()
        process.waitUntilExit()
        Issue.record("\(program) \(arguments.first ?? "") did not exit within \(seconds) s")
    }
    let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, errText)
}
