import Catalog
import Foundation
import Testing

/// The encryption tables: flags per item, sealed keys with first-writer-wins per (owner, period), the
/// master-key check stored once.
@Suite struct ContentKeyCatalogTests {
    @Test(arguments: Backend.allCases) func flagsKeysAndCheck(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        #expect(try !catalog.hasEncryptedItems())
        try catalog.setEncrypted(ownerKind: "vod", ownerID: "a", true)
        try catalog.setEncrypted(ownerKind: "vod", ownerID: "a", true)
        #expect(try catalog.isEncrypted(ownerKind: "vod", ownerID: "a"))
        #expect(try !catalog.isEncrypted(ownerKind: "live", ownerID: "a"))
        #expect(try catalog.hasEncryptedItems())

        let first = StoredContentKey(ownerKind: "vod", ownerID: "a", period: 0, kid: String(repeating: "1", count: 32), sealed: [1, 2, 3])
        let rival = StoredContentKey(ownerKind: "vod", ownerID: "a", period: 0, kid: String(repeating: "2", count: 32), sealed: [4])
        #expect(try catalog.insertContentKey(first) == first)
        #expect(try catalog.insertContentKey(rival) == first, "the first key of a period stays")
        #expect(try catalog.contentKey(kid: rival.kid) == nil)
        #expect(try catalog.contentKey(kid: first.kid) == first)
        let next = StoredContentKey(ownerKind: "vod", ownerID: "a", period: 1, kid: String(repeating: "3", count: 32), sealed: [5], signalling: "[{}]")
        #expect(try catalog.insertContentKey(next) == next)
        #expect(try catalog.contentKey(ownerKind: "vod", ownerID: "a", period: 1) == next)
        try catalog.deleteContentKeys(ownerKind: "vod", ownerID: "a")
        #expect(try catalog.contentKey(kid: first.kid) == nil)

        #expect(try catalog.masterKeyCheck(storingIfAbsent: nil) == nil)
        #expect(try catalog.masterKeyCheck(storingIfAbsent: [9, 9]) == [9, 9])
        #expect(try catalog.masterKeyCheck(storingIfAbsent: [7]) == [9, 9])
        try catalog.setEncrypted(ownerKind: "vod", ownerID: "a", false)
        #expect(try !catalog.hasEncryptedItems())
    }
}
