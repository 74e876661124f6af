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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
        // Configuration: config/mediaserve.yaml + MEDIASERVE_* environment + flags, decoded once into a value.
        .target(name: "Config", dependencies: ["MediaCore", .product(name: "Yams", package: "Yams")]),
        // The data directory (vod/, live/, staging/) and atomic publishing, behind a protocol.
        .target(name: "Storage", dependencies: ["MediaCore"]),
        // Assets, renditions, segment index, jobs and live streams in SQLite (GRDB), behind a protocol.
        .target(name: "Catalog", dependencies: ["MediaCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Just-in-time HLS/DASH manifests and the fMP4 box reader: pure Swift over MediaCore values.
        .target(name: "Packaging", dependencies: ["MediaCore"]),
        // `make bench-packaging`: times manifest building (release build); not part of `make test`.
        .executableTarget(name: "PackagingBench", dependencies: ["Packaging", "MediaCore"], path: "Benchmarks/PackagingBench"),
        .executableTarget(
            name: "mediaserve",
            dependencies: [
                "MediaCore", "FFmpegKit", "Config", "Storage", "Catalog", "Ingest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Shared by the test targets: fixture paths, running programs (ffprobe, mediaserve).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore"]),
        // Probe vs ffprobe on generated media, bad inputs, and the `mediaserve probe` CLI (runs the binary).
        .testTarget(name: "ProbeTests", dependencies: ["FFmpegKit", "MediaCore", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "MediaCore", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "MediaCore"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "MediaCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "PackagingTests",
            dependencies: ["Packaging", "MediaCore", "TestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "MediaCore", "FFmpegKit", "TestSupport"]),
    ]
)
