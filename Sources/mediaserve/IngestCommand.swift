import Access
import ArgumentParser
import Catalog
import Config
import FFmpegKit
import Foundation
import Ingest
import Origin
import MediaCore
import Publishing
import Storage

/// `mediaserve ingest <file>`: transcode a file into the H.264/AAC ladder of CMAF segments in a staging
/// folder, then publish it through `AssetPublisher` (verify, stamp, one rename, catalog, roll back).
/// Ctrl-C, SIGTERM, kill -9, a full disk or an encoder error leave nothing published.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Transcode a media file into an aligned H.264/AAC ladder of CMAF segments and publish it.")

    @Argument(help: "The source file (any container and codec FFmpeg reads).")
    var file: String

    @Option(help: "Asset id (a-z, 0-9, '-', '_'); default: derived from the file name.")
    var id: String?

    @Option(help: "Title stored in the catalog (the content API lists and searches it).")
    var title: String?

    @Option(help: "Description for the content API (searchable).")
    var description: String?

    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag for the content API (repeat for several: --tag sea --tag travel).",
                                                      valueName: "tag"))
    var tags: [String] = []

    @Flag(help: "Replace an existing asset with the same id.")
    var replace = false

    @Flag(help: "Rewrap an H.264/AAC source into CMAF without re-encoding (cut at its own keyframes).")
    var copy = false

    @Option(help: "Comma-separated rung heights to produce, e.g. 1080,720,360 (default: the whole ladder).")
    var rungs: String?

    @Option(help: ArgumentHelp("Ladder file to use instead of config/ladder.yaml.", valueName: "file"))
    var ladder: String?

    @Option(help: "x264 preset (default: ingest.preset from the configuration).")
    var preset: String?

    @Flag(help: "Deliver the asset encrypted (schemes from drm.hls_method / drm.dash_scheme; keys need drm.master_key).")
    var encrypt = false

    @Flag(help: "Print JSON lines (progress events and the final result) instead of a progress bar.")
    var json = false

    @Flag(help: "Show FFmpeg's own log output.")
    var verbose = false

    @Option(help: ArgumentHelp("Who may play the asset: public, signed, jwt or webhook (default: access.default_policy).",
                               valueName: "policy"))
    var access: String?

    @OptionGroup var configOptions: ConfigOptions

    func validate() throws {
        if let id, SafeName(id) == nil { throw ValidationError(MediaCoreError.invalidName(id).description) }
        if let rungs { _ = try Self.heights(rungs) }
        if copy, rungs != nil || ladder != nil { throw ValidationError("--copy keeps the source as it is: drop --rungs/--ladder") }
        if let problem = metadata.problem { throw ValidationError(problem) }
        if let access, AccessPolicy(rawValue: access) == nil {
            throw ValidationError("--access '\(access)': expected one of \(AccessPolicy.names)")
        }
    }

    func run() throws {
        FFmpegLog.setVerbose(verbose)
        do {
            let summary = try ingest()
            print(json ? ProgressReporter.jsonLine(summary).trimmingCharacters(in: .newlines) : summary.text)
        } catch IngestError.cancelled {
            // Interrupted: one line like any failure, and the shell's status for SIGINT.
            CLIExit.printError(IngestError.cancelled.description)
            throw ExitCode(130)
        }
    }

    private func ingest() throws -> IngestSummary {
        let started = Date()
        let loaded = try configOptions.load()
        let stores = try DataStores.open(loaded.config)
        let asset = id.flatMap(AssetID.init) ?? AssetNaming.defaultID(forFile: file)
        let publisher = AssetPublisher(store: stores.media, catalog: stores.catalog)
        if !replace, try publisher.isTaken(asset) {
            throw CommandError("asset '\(asset)' already exists: pass --replace to overwrite it or --id to choose another id")
        }
        let request = try makeRequest(loaded)
        StagingJanitor.removeAbandoned(in: stores.data)
        let cancellation = CancellationFlag()
        let signals = SignalTrap(cancel: cancellation)
        defer { signals.release() }
        let reporter = ProgressReporter(style: ProgressReporter.style(json: json, isTerminal: isatty(STDOUT_FILENO) == 1)) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        defer { reporter.finishBar() }
        var renditions: [RenditionIndex] = []
        // The policy is stored before the asset appears, so a protected asset is never public for a moment.
        if let policy = access.flatMap(AccessPolicy.init(rawValue:)) {
            let scope = AccessScope(tree: .vod, owner: asset.name)
            let rules = CatalogAccessRules(catalog: stores.catalog)
            var item = try rules.storedRules(scope)
            item.policy = policy
            try rules.store(scope, item)
        }
        // The flag goes in before the asset is visible, so it is never served clear by mistake.
        let wasEncrypted = try stores.catalog.isEncrypted(ownerKind: "vod", ownerID: asset.rawValue)
        if encrypt { try stores.catalog.setEncrypted(ownerKind: "vod", ownerID: asset.rawValue, true) }
        do {
        try publisher.publish(asset: asset, job: StagingJanitor.jobName(asset: asset), replace: replace) { staging in
            let output = try IngestRunner.run(request, into: staging, cancellation: cancellation, progress: reporter.report)
            renditions = output.renditions
            return .init(record: AssetRecord(id: asset, title: title, sourceProbe: output.probe), renditions: output.renditions,
                         metadata: metadata)
        }
        } catch {
            if encrypt, !wasEncrypted { try? stores.catalog.setEncrypted(ownerKind: "vod", ownerID: asset.rawValue, false) }
            throw error
        }
        return IngestSummary(asset: asset, renditions: renditions, wallSeconds: Date().timeIntervalSince(started))
    }

    /// `--title`, `--description` and `--tag`, stored with the asset in the catalog's publish transaction.
    var metadata: ContentMetadataChange {
        ContentMetadataChange(title: title, description: description, tags: tags.isEmpty ? nil : tags)
    }

    /// The ladder file (or `--ladder`), narrowed by `--rungs`; the preset from the flag, else a preset in
    /// mediaserve.yaml (`ingest.preset`), else the ladder file's.
    private func makeRequest(_ loaded: LoadedConfig) throws -> IngestRequest {
        let ladderConfig = try ladder.map { try LadderConfig.load(contentsOf: URL(fileURLWithPath: $0), displayPath: $0) } ?? loaded.ladder
        let selected = try rungs.map { try DefaultLadder.select(heights: Self.heights($0), from: ladderConfig.rungs) }
        let presetSource = loaded.sources["ingest.preset"] ?? .builtIn
        let configured = presetSource == .builtIn ? ladderConfig.preset : loaded.config.ingest.preset
        return IngestRequest(source: file, ladder: ladderConfig, rungs: selected, preset: preset ?? configured, copy: copy)
    }

    static func heights(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !parts.isEmpty else { throw ValidationError("--rungs: give heights, e.g. 1080,720,360") }
        return try parts.map { part in
            let digits = part.hasSuffix("p") ? String(part.dropLast()) : part
            guard let height = Int(digits) else { throw ValidationError("--rungs: '\(part)' is not a height (e.g. 1080,720,360)") }
            return height
        }
    }
}

/// A one-line error of the command itself (the CLI prints it after `mediaserve: `).
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
