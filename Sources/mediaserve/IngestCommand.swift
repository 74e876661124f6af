import ArgumentParser
import FFmpegKit
import Foundation
import Ingest
import MediaCore

/// `mediaserve ingest <file>`: transcode a file into the H.264/AAC ladder of CMAF segments in a staging
/// folder, verify every rendition, then publish the asset in one step. Interrupting it (Ctrl-C, SIGTERM,
/// kill -9), a full disk or an encoder error leave nothing published.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Transcode a media file into an aligned H.264/AAC ladder of CMAF segments and publish it.")

    @Argument(help: "The source file (any container and codec FFmpeg reads).")
    var file: String

    @Option(help: "Asset id (a-z, 0-9, '-', '_'); default: derived from the file name.")
    var id: String?

    @Flag(help: "Replace an existing asset with the same id.")
    var replace = false

    @Option(help: "Comma-separated rung heights to produce, e.g. 1080,720,360 (default: the configured ladder).")
    var rungs: String?

    @Option(help: "x264 preset (default veryfast).")
    var preset = "veryfast"

    @Flag(help: "Print JSON lines (progress events and the final result) instead of a progress bar.")
    var json = false

    @Option(help: "Data directory (default ./data or MEDIASERVE_DATA_DIR).")
    var dataDir: String?

    @Flag(help: "Show FFmpeg's own log output.")
    var verbose = false

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
        let asset = try assetID()
        let destination = try LocalAssetDestination(root: dataDirectory())
        _ = try destination.cleanStaging()
        if destination.assetExists(asset), !replace {
            throw CommandError("asset '\(asset)' already exists: pass --replace to overwrite it or --id to choose another id")
        }
        let input = try InputFile(path: file)
        let ladder = try rungs.map { try DefaultLadder.select(heights: parseHeights($0), from: DefaultLadder.rungs) } ?? DefaultLadder.rungs
        let plan = try LadderPlanner.plan(source: input.probe(), ladder: ladder)
        let staging = try destination.newStaging(job: "ingest-\(asset)-\(UInt32.random(in: 0...UInt32.max))")
        let cancellation = CancellationFlag()
        let signals = SignalTrap(cancel: cancellation)
        defer { signals.release() }
        let reporter = ProgressReporter(style: ProgressReporter.style(json: json, isTerminal: isatty(STDOUT_FILENO) == 1)) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        do {
            let index = try TranscodePipeline(plan: plan, settings: TranscodeSettings(preset: preset))
                .run(source: file, into: staging, cancellation: cancellation, progress: reporter.report)
            reporter.finishBar()
            try destination.publish(staging: staging, asset: asset, replace: replace)
            return IngestSummary(asset: asset, renditions: index, wallSeconds: Date().timeIntervalSince(started))
        } catch {
            reporter.finishBar()
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    private func assetID() throws -> AssetID {
        guard let id else { return AssetNaming.defaultID(forFile: file) }
        guard let name = SafeName(id) else { throw CommandError(MediaCoreError.invalidName(id).description) }
        return name
    }

    private func dataDirectory() -> URL {
        let path = dataDir ?? ProcessInfo.processInfo.environment["MEDIASERVE_DATA_DIR"] ?? "data"
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    private func parseHeights(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
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

/// Ctrl-C and SIGTERM cancel the running ingest (which then removes its staging folder) instead of
/// killing the process mid-write.
final class SignalTrap {
    private var sources: [DispatchSourceSignal] = []

    init(cancel: CancellationFlag) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { cancel.cancel() }
            source.resume()
            sources.append(source)
        }
    }

    func release() {
        sources.forEach { $0.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
