import ArgumentParser
import FFmpegKit

/// The `mediaserve` command: one binary for ingest, packaging and origin serving.
@main
struct MediaServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediaserve",
        abstract: "A single-binary origin media server: ingest, package (HLS/DASH) and serve video.",
        discussion: """
            Examples:
              mediaserve probe movie.mov
              mediaserve probe movie.mov --json
              mediaserve config --json
              mediaserve ingest movie.mov --id movie --rungs 1080,720,360
              mediaserve reindex movie --dry-run
              mediaserve serve --port 8080 --data-dir ./data
              mediaserve sign /vod/movie/master.m3u8 --expires-in 3600
            """,
        version: MediaServeVersion.current,
        subcommands: [
            ProbeCommand.self,
            ConfigCommand.self,
            IngestCommand.self,
            ReindexCommand.self,
            ServeCommand.self,
            SignCommand.self,
        ]
    )
}
