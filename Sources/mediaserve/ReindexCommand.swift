import ArgumentParser
import Catalog
import Foundation
import MediaCore
import MP4
import Packaging
import Publishing
import Storage

/// `mediaserve reindex <asset>`: rebuild a published asset's segment index in the catalog from its CMAF
/// files (`data/vod/<asset>/<rendition>/init.mp4`, `seg-<n>.m4s`), e.g. after restoring files from a
/// backup or when the catalog was lost. The media files are only read; the catalog entry is replaced (a new
/// version, or the files' stamped one when the catalog had lost the asset) and the stamp made to match.
struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild an asset's segment index in the catalog from its stored CMAF files.")

    @Argument(help: "Asset id (its folder under <data_dir>/vod/).")
    var asset: String

    @Flag(help: "Read and report, but do not change the catalog.")
    var dryRun = false

    @Flag(help: "Print the renditions found as JSON.")
    var json = false

    @OptionGroup var configOptions: ConfigOptions

    func run() throws {
        guard let id = AssetID(asset) else { throw CommandError(MediaCoreError.invalidName(asset).description) }
        let stores = try DataStores.open(try configOptions.load().config)
        let directory = stores.data.vodDirectory(id)
        guard stores.data.assetExists(id) else {
            throw CommandError("asset '\(id)' has no files at \(directory.path); nothing to index")
        }
        let known = try stores.catalog.renditions(of: id)
        let renditions = try RenditionFiles.index(asset: id, in: stores.data, known: known)
        if !dryRun {
            try AssetPublisher(store: stores.data, catalog: stores.catalog).recatalog(id, renditions: renditions)
        }
        print(json ? try RenditionFiles.json(renditions) : RenditionFiles.table(renditions, asset: id, written: !dryRun))
    }
}

/// Reading a stored asset's rendition folders into segment indexes, one segment file in memory at a time.
enum RenditionFiles {
    /// Every `<rendition>/` folder with an `init.mp4`, in the catalog's order for renditions it knows
    /// (keeping their language), then new ones: video by height, highest first, then audio.
    static func index(asset: AssetID, in store: any MediaStore, known: [RenditionIndex]) throws -> [RenditionIndex] {
        var found: [RenditionIndex] = []
        for id in try store.renditions(of: asset) {
            let language = known.first { $0.rendition.id == id }?.rendition.language
            found.append(try index(asset: asset, rendition: id, in: store, language: language))
        }
        guard !found.isEmpty else { throw CommandError("asset '\(asset)' has no rendition folders with an init.mp4") }
        let order = Dictionary(uniqueKeysWithValues: known.enumerated().map { ($1.rendition.id, $0) })
        return found.sorted { a, b in
            switch (order[a.rendition.id], order[b.rendition.id]) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil):
                if a.rendition.kind != b.rendition.kind { return a.rendition.kind == .video }
                return (a.rendition.height ?? 0, a.rendition.id.rawValue) > (b.rendition.height ?? 0, b.rendition.id.rawValue)
            }
        }
    }

    static func index(asset: AssetID, rendition id: SafeName, in store: any MediaStore, language: String?) throws -> RenditionIndex {
        func read(_ name: String) throws -> Data {
            guard let data = try store.objectData(MediaObjectKey(tree: .vod, owner: asset.name, rendition: id, fileName: name)) else {
                throw CommandError("rendition \(id) of '\(asset)' has no \(name)")
            }
            return data
        }
        do {
            var builder = try SegmentIndexer.Builder(id: id, initSegment: Array(try read(SegmentFileName.initSegment)), language: language)
            let numbers = try store.segmentNumbers(of: asset, rendition: id)
            guard !numbers.isEmpty else { throw CommandError("rendition \(id) of '\(asset)' has no seg-<n>.m4s files") }
            for number in numbers {
                try builder.add(SegmentIndexer.SegmentBytes(number: number, contentsOf: try read(SegmentFileName.segment(number))))
            }
            return builder.finish()
        } catch let error as MP4Error {
            throw CommandError("rendition \(id) (vod/\(asset)/\(id)): \(error)")
        }
    }

    static func table(_ renditions: [RenditionIndex], asset: AssetID, written: Bool) -> String {
        var lines = [written ? "reindexed \(asset):" : "\(asset) (dry run, catalog unchanged):"]
        for index in renditions {
            let r = index.rendition
            let shape = r.kind == .video ? "\(r.width ?? 0)x\(r.height ?? 0)" : "\(r.sampleRate ?? 0) Hz \(r.channels ?? 0) ch"
            let breaks = index.segments.filter(\.discontinuity).count
            lines.append("  \(r.id)  \(r.kind.rawValue)  \(r.codecs)  \(shape)  \(index.segments.count) segments"
                + "  \(String(format: "%.3f", index.durationSeconds)) s  peak \(r.peakBitrate / 1000) kb/s"
                + "  avg \(r.averageBitrate / 1000) kb/s" + (breaks > 0 ? "  \(breaks) discontinuities" : ""))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ renditions: [RenditionIndex]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(renditions), as: UTF8.self)
    }
}
