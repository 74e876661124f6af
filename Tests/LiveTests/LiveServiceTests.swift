import Catalog
import Foundation
import MediaCore
import Storage
import Testing
import TestSupport
@testable import Live

/// Live ingest wired to the catalog and the data directory, as `serve` runs it.
@Suite struct LiveServiceTests {
    @Test func catalogKeysStatesAndDataDirectory() async throws {
        let directory = try temporaryDirectory("service")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try DataDirectory(root: directory)
        let catalog = try Catalog.inMemory()
        let stream = SafeName("show")!
        _ = try catalog.createLiveStream(LiveStreamRecord(id: stream, key: "k-5ecret", dvrWindowSeconds: 3600))
        let stale = SafeName("left-over")!
        _ = try catalog.createLiveStream(LiveStreamRecord(id: stale, key: "k-other", state: .live, dvrWindowSeconds: 60))
        let log = EventLog()
        let states = StateLog()
        let service = LiveService(
            settings: .init(rtmp: RTMPServerConfiguration(host: "127.0.0.1", port: 0), disconnectTimeout: 1),
            data: data, catalog: catalog,
            observer: { event in
                log.append(event)
                states.record((try? catalog.liveStream(id: stream))??.state)
            })
        let port = try await service.start()
        #expect(try catalog.liveStream(id: stale)?.state == .ended)  // its publisher went with the last process

        let refused = try await publish(port: port, key: "k-wrong", seconds: 1)
        #expect(refused.status != 0)
        let result = try await publish(port: port, key: "k-5ecret", seconds: 7)
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        #expect(await log.wait(timeout: 10) { $0.contains(where: \.isPublishEnded) })
        #expect(states.all.first == .live)  // set before the first event reached the observer
        #expect(try catalog.liveStream(id: stream)?.state == .idle)
        try await Task.sleep(for: .seconds(1.5))
        #expect(try catalog.liveStream(id: stream)?.state == .ended)

        let indexes = service.streams.indexes(for: stream)
        #expect(indexes.first?.segments.map(\.number) == [1, 2])
        let first = data.liveDirectory(stream).appendingPathComponent("video/seg-1.m4s")
        #expect(FileManager.default.fileExists(atPath: first.path))
        try await assertDecodable(indexes, root: data.liveDirectory(stream), scratch: directory)
        try await service.shutdown()
    }
}

final class StateLog: Sendable {
    private let states = NIOLockedValueBoxShim<[LiveStreamState?]>([])
    func record(_ state: LiveStreamState?) { states.mutate { $0.append(state) } }
    var all: [LiveStreamState?] { states.value }
}
