import Foundation
import Testing
import TestSupport

/// `catalog.url: postgres://...` through the binary, on a real PostgreSQL 15: `mediaserve ingest` publishes
/// into the shared catalog, `serve` serves it (ffprobe reads HLS) and runs an uploaded job under a lease,
/// a replace from another process shows at once, and while PostgreSQL is down requests answer 503 quickly
/// and the server recovers by itself when it is back.
@Suite(.serialized) struct PostgresServeTests {
    static let apiKey = "mediaserve-dev-key-change-me"

    @Test func ingestServeUploadReplaceAndOutage() async throws {
        let database = try PostgresTestServer()
        defer { database.server.stop() }
        let data = try temporaryDirectory("pg-serve")
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = ["MEDIASERVE_CATALOG_URL": database.url, "MEDIASERVE_CATALOG_JOB_LEASE_SECONDS": "6"]

        let source = try TestMedia.file("720p5994.mp4")
        let ingest = try run(TestMedia.mediaserveBinary.path, ["ingest", source.path, "--data-dir", data.path, "--id", "clip", "--copy"],
                             environment: environment)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(try database.psql("SELECT version FROM assets WHERE id = 'clip'") == "1")
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("catalog.sqlite").path), "no SQLite catalog")

        let serve = try ServeProcess(data: data, environment: environment)
        defer { serve.stop() }
        let base = "http://127.0.0.1:\(serve.port)"
        #expect(try ServeProcess.status("\(base)/readyz") == 200)
        let probe = try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name",
                                        "-of", "csv=p=0", "\(base)/vod/clip/master.m3u8"])
        #expect(probe.status == 0 && probe.stdout.contains("h264"), "\(probe.stderr)")

        // An upload becomes a job the server's worker claims under a lease and publishes.
        let upload = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer \(Self.apiKey)",
                                      "--data-binary", "@\(try TestMedia.file("audio_only.m4a").path)", "\(base)/api/v1/assets?id=upload"])
        #expect(upload.stdout == "202", "\(upload.stderr)")
        let published = try await eventually(timeout: .seconds(120), poll: .milliseconds(250)) {
            (try? database.psql("SELECT state FROM jobs WHERE asset_id = 'upload'")) == "succeeded"
        }
        #expect(published, "\(serve.output.text.suffix(2_000))")
        #expect(try database.psql("SELECT attempts || ' ' || (lease_owner IS NOT NULL) FROM jobs WHERE asset_id = 'upload'") == "1 true")
        #expect(try ServeProcess.status("\(base)/vod/upload/master.m3u8") == 200)

        // Another process replaces the asset: the origin names version 2 at once.
        let replace = try run(TestMedia.mediaserveBinary.path, ["ingest", source.path, "--data-dir", data.path, "--id", "clip",
                                                                "--copy", "--replace"], environment: environment)
        #expect(replace.status == 0, "\(replace.stderr)")
        let master = try run("curl", ["-s", "\(base)/vod/clip/master.m3u8"])
        #expect(master.stdout.contains("v2/"), "\(master.stdout)")

        // The change listener loses its connection and cannot get a new one (the database takes no new
        // connections) while the pooled ones still answer: readiness says this node no longer hears other
        // nodes' publishes, replaces and deletes, and is ready again once the listener is back.
        _ = try database.psql("ALTER DATABASE \(database.database) WITH ALLOW_CONNECTIONS false", in: "template1")
        let cut = try database.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'", in: "template1")
        #expect(cut == "1", "one listening connection: \(cut)")
        let deaf = try await eventually(timeout: .seconds(20), poll: .milliseconds(200)) {
            let answer = try run("curl", ["-s", "--max-time", "8", "-w", " %{http_code}", "\(base)/readyz"]).stdout
            return answer.hasSuffix(" 503") && answer.contains("change listener")
        }
        #expect(deaf, "readiness while the listener is cut off")
        _ = try database.psql("ALTER DATABASE \(database.database) WITH ALLOW_CONNECTIONS true", in: "template1")
        #expect(try await eventually(timeout: .seconds(20), poll: .milliseconds(250)) {
            try ServeProcess.status("\(base)/readyz") == 200
        }, "ready again once the listener reconnected")

        // PostgreSQL dies: manifests and readiness answer 503 quickly, never hang.
        database.kill9()
        let refused = try await eventually(timeout: .seconds(10), poll: .milliseconds(200)) {
            try ServeProcess.status("\(base)/vod/clip/master.m3u8", maxTime: 8) == 503
        }
        #expect(refused)
        let started = ContinuousClock.now
        #expect(try ServeProcess.status("\(base)/vod/clip/master.m3u8", maxTime: 8) == 503)
        #expect(try ServeProcess.status("\(base)/readyz", maxTime: 8) == 503)
        #expect(ContinuousClock.now - started < .seconds(8))

        // Back again: the same server recovers without a restart.
        let restarted = try database.restarted()
        defer { restarted.server.stop() }
        #expect(try await eventually(timeout: .seconds(20), poll: .milliseconds(250)) {
            try ServeProcess.status("\(base)/vod/clip/master.m3u8") == 200
        })
        #expect(try ServeProcess.status("\(base)/readyz") == 200)
    }
}
