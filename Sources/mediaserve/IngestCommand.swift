import ArgumentParser
import Catalog
import Config
import FFmpegKit
import Foundation
import Ingest
import MediaCore
import Storage

/// `mediaserve ingest <file>`: transcode a file into the H.264/AAC ladder of CMAF segments in a staging
/// folder, verify every rendition, then publish the files (one rename) and the catalog entry. Ctrl-C,
/// SIGTERM, kill -9, a full disk or an encoder error leave nothing published.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Transcode a media file into an aligned H.264/AAC ladder of CMAF segments and publish it.")

    @Argument(help: "The source file (any container and codec FFmpeg reads).")
    var file: String

    @Option(help: "Asset id (a-z, 0-9, '-', '_'); default: derived from the file name.")
    var id: String?

    @Option(help: "Title stored in the catalog.")
    var title: String?

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

    @OptionGroup var configOptions: ConfigOptions

    func validate() throws {
        if let id, SafeName(id) == nil { throw ValidationError(MediaCoreError.invalidName(id).description) }
        if let rungs { _ = try Self.heights(rungs) }
        if copy, rungs != nil || ladder != nil { throw ValidationError("--copy keeps the source as it is: drop --rungs/--ladder") }
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
        let asset = id.flatMap(SafeName.init) ?? AssetNaming.defaultID(forFile: file)
        if !replace, try stores.catalog.asset(asset) != nil || stores.data.assetExists(asset) {
            throw CommandError("asset '\(asset)' already exists: pass --replace to overwrite it or --id to choose another id")
        }
        let request = try makeRequest(loaded)
        StagingJanitor.removeAbandoned(in: stores.data)
        let staging = try stores.data.newStaging(job: StagingJanitor.jobName(asset: asset))
        let cancellation = CancellationFlag()
        let signals = SignalTrap(cancel: cancellation)
        defer { signals.release() }
        let reporter = ProgressReporter(style: ProgressReporter.style(json: json, isTerminal: isatty(STDOUT_FILENO) == 1)) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        do {
            let output = try IngestRunner.run(request, into: staging, cancellation: cancellation, progress: reporter.report)
            reporter.finishBar()
            try publish(output, asset: asset, staging: staging, stores: stores)
            return IngestSummary(asset: asset, renditions: output.renditions, wallSeconds: Date().timeIntervalSince(started))
        } catch {
            reporter.finishBar()
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    /// Files first (one rename), then the catalog; if the catalog refuses, a new asset's files go again.
    /// The files carry the version they are published as (the catalog's next one), so the origin never
    /// serves them under the old version's URLs in the moment before the catalog catches up.
    private func publish(_ output: IngestOutput, asset: AssetID, staging: URL, stores: DataStores) throws {
        let existed = stores.data.assetExists(asset)
        let version = try stores.catalog.nextVersion(of: asset)
        try stores.data.stampVersion(version, staging: staging)
        try stores.data.publish(staging: staging, asset: asset, replace: replace)
        // The flag goes in before the asset is visible, so it is never served clear by mistake.
        let wasEncrypted = try stores.catalog.isEncrypted(ownerKind: "vod", ownerID: asset.rawValue)
        if encrypt { try stores.catalog.setEncrypted(ownerKind: "vod", ownerID: asset.rawValue, true) }
        do {
            let record = AssetRecord(id: asset, title: title, sourceProbe: output.probe)
            let stored = try stores.catalog.publishAsset(record, renditions: output.renditions, replace: replace)
            // Another replace of the same asset won the race for that number: the files follow the catalog.
            if stored.version != version { try stores.data.restampVersion(stored.version, asset: asset) }
        } catch {
            if !existed { _ = try? stores.data.removeAsset(asset) }
            if encrypt, !wasEncrypted { try? stores.catalog.setEncrypted(ownerKind: "vod", ownerID: asset.rawValue, false) }
            throw error
        }
    }

    private func makeRequest(_ loaded: LoadedConfig) throws -> IngestRequest {
        let ladderConfig = try ladder.map { try LadderConfig.load(contentsOf: URL(fileURLWithPath: $0), displayPath: $0) } ?? loaded.ladder
        var rungList = ladderConfig.rungs
        if let rungs { rungList = try DefaultLadder.select(heights: Self.heights(rungs), from: rungList) }
        let audio = AudioSettings(bitrateKbps: ladderConfig.audio.bitrateKbps, sampleRate: ladderConfig.audio.sampleRate,
                                  channels: ladderConfig.audio.channels)
        // A preset in mediaserve.yaml (ingest.preset) wins over the ladder file's; the flag over both.
        let presetSource = loaded.sources["ingest.preset"] ?? .builtIn
        let configured = presetSource == .builtIn ? ladderConfig.preset : loaded.config.ingest.preset
        return IngestRequest(source: file, ladder: rungList, audio: audio,
                             segmentSeconds: max(Int(ladderConfig.segmentSeconds.rounded()), 1),
                             maxFrameRate: ladderConfig.maxFrameRate,
                             settings: TranscodeSettings(preset: preset ?? configured), copy: copy)
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
