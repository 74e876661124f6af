import Foundation
import MediaCore
import Testing
@testable import Catalog

/// The content API's catalogue on both backends: metadata written with the publish, prefix search on
/// every word, cursor paging, updates, and rows going with their asset or stream.
@Suite struct ContentCatalogTests {
    @Test(arguments: Backend.allCases) func searchPageUpdateAndDelete(_ backend: Backend) throws {
        let db = try TestDatabase(backend)
        defer { db.stop() }
        let catalog = try db.open()
        try catalog.publishAsset(AssetRecord(id: assetID("ocean")), renditions: [audioIndex()], replace: false,
                                 metadata: ContentMetadataChange(title: "Deep Ocean Life", description: "Whales and reefs", tags: ["nature", "sea"]))
        try catalog.publishAsset(AssetRecord(id: assetID("city"), title: "City Nights"), renditions: [audioIndex()], replace: false)
        _ = try catalog.createLiveStream(LiveStreamRecord(id: name("reef-cam"), key: "k1", dvrWindowSeconds: 60))
        #expect(try catalog.updateContentMetadata(kind: .stream, id: name("reef-cam"), change: ContentMetadataChange(title: "Reef camera")))
        #expect(try catalog.updateContentMetadata(kind: .asset, id: name("missing"), change: ContentMetadataChange(title: "x")) == false)

        #expect(try catalog.listContent(search: "ree", after: nil, limit: 10).map(\.id.rawValue) == ["ocean", "reef-cam"])
        #expect(try catalog.listContent(search: "ocean whal", after: nil, limit: 10).map(\.id.rawValue) == ["ocean"])
        #expect(try catalog.listContent(search: "NATURE", after: nil, limit: 10).map(\.id.rawValue) == ["ocean"])
        #expect(try catalog.listContent(search: "!!", after: nil, limit: 10).isEmpty)
        #expect(try catalog.listContent(search: "nights", after: nil, limit: 10).map(\.title) == ["City Nights"])

        let all = try catalog.listContent(search: nil, after: nil, limit: 2)
        #expect(all.map(\.id.rawValue) == ["city", "ocean"])
        let rest = try catalog.listContent(search: nil, after: ContentCursor(kind: .asset, id: name("ocean")), limit: 2)
        #expect(rest.map(\.id.rawValue) == ["reef-cam"] && rest.first?.liveState == "idle" && rest.first?.version == nil)

        #expect(try catalog.updateContentMetadata(kind: .asset, id: name("ocean"), change: ContentMetadataChange(tags: ["whales"])))
        let ocean = try #require(try catalog.contentEntry(kind: .asset, id: name("ocean")))
        #expect(ocean.title == "Deep Ocean Life" && ocean.description == "Whales and reefs" && ocean.tags == ["whales"] && ocean.version == 1)
        #expect(try catalog.listContent(search: "sea", after: nil, limit: 10).isEmpty)

        #expect(try catalog.deleteAsset(assetID("ocean")))
        #expect(try catalog.deleteLiveStream(id: name("reef-cam")))
        #expect(try catalog.contentEntry(kind: .asset, id: name("ocean")) == nil)
        #expect(try catalog.listContent(search: "ree", after: nil, limit: 10).isEmpty)
        #expect(try db.rowCount("content_metadata") == 1)  // city's row only
    }
}
