import Foundation
import Testing
import TestSupport
@testable import S3

/// `storage.url: s3://...` through the binary: `mediaserve ingest` publishes into a real bucket (moto),
/// `mediaserve serve` with the same configuration serves it (ffprobe decodes HLS and DASH from the
/// origin), `/readyz` reports the bucket, and a stopped store fails the readiness check at once.
@Suite(.serialized) struct S3ServeTests {
    @Test func ingestAndServeFromABucket() async throws {
        let server = try S3TestServer(.moto)
        defer { server.server.stop() }
        let endpoint = try S3Endpoint(endpoint: server.endpoint, region: "us-east-1", bucket: "media", pathStyle: true)
        let client = S3Client(endpoint: endpoint, credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey),
                              retry: RetryPolicy(attempts: 2, baseMilliseconds: 50))
        try await client.createBucket()
        let data = try temporaryDirectory("s3-serve")
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = server.environment.merging([
            "MEDIASERVE_STORAGE_URL": "s3://media/site",
            "MEDIASERVE_STORAGE_S3_ENDPOINT": server.endpoint,
            "MEDIASERVE_STORAGE_S3_PATH_STYLE": "true",
            "MEDIASERVE_STORAGE_CACHE_MAX_BYTES": "50MiB",
        ]) { _, new in new }

        let source = try TestMedia.file("720p5994.mp4")
        let ingest = try run(TestMedia.mediaserveBinary.path, ["ingest", source.path, "--data-dir", data.path, "--id", "clip",
                                                               "--copy", "--json"], environment: environment)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let keys = try await client.list(prefix: "site/vod/clip/").map(\.key)
        #expect(keys.contains("site/vod/clip/current"))
        #expect(keys.contains { $0.hasSuffix("/init.mp4") } && keys.contains { $0.hasSuffix("/seg-1.m4s") })
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("vod/clip").path))

        let serve = try ServeProcess(data: data, environment: environment)
        defer { serve.stop() }
        let base = "http://127.0.0.1:\(serve.port)"
        #expect(try await httpStatus("\(base)/readyz") == 200)
        for manifest in ["master.m3u8", "manifest.mpd"] {
            let probe = try run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", "\(base)/vod/clip/\(manifest)"])
            #expect(probe.status == 0, "\(manifest): \(probe.stderr)")
            #expect((Int(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first ?? "") ?? 0) > 200,
                    "\(manifest): \(probe.stdout)")
        }

        // The store goes away: readiness says so quickly instead of hanging.
        server.server.kill9()
        let started = ContinuousClock.now
        #expect(try await httpStatus("\(base)/readyz") == 503)
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    func httpStatus(_ url: String) async throws -> Int {
        let result = try run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30", url])
        return Int(result.stdout) ?? 0
    }
}
