import ArgumentParser
import FFmpegKit
import Foundation
import MediaCore

/// `mediaserve probe <file>`: what a source holds, as ingest will see it.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show a media file's container, duration and streams.",
        discussion: """
            Prints a table by default. With --json, prints one JSON object (sorted keys, every field always \
            present, null when unknown; see README "mediaserve probe --json"). Exits 1 with one line on stderr \
            when the file is missing, not media, truncated, or has no audio or video stream.

            Examples:
              mediaserve probe movie.mov
              mediaserve probe movie.mov --json
              mediaserve probe phone.mp4 --json | jq '.streams[0].rotation'
            """
    )

    @Argument(help: "The media file to read.")
    var file: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Let FFmpeg print its own log lines on stderr.")
    var verbose = false

    func run() throws {
        FFmpegLog.setVerbose(verbose)
        let probe = try InputFile.probe(path: file)
        let text = json ? try ProbeJSON.render(probe) : ProbeTable.render(probe)
        print(text)
    }
}
