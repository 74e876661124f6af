import NIOCore
@testable import Origin
import Protection
import Synchronization
import Testing
import TestSupport

/// The encrypted-object cache on its own: what makes two requests share bytes, its bound (least recently
/// used first out), one encryption for concurrent misses, failures not kept, and an item's entries dropped.
@Suite struct EncryptedObjectCacheTests {
    static let kid = KeyID("00112233445566778899aabbccddeeff")!

    func key(_ fileName: String, owner: String = "clip", identity: String = "\"1-2-3\"", scheme: EncryptionScheme = .cenc,
             kid: KeyID = kid, fingerprint: [UInt8] = [1], period: Int = 0) -> EncryptedObjectKey {
        EncryptedObjectKey(tree: "vod", owner: owner, rendition: "video", fileName: fileName, clearIdentity: identity, initName: "init.mp4",
                           scheme: scheme, kid: kid, keyFingerprint: fingerprint, period: period, ivRule: SegmentEncryption.ivRule)
    }

    func buffer(_ count: Int, _ fill: UInt8) -> ByteBuffer { ByteBuffer(bytes: [UInt8](repeating: fill, count: count)) }

    @Test func aRepeatIsAHitAndAnythingThatChangesTheBytesIsAMiss() async throws {
        let cache = EncryptedObjectCache(maxBytes: 1 << 20)
        let made = Shared(0)
        func get(_ key: EncryptedObjectKey) async throws -> ByteBuffer {
            try await cache.bytes(for: key) {
                let n = made.value.withLock { $0 += 1; return $0 }
                return ByteBuffer(bytes: [UInt8(n)])
            }
        }
        let first = try await get(key("seg-1.m4s"))
        #expect(try await get(key("seg-1.m4s")) == first)
        #expect(made.value.withLock { $0 } == 1)
        // Each of these names other bytes: a replaced file, another scheme, key id, key, period, segment.
        let others = [key("seg-1.m4s", identity: "\"1-2-4\""), key("seg-1.m4s", scheme: .cbcs),
                      key("seg-1.m4s", kid: KeyID("ffeeddccbbaa99887766554433221100")!), key("seg-1.m4s", fingerprint: [2]),
                      key("seg-1.m4s", period: 1), key("seg-2.m4s"), key("seg-1.m4s", owner: "other")]
        for other in others { #expect(try await get(other) != first) }
        #expect(made.value.withLock { $0 } == 1 + others.count)
        #expect(cache.statistics.hits == 1)
        #expect(cache.statistics.misses == 1 + others.count)
    }

    @Test func staysWithinItsBoundDroppingTheLeastRecentlyUsed() async throws {
        let cache = EncryptedObjectCache(maxBytes: 300)
        for name in ["a", "b", "c"] { _ = try await cache.bytes(for: key(name)) { self.buffer(100, 1) } }
        _ = try await cache.bytes(for: key("a")) { Issue.record("a should be cached"); return self.buffer(100, 1) }
        _ = try await cache.bytes(for: key("d")) { self.buffer(100, 1) }  // evicts b, the least recently used
        #expect(cache.statistics.bytes == 300)
        #expect(cache.statistics.entries == 3)
        #expect(cache.statistics.evictions == 1)
        let remade = Shared<[String]>([])
        for name in ["a", "c", "d", "b"] {
            _ = try await cache.bytes(for: key(name)) { remade.value.withLock { $0.append(name) }; return self.buffer(100, 1) }
        }
        #expect(remade.value.withLock { $0 } == ["b"])
        // An object larger than the whole bound is served but not kept.
        _ = try await cache.bytes(for: key("big")) { self.buffer(301, 2) }
        #expect(cache.statistics.bytes <= 300)
    }

    @Test func concurrentMissesShareOneEncryption() async throws {
        let cache = EncryptedObjectCache(maxBytes: 1 << 20)
        let made = Shared(0)
        let wanted = key("seg-1.m4s")
        let (gate, opened) = AsyncStream<Void>.makeStream()
        let results = try await withThrowingTaskGroup(of: ByteBuffer.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await cache.bytes(for: wanted) {
                        made.value.withLock { $0 += 1 }
                        for await _ in gate { break }  // held until every request has asked
                        return ByteBuffer(bytes: [7, 7])
                    }
                }
            }
            // Every request has looked the key up once the statistics count 8 lookups.
            let asked = await eventually(timeout: .seconds(10), poll: .milliseconds(5)) { cache.statistics.hits + cache.statistics.misses == 8 }
            #expect(asked, "all 8 requests looked the key up")
            opened.yield()
            opened.finish()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0 == ByteBuffer(bytes: [7, 7]) })
        #expect(made.value.withLock { $0 } == 1)
    }

    @Test func failuresAreNotKeptAndAnItemCanBeDropped() async throws {
        struct Failure: Error {}
        let cache = EncryptedObjectCache(maxBytes: 1 << 20)
        await #expect(throws: Failure.self) { try await cache.bytes(for: key("seg-1.m4s")) { throw Failure() } }
        #expect(try await cache.bytes(for: key("seg-1.m4s")) { ByteBuffer(bytes: [1]) } == ByteBuffer(bytes: [1]))
        _ = try await cache.bytes(for: key("seg-1.m4s", owner: "other")) { ByteBuffer(bytes: [3]) }
        cache.removeAll(tree: "vod", owner: "clip")
        #expect(try await cache.bytes(for: key("seg-1.m4s")) { ByteBuffer(bytes: [2]) } == ByteBuffer(bytes: [2]))
        #expect(try await cache.bytes(for: key("seg-1.m4s", owner: "other")) { ByteBuffer(bytes: [4]) } == ByteBuffer(bytes: [3]))
    }

    @Test func zeroBytesMeansNoCache() async throws {
        let cache = EncryptedObjectCache(maxBytes: 0)
        #expect(try await cache.bytes(for: key("s")) { ByteBuffer(bytes: [1]) } == ByteBuffer(bytes: [1]))
        #expect(try await cache.bytes(for: key("s")) { ByteBuffer(bytes: [2]) } == ByteBuffer(bytes: [2]))
    }
}

/// A value the test and the cache's encryption tasks both touch.
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}
