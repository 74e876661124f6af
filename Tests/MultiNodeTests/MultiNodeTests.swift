import Foundation
import Testing
import TestSupport
@testable import S3

/// Issue 14's multi-node test: one shared S3 bucket (rclone serve s3, then moto) and one PostgreSQL 15
/// catalog, two origins, two workers and one live node, each `mediaserve serve --roles ...` as its own
/// process with its own data directory on loopback. Upload through origin A; one worker takes the job and
/// is killed (SIGKILL) mid-job; the other takes it over when the lease lapses and publishes it once;
/// ffprobe decodes HLS and DASH from origin B; a replace (`mediaserve ingest --replace` with the same
/// configuration) reaches both origins; an RTMP publish to the live node plays from origin B; a delete
/// removes the objects.
///
/// Slow (two transcodes, five servers, an RTMP publish): `make test-multinode` runs it
/// (MEDIASERVE_MULTINODE=1); `make test` runs `NodeRolesTests` only.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MEDIASERVE_MULTINODE"] == "1"))
struct MultiNodeTests {
    static let apiKey = "multinode-api-key-0123456789"
    static let streamKey = "multinode-stream-key-0123456789"

    @Test(arguments: S3TestServer.Kind.allCases)
    func uploadTranscodeServeReplaceLiveDelete(kind: S3TestServer.Kind) async throws {
        let s3 = try S3TestServer(kind)
        defer { s3.server.stop() }
        let bucket = try S3Endpoint(endpoint: s3.endpoint, region: "us-east-1", bucket: "media", pathStyle: true)
        let client = S3Client(endpoint: bucket, credentials: S3Credentials(accessKeyID: s3.accessKey, secretAccessKey: s3.secretKey),
                              retry: RetryPolicy(attempts: 2, baseMilliseconds: 50))
        try await client.createBucket()
        let root = try temporaryDirectory("multinode-\(kind.rawValue)")
        defer { try? FileManager.default.removeItem(at: root) }
        let ladder = root.appendingPathComponent("ladder.yaml")
        try Self.ladderText.write(to: ladder, atomically: true, encoding: .utf8)
        let streams = root.appendingPathComponent("streams.yaml")
        try "streams:\n  - id: arena\n    key: \(Self.streamKey)\n    dvr_window_seconds: 120\n".write(to: streams, atomically: true, encoding: .utf8)
        let postgres = try PostgresTestServer()
        defer { postgres.server.stop() }
        let environment = s3.environment.merging([
            "MEDIASERVE_CATALOG_URL": postgres.url,
            "MEDIASERVE_CATALOG_JOB_LEASE_SECONDS": "6",
            "MEDIASERVE_STORAGE_URL": "s3://media/site",
            "MEDIASERVE_STORAGE_S3_ENDPOINT": s3.endpoint,
            "MEDIASERVE_STORAGE_S3_PATH_STYLE": "true",
            "MEDIASERVE_API_KEY": Self.apiKey,
            "MEDIASERVE_LADDER": ladder.path,
            "MEDIASERVE_INGEST_WORKERS": "1",
            "MEDIASERVE_LIVE_SEGMENT_SECONDS": "2",
        ]) { _, new in new }

        func node(_ name: String, _ roles: String, _ extra: [String] = []) throws -> NodeProcess {
            try NodeProcess(name, roles: roles, root: root, environment: environment, extra: extra)
        }
        let originA = try node("origin-a", "origin")
        defer { originA.stop() }
        let originB = try node("origin-b", "origin")
        defer { originB.stop() }
        let workers = [try node("worker-1", "worker"), try node("worker-2", "worker")]
        defer { workers.forEach { $0.stop() } }
        let live = try node("live", "live", ["--set", "live.streams_file=\(streams.path)"])
        defer { live.stop() }

        // A node without the origin role answers its operations routes only.
        #expect(try HTTP.get("\(workers[0].base)/healthz").status == 200)
        #expect(try HTTP.get("\(workers[0].base)/api/v1/assets", headers: ["Authorization: Bearer \(Self.apiKey)"]).status == 404)

        // Upload through origin A: the body reaches the bucket (uploads/), one worker takes the job and dies
        // mid-job (SIGKILL: no clean-up, no lease released); the other takes it over once the lease lapses.
        let source = try TestMedia.file("1080p25_stereo.mp4")
        let upload = try HTTP.get("\(originA.base)/api/v1/assets?id=clip", headers: ["Authorization: Bearer \(Self.apiKey)"],
                                  method: "POST", bodyFile: source)
        #expect(upload.status == 202, "upload: \(upload.body)")
        let job = try #require(try Self.json(upload.body)["id"] as? String)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: originA.data.appendingPathComponent("uploads").path)) ?? []).isEmpty,
                "origin A keeps no copy of the body: it is in the bucket")
        var ranOn: Set<String> = []
        var fetched: Set<String> = []
        var killed: String?
        let done = try await eventually(timeout: .seconds(600), poll: .milliseconds(200)) {
            for worker in workers where FileManager.default.fileExists(atPath: worker.data.appendingPathComponent("staging/job-\(job)").path) {
                ranOn.insert(worker.name)
                if killed == nil {
                    worker.kill9()
                    killed = worker.name
                }
            }
            for worker in workers where !((try? FileManager.default.contentsOfDirectory(atPath: worker.data.appendingPathComponent("uploads").path)) ?? []).isEmpty {
                fetched.insert(worker.name)
            }
            let state = try Self.json(HTTP.get("\(originA.base)/api/v1/jobs/\(job)", headers: ["Authorization: Bearer \(Self.apiKey)"]).body)["state"] as? String
            #expect(state != "failed", "job failed: \(workers.map(\.output.text).joined(separator: "\n").suffix(3_000))")
            return state == "succeeded" || state == "failed"
        }
        #expect(done, "the job did not finish: \(workers.map(\.output.text).joined(separator: "\n").suffix(3_000))")
        #expect(killed != nil && ranOn.count == 2, "the job started on one worker, was killed, and finished on the other: \(ranOn.sorted())")
        #expect(fetched == ranOn, "each worker that ran it fetched the body from the bucket: \(fetched.sorted())")
        #expect(try await client.list(prefix: "site/uploads/").isEmpty, "the upload's copy in the bucket is deleted after the publish")
        let folders = Set(try await client.list(prefix: "site/vod/clip/").compactMap { object -> String? in
            let parts = object.key.split(separator: "/")
            return parts.count > 4 ? String(parts[3]) : nil
        })
        #expect(folders.count == 1, "exactly one published version folder: \(folders)")

