import Foundation
import GRDB
import MediaCore
import Testing
@testable import Catalog

/// `syncConfiguredLiveStreams`: the streams file made true in the catalog without touching streams it does
/// not list, and the v3 migration that marks config-managed streams.
@Suite struct ConfiguredLiveStreamTests {
    private func listed(_ id: String, _ key: String, window: Int = 60, event: Bool = false) -> LiveStreamRecord {
        LiveStreamRecord(id: name(id), key: key, dvrWindowSeconds: window, eventMode: event, configManaged: true)
    }

    @Test(arguments: Backend.allCases) func createsUpdatesAndNeverDeletes(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        _ = try catalog.createLiveStream(LiveStreamRecord(id: name("api-cam"), key: "api-key", dvrWindowSeconds: 7200))
        let first = try catalog.syncConfiguredLiveStreams([listed("lobby", "key-lobby"), listed("talk", "key-talk")])
        #expect(first.created == [name("lobby"), name("talk")])
        #expect(first.total == 2)
        #expect(try catalog.liveStream(key: "key-lobby")?.configManaged == true)
        #expect(try catalog.liveStream(id: name("api-cam"))?.configManaged == false)

        try catalog.setLiveStreamState(id: name("talk"), state: .live)
        let second = try catalog.syncConfiguredLiveStreams([listed("lobby", "key-lobby"),
                                                            listed("talk", "key-talk-2", window: 120, event: true)])
        #expect(second.unchanged == [name("lobby")])
        #expect(second.updated == [name("talk")])
        let talk = try #require(try catalog.liveStream(id: name("talk")))
        #expect(talk.key == "key-talk-2" && talk.dvrWindowSeconds == 120 && talk.eventMode && talk.state == .live)
        #expect(try catalog.liveStream(key: "key-talk") == nil)

        // Dropped from the file: kept, and no longer config-managed (the API may delete it now).
        let third = try catalog.syncConfiguredLiveStreams([listed("lobby", "key-lobby")])
        #expect(third.released == [name("talk")])
        #expect(try catalog.liveStream(id: name("talk"))?.configManaged == false)
        #expect(try catalog.listLiveStreams().map(\.id.rawValue) == ["api-cam", "lobby", "talk"])
    }

    @Test(arguments: Backend.allCases) func backupKeysOpenTheirStreamAndNoKeyOpensTwo(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        let made = try catalog.createLiveStream(LiveStreamRecord(id: name("cam"), key: "key-cam", dvrWindowSeconds: 60,
                                                                 backupKey: "backup-cam", lowLatency: true))
        #expect(made.backupKey == "backup-cam" && made.lowLatency == true)
        let byBackup = try #require(try catalog.liveStream(key: "backup-cam"))
        #expect(byBackup.id == name("cam") && byBackup.key == "key-cam", "the record tells which key matched")
        #expect(try catalog.liveStream(id: name("cam"))?.lowLatency == true)
        // A key in use as either column is refused for a new stream, in either column.
        for (key, backup) in [("backup-cam", "b2"), ("k2", "key-cam"), ("k3", "backup-cam"), ("same", "same")] {
            #expect(throws: CatalogError.liveStreamKeyInUse) {
                try catalog.createLiveStream(LiveStreamRecord(id: name("other"), key: key, dvrWindowSeconds: 60, backupKey: backup))
            }
        }
        // The streams file gives a backup key and a low-latency choice, and may take them away again.
        var entry = listed("lobby", "key-lobby")
        entry.backupKey = "backup-lobby"
        entry.lowLatency = false
        #expect(try catalog.syncConfiguredLiveStreams([entry]).created == [name("lobby")])
        #expect(try catalog.liveStream(key: "backup-lobby")?.id == name("lobby"))
        #expect(try catalog.liveStream(id: name("lobby"))?.lowLatency == false)
        entry.backupKey = nil
        entry.lowLatency = nil
        #expect(try catalog.syncConfiguredLiveStreams([entry]).updated == [name("lobby")])
        #expect(try catalog.liveStream(key: "backup-lobby") == nil)
        // A listed backup key that another (unlisted) stream holds stops the sync.
        entry.backupKey = "key-cam"
        #expect(throws: CatalogError.liveStreamKeyCollision(configured: name("lobby"), holder: name("cam"))) {
            try catalog.syncConfiguredLiveStreams([entry])
        }
    }

    @Test(arguments: Backend.allCases) func keysMaySwapBetweenListedStreams(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        try catalog.syncConfiguredLiveStreams([listed("a", "key-1"), listed("b", "key-2")])
        let swapped = try catalog.syncConfiguredLiveStreams([listed("a", "key-2"), listed("b", "key-1")])
        #expect(swapped.updated == [name("a"), name("b")])
        #expect(try catalog.liveStream(key: "key-1")?.id == name("b"))
        #expect(try catalog.liveStream(key: "key-2")?.id == name("a"))
    }

    @Test(arguments: Backend.allCases) func aKeyHeldByAnUnlistedStreamIsAnErrorNamingBoth(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        _ = try catalog.createLiveStream(LiveStreamRecord(id: name("api-cam"), key: "shared-key", dvrWindowSeconds: 7200))
        try catalog.syncConfiguredLiveStreams([listed("lobby", "key-lobby")])
        let error = #expect(throws: CatalogError.liveStreamKeyCollision(configured: name("lobby"), holder: name("api-cam"))) {
            try catalog.syncConfiguredLiveStreams([listed("lobby", "shared-key"), listed("new", "key-new")])
        }
        #expect(error?.description.contains("'lobby'") == true && error?.description.contains("'api-cam'") == true)
        #expect(error?.description.contains("shared-key") == false)
        // Nothing changed: one transaction.
        #expect(try catalog.liveStream(id: name("lobby"))?.key == "key-lobby")
        #expect(try catalog.liveStream(id: name("new")) == nil)
    }

    /// A catalog written before v3 opens with its streams intact and none of them config-managed.
    @Test func migrationFromV2KeepsStreams() throws {
        let folder = try TemporaryFolder()
        do {
            let queue = try DatabaseQueue(path: folder.catalogFile.path)
            try CatalogSchema.migrator.migrate(queue, upTo: "v2-asset-version-tombstones")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO live_streams (id, key, state, dvr_window_seconds, event_mode, created_at)
                    VALUES ('old', 'old-key', 'idle', 300, 1, '2026-01-01 00:00:00')
                    """)
            }
        }
        let catalog = try Catalog(path: folder.catalogFile)
        #expect(try catalog.appliedMigrations() == Catalog.migrationNames)
        let old = try #require(try catalog.liveStream(key: "old-key"))
        #expect(old.id == name("old") && old.dvrWindowSeconds == 300 && old.eventMode && !old.configManaged)
    }
}
