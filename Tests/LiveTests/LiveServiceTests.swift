import Catalog
import Foundation
import LiveSegmenting
import MediaCore
import SRTKit
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
        let states = RecordedEvents<LiveStreamState?>()
        let timer = ManualTimer()
        let service = LiveService(
            settings: .init(rtmp: RTMPServerConfiguration(host: "127.0.0.1", port: 0), disconnectTimeout: 30),
            data: data, catalog: catalog, sleep: timer.sleep,
            observer: { event in
                log.append(event)
                states.append((try? catalog.liveStream(id: stream))??.state)
            })
        let port = try await service.start().rtmp
        #expect(try catalog.liveStream(id: stale)?.state == .ended)  // its publisher went with the last process

        // Refused: the server's answer reaches the publisher (ffmpeg prints the onStatus description).
        let refused = try await publish(port: port, key: "k-wrong", seconds: 1)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("unknown stream key"), "ffmpeg: \(refused.stderr)")
        #expect(log.all.isEmpty, "a refused publisher must not start a publication")
        // Positive control: the same publisher with the catalog's key is accepted.
        let result = try await publish(port: port, key: "k-5ecret", seconds: 7)
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        #expect(await log.wait(timeout: 10) { $0.contains(where: \.isPublishEnded) })
        #expect(states.all.first == .live)  // set before the first event reached the observer
        #expect(try catalog.liveStream(id: stream)?.state == .idle)
        // The disconnect timer is armed with the configured timeout; until it fires the stream stays idle.
        #expect(await timer.requests.wait(timeout: 10) { !$0.isEmpty })
        #expect(timer.requests.all == [.seconds(30)])
        #expect(try catalog.liveStream(id: stream)?.state == .idle)
        timer.fire()
        #expect(await log.wait(timeout: 10) { _ in (try? catalog.liveStream(id: stream))??.state == .ended })

        let indexes = service.streams.indexes(for: stream)
        #expect(indexes.first?.segments.map(\.number) == [1, 2])
        let first = data.liveDirectory(stream).appendingPathComponent("video/seg-1.m4s")
        #expect(FileManager.default.fileExists(atPath: first.path))
        try await assertDecodable(indexes, root: data.liveDirectory(stream), scratch: directory)
        try await service.shutdown()
    }

    /// One service owns both listeners: an SRT caller is checked against the same catalog keys, moves the
    /// same catalog states, and the service's shutdown ends it too.
    @Test func srtListenerSharesKeysAndStates() async throws {
        let directory = try temporaryDirectory("service-srt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try DataDirectory(root: directory)
        let catalog = try Catalog.inMemory()
        let stream = SafeName("field")!
        _ = try catalog.createLiveStream(LiveStreamRecord(id: stream, key: "k-srt-0123456789", dvrWindowSeconds: 3600))
        let log = EventLog()
        let timer = ManualTimer()
        let service = LiveService(
            settings: .init(rtmp: RTMPServerConfiguration(host: "127.0.0.1", port: 0),
                            srt: SRTServerConfiguration(host: "127.0.0.1", port: 0), disconnectTimeout: 30),
            data: data, catalog: catalog, sleep: timer.sleep, observer: { log.append($0) })
        let ports = try await service.start()
        let srtPort = try #require(ports.srt)

        #expect(SRTServerTests.rejection(try await SRTServerTests.call(srtPort, streamID: "k-unknown")) == .notFound)
        #expect(log.all.isEmpty)
        let caller = try await SRTServerTests.call(srtPort, streamID: "k-srt-0123456789").get()
        #expect(await log.wait(timeout: 10) { $0.contains(.publishStarted(stream: stream)) })
        #expect(try catalog.liveStream(id: stream)?.state == .live)
        caller.close()
        #expect(await log.wait(timeout: 10) { $0.contains(where: \.isPublishEnded) })
        #expect(try catalog.liveStream(id: stream)?.state == .idle)
        #expect(await timer.requests.wait(timeout: 10) { !$0.isEmpty })
        try await service.shutdown()
    }
}
