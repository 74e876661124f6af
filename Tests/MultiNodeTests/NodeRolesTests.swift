import Foundation
import Testing
import TestSupport

/// `serve --roles` (issue 14) through the binary, cheap enough for `make test`: a worker-only node answers
/// only its operations routes, an origin-only node opens no RTMP listener, and a role name that is not one
/// stops `serve` with one line naming the valid roles.
@Suite struct NodeRolesTests {
    @Test func aWorkerNodeAnswersOperationsOnly() throws {
        let root = try temporaryDirectory("roles-worker")
        defer { try? FileManager.default.removeItem(at: root) }
        let worker = try NodeProcess("worker", roles: "worker", root: root, environment: ["MEDIASERVE_API_KEY": "roles-api-key-0123456789"])
        defer { worker.stop() }
        #expect(worker.output.text.contains("node roles worker (no origin)"))
        for path in ["/healthz", "/readyz", "/metrics"] {
            #expect(try HTTP.get(worker.base + path).status == 200, "\(path)")
        }
        #expect(try HTTP.get(worker.base + "/vod/clip/master.m3u8").status == 404)
        #expect(try HTTP.get(worker.base + "/api/v1/assets", headers: ["Authorization: Bearer roles-api-key-0123456789"]).status == 404)
        #expect(try HTTP.get(worker.base + "/").status == 404, "no preview page")
    }

    @Test func anOriginNodeOpensNoLiveListener() throws {
        let root = try temporaryDirectory("roles-origin")
        defer { try? FileManager.default.removeItem(at: root) }
        let origin = try NodeProcess("origin", roles: "origin", root: root, environment: [:])
        defer { origin.stop() }
        #expect(try HTTP.get(origin.base + "/healthz").status == 200)
        #expect(try HTTP.get(origin.base + "/").status == 200, "the preview page")
        #expect(!origin.output.text.contains("rtmp://"), "\(origin.output.text)")
    }

    @Test func anUnknownRoleIsRefusedInOneLine() throws {
        let root = try temporaryDirectory("roles-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try run(TestMedia.mediaserveBinary.path, ["serve", "--roles", "origin,transcoder", "--port", "0", "--data-dir", root.path])
        #expect(result.status == 1)
        #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            == "mediaserve: node.roles: 'transcoder' is not a role (roles: origin, worker, live)", "\(result.stderr)")
    }
}