        // Origin B (which took no part) serves it: ffprobe decodes HLS and DASH.
        for manifest in ["master.m3u8", "manifest.mpd"] {
            #expect(try Self.decodedFrames("\(originB.base)/vod/clip/\(manifest)") > 400, "\(manifest) from origin B")
        }

        // A replace through the CLI with the same configuration reaches both origins.
        let replaceData = root.appendingPathComponent("cli")
        let replace = try run(TestMedia.mediaserveBinary.path, ["ingest", try TestMedia.file("720p5994.mp4").path, "--data-dir", replaceData.path,
                                                                "--id", "clip", "--replace", "--copy"], environment: environment)
        #expect(replace.status == 0, "replace: \(replace.stderr)")
        for origin in [originA, originB] {
            let replaced = try await eventually(timeout: .seconds(10), poll: .milliseconds(100)) {
                try HTTP.get("\(origin.base)/vod/clip/master.m3u8").body.contains("v2/")
            }
            #expect(replaced, "\(origin.name) still lists the first version")
        }
        #expect(try Self.decodedFrames("\(originA.base)/vod/clip/manifest.mpd") > 250, "the replaced asset (5 s at 59.94) from origin A")

        // Live: RTMP into the live node; origin B serves the stream from the bucket.
        let rtmp = try #require(live.rtmpPort)
        let publish = try await runAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-re",
                                                    "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
                                                    "-t", "8", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac",
                                                    "-f", "flv", "rtmp://127.0.0.1:\(rtmp)/live/\(Self.streamKey)"])
        #expect(publish.status == 0, "ffmpeg publish: \(publish.stderr)")
        let listed = try await eventually(timeout: .seconds(20), poll: .milliseconds(200)) {
            try HTTP.get("\(originB.base)/live/arena/master.m3u8").status == 200
        }
        #expect(listed, "origin B lists no live stream: \(live.output.text.suffix(2_000))")
        #expect(try Self.decodedFrames("\(originB.base)/live/arena/master.m3u8") > 100, "live from origin B")

        // A delete through origin A removes the asset's objects; origin B stops serving it.
        let delete = try HTTP.get("\(originA.base)/api/v1/assets/clip", headers: ["Authorization: Bearer \(Self.apiKey)"], method: "DELETE")
        #expect(delete.status == 204, "delete: \(delete.body)")
        #expect(try await client.list(prefix: "site/vod/clip/").isEmpty)
        let gone = try await eventually(timeout: .seconds(10), poll: .milliseconds(100)) {
            try HTTP.get("\(originB.base)/vod/clip/master.m3u8").status == 404
        }
        #expect(gone, "origin B still serves the deleted asset")
    }

    /// Two small rungs: long enough to be killed mid-job, short enough for a loaded machine.
    static let ladderText = """
        segment_seconds: 2
        preset: ultrafast
        max_frame_rate: 30
        audio: { codec: aac-lc, bitrate_kbps: 96, sample_rate: 48000, channels: 2 }
        rungs:
          - { height: 240, video_kbps: 300, profile: main }
          - { height: 360, video_kbps: 600, profile: main }

        """

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    /// Video frames ffprobe decodes from a manifest URL (0 when it cannot).
    static func decodedFrames(_ url: String) throws -> Int {
        let probe = try run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                        "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", url])
        return Int(probe.stdout.split(separator: "\n").first?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
    }
}
