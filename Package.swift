// swift-tools-version:6.1
// mediaserve: a single-binary origin media server. Module layout and import rules: docs/architecture.md.
import PackageDescription

let package = Package(
    name: "mediaserve",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mediaserve", targets: ["mediaserve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // FFmpeg's C libraries, found through pkg-config (Debian: libav*-dev).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libswresample-dev", "libavutil-dev", "libavfilter-dev"])]
        ),
        // Value types shared by every module: no I/O, no FFmpeg.
        .target(name: "MediaCore"),
        // The only Swift code that calls av_*, sws_*, swr_*.
        .target(name: "FFmpegKit", dependencies: ["CFFmpeg", "MediaCore"]),
        // Ladder planning, the transcode pipeline, CMAF segmenting and progress (never imports CFFmpeg).
        .target(name: "Ingest", dependencies: ["MediaCore", "FFmpegKit"]),
        .executableTarget(
            name: "mediaserve",
            dependencies: [
                "MediaCore", "FFmpegKit", "Ingest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Shared by the test targets: fixture paths, running programs (ffprobe, mediaserve).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "MediaCore", "FFmpegKit", "TestSupport"]),
    ]
)
