import Foundation
import Testing
import TestSupport
import Yams
@testable import Origin

/// The whole path through the real binary: upload -> ingest job -> published asset -> manifests that
/// ffprobe reads and decodes, the API with and without its key, deletion, and a restart mid-queue.
@Suite(.serialized) struct OriginEndToEndTests {
    static let key = "e2e-key-0123456789"
    static var auth: [(String, String)] { [("Authorization", "Bearer \(key)")] }
    static var sample: [UInt8] { Array(try! Data(contentsOf: TestMedia.committed.appendingPathComponent("sample.mp4"))) }

    func withServer(extra: [String] = [], _ body: (ServerProcess) async throws -> Void) async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try ServerProcess(dataDirectory: data, apiKey: Self.key, extra: extra)
        defer { server.terminate() }
        try await body(server)
    }

    func json(_ response: ClientResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// Polls a job until it leaves queued/running; returns its last JSON.
    func waitForJob(_ port: Int, _ id: String, seconds: Double = 120) async throws -> [String: Any] {
        var job: [String: Any] = [:]
        let finished = try await eventually(timeout: .seconds(seconds), poll: .milliseconds(250)) {
            job = try json(try await fetch(port, "/api/v1/jobs/\(id)", headers: Self.auth))
            guard let state = job["state"] as? String else { return false }
            return state != "queued" && state != "running"
        }
        guard finished else {
            Issue.record("job \(id) did not finish in \(seconds) s")
            return [:]
        }
        return job
    }

    func upload(_ port: Int, id: String, query: String = "", bytes: [UInt8] = OriginEndToEndTests.sample) async throws -> String {
        let response = try await fetch(port, "/api/v1/assets?id=\(id)\(query)", method: .POST, headers: Self.auth, body: bytes)
        #expect(response.status == 202, "\(response.text)")
        #expect(response.header("Location")?.hasPrefix("/api/v1/jobs/") == true)
        return try #require(try json(response)["id"] as? String)
    }

    @Test func uploadIngestPlayDelete() async throws {
        try await withServer { server in
            let port = server.port
            #expect(try await fetch(port, "/api/v1/assets").status == 401)
            #expect(try await fetch(port, "/api/v1/assets", headers: [("Authorization", "Bearer nope")]).status == 401)

            let jobID = try await upload(port, id: "clip-one")
            let job = try await waitForJob(port, jobID)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            #expect(job["percent"] as? Double == 100)

            let list = try json(try await fetch(port, "/api/v1/assets", headers: Self.auth))
            let assets = try #require(list["assets"] as? [[String: Any]])
            #expect(assets.map { $0["id"] as? String } == ["clip-one"])
            let asset = try json(try await fetch(port, "/api/v1/assets/clip-one", headers: Self.auth))
            #expect(asset["state"] as? String == "ready")
            #expect(abs((asset["durationSeconds"] as? Double ?? 0) - 2) < 0.3)
            let playback = try #require(asset["playback"] as? [String: String])
            #expect(playback["hls"] == "/vod/clip-one/master.m3u8")
            #expect(playback["dash"] == "/vod/clip-one/manifest.mpd")
            let renditions = try #require(asset["renditions"] as? [[String: Any]])
            #expect(Set(renditions.compactMap { $0["kind"] as? String }) == ["video", "audio"])

            // ffprobe reads both manifests over HTTP and decodes every frame of the video.
            for manifest in ["master.m3u8", "manifest.mpd"] {
                let url = "http://127.0.0.1:\(port)/vod/clip-one/\(manifest)"
                let probe = try await ffprobeJSONAsync(url, extra: ["-count_frames", "-select_streams", "v:0"])
                let stream = try #require((probe["streams"] as? [[String: Any]])?.first)
                #expect(stream["codec_name"] as? String == "h264")
                let frames = Int(stream["nb_read_frames"] as? String ?? "") ?? 0
                #expect(frames >= 45, "\(manifest): decoded \(frames) frames")
                let decode = try await runAsync("ffmpeg", ["-v", "error", "-i", url, "-f", "null", "-"])
                #expect(decode.status == 0 && decode.stderr.isEmpty, "\(manifest): \(decode.stderr)")
            }
            let master = try await fetch(port, "/vod/clip-one/master.m3u8")
            #expect(master.header("Content-Type") == "application/vnd.apple.mpegurl")
            #expect(master.text.hasPrefix("#EXTM3U"))
            let filtered = try await fetch(port, "/vod/clip-one/master.m3u8?max_height=nonsense")
            #expect(filtered.status == 400)

            #expect(try await fetch(port, "/api/v1/assets/clip-one", method: .DELETE).status == 401)
            #expect(try await fetch(port, "/api/v1/assets/clip-one", method: .DELETE, headers: Self.auth).status == 204)
            #expect(try await fetch(port, "/api/v1/assets/clip-one", headers: Self.auth).status == 404)
            #expect(try await fetch(port, "/vod/clip-one/master.m3u8").status == 404)
            #expect(!FileManager.default.fileExists(atPath: server.dataDirectory.appendingPathComponent("vod/clip-one").path))

            // The preview page lists what is published; the upload's query set its catalogue metadata.
            let metadata = "&title=Harbour%20at%20dawn&description=Boats%20leave%20the%20quay&tag=sea&tag=travel"
            _ = try await waitForJob(port, try await upload(port, id: "clip-two", query: metadata))
            let page = try await fetch(port, "/")
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.text.contains("\"id\":\"clip-two\"") && !page.text.contains("clip-one"))
            let found = try json(try await fetch(port, "/api/v1/content?q=quay"))
            let items = try #require(found["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == ["clip-two"])
            #expect(items.first?["title"] as? String == "Harbour at dawn")
            #expect(items.first?["tags"] as? [String] == ["sea", "travel"])
            // Bad metadata is refused before a byte of the body is kept.
            let refused = try await fetch(port, "/api/v1/assets?id=clip-three&title=", method: .POST, headers: Self.auth, body: Self.sample)
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.text.contains("title must be 1 to 200 characters"))
        }
    }

    @Test func uploadsAreLimitedAndBadOnesFailTheJob() async throws {
        try await withServer(extra: ["--set", "http.max_upload_bytes=100000"]) { server in
            let port = server.port
            let big = try await fetch(port, "/api/v1/assets?id=big", method: .POST, headers: Self.auth,
                                      body: [UInt8](repeating: 7, count: 300_000))
            #expect(big.status == 413)
            #expect(big.text.contains("\"error\""))
            let uploads = server.dataDirectory.appendingPathComponent("uploads")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? []
            #expect(left.isEmpty, "upload folders left behind: \(left)")
            #expect(try await fetch(port, "/api/v1/assets?id=Bad%20Id", method: .POST, headers: Self.auth, body: [1]).status == 400)
            #expect(try await fetch(port, "/api/v1/assets?id=empty", method: .POST, headers: Self.auth, body: []).status == 400)

            let junk = try await upload(port, id: "junk", bytes: Array("this is not a video\n".utf8))
            let job = try await waitForJob(port, junk)
            #expect(job["state"] as? String == "failed")
            #expect(!(job["error"] as? String ?? "").isEmpty)
            #expect(try await fetch(port, "/vod/junk/master.m3u8").status == 404)
            let metrics = try await fetch(port, "/metrics")
            #expect(metrics.text.contains(#"mediaserve_jobs{state="failed"} 1"#))
        }
    }

    @Test func restartResumesQueuedAndInterruptedJobs() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("origin-restart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var ids: [String] = []
        do {
            let first = try ServerProcess(dataDirectory: data, apiKey: Self.key)
            for name in ["r-one", "r-two", "r-three"] { ids.append(try await upload(first.port, id: name)) }
            first.kill()  // a crash: one job running or queued, the rest queued
        }
        let second = try ServerProcess(dataDirectory: data, apiKey: Self.key)
        defer { second.terminate() }
        for id in ids {
            let job = try await waitForJob(second.port, id)
            #expect(job["state"] as? String == "succeeded", "\(job)")
        }
        for name in ["r-one", "r-two", "r-three"] {
            #expect(try await fetch(second.port, "/vod/\(name)/manifest.mpd").status == 200)
        }
        let staging = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("staging").path)
        #expect(staging.isEmpty)
    }

    @Test func openAPIDocumentParsesAndNamesEveryRoute() async throws {
        try await withServer { server in
            let response = try await fetch(server.port, "/api/v1/openapi.yaml")
            #expect(response.status == 200)
            let document = try #require(try Yams.load(yaml: response.text) as? [String: Any])
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(Set(paths.keys) == ["/assets", "/assets/{id}", "/jobs/{id}", "/live-streams", "/live-streams/{id}",
                                        "/live-streams/{id}/archive", "/live-streams/{id}/failback", "/openapi.yaml", "/playback-urls"])
            let stream = try #require(paths["/live-streams/{id}"] as? [String: Any])
            #expect(stream["get"] != nil && stream["delete"] != nil)
            let assets = try #require(paths["/assets"] as? [String: Any])
            #expect(Set(assets.keys) == ["get", "post"])
            let one = try #require(paths["/assets/{id}"] as? [String: Any])
            #expect(Set(one.keys) == ["parameters", "get", "patch", "delete"])
            #expect((paths["/playback-urls"] as? [String: Any])?["post"] != nil)
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            // The Job schema's states are the catalog's.
            let job = try #require(schemas["Job"] as? [String: Any])
            let state = try #require((job["properties"] as? [String: Any])?["state"] as? [String: Any])
            #expect(Set(state["enum"] as? [String] ?? []) == ["queued", "running", "succeeded", "failed", "interrupted"])
        }
    }
}
