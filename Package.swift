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
        // Origin (issue 6): HTTP server, lifecycle, metrics, gzip, test client.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        // 4.x for jwt-kit 5.8 (issue 12); 4.5.2's AES._CBC is BoringSSL's bulk AES_cbc_encrypt (3.x encrypts
        // block by block in Swift, 50x slower), which encrypted delivery relies on (issue 13).
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Access (issue 12): JWT verification against a JWKS; TLS for HTTPS on the origin.
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The PostgreSQL catalog and job queue (issue 14).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // FFmpeg's C libraries, found through pkg-config (Debian: libav*-dev).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libswresample-dev", "libavutil-dev", "libavfilter-dev"])]
        ),
        // libsrt, found through pkg-config `srt` (Debian: libsrt-gnutls-dev, the flavour ffmpeg links).
        .systemLibrary(name: "CSRT", pkgConfig: "srt", providers: [.apt(["libsrt-gnutls-dev"])]),
        // The only Swift code that calls srt_*: sockets, the listen callback, errors.
        .target(name: "SRTKit", dependencies: ["CSRT"]),
        // Value types shared by every module: no I/O, no FFmpeg.
        .target(name: "MediaCore"),
        // The only Swift code that calls av_*, sws_*, swr_*.
        .target(name: "FFmpegKit", dependencies: ["CFFmpeg", "MediaCore"]),
        // Ladder planning, the transcode pipeline, CMAF segmenting and progress (never imports CFFmpeg).
        .target(name: "Ingest", dependencies: ["MediaCore", "FFmpegKit", "MP4", "Storage"]),
        // Configuration: config/mediaserve.yaml + MEDIASERVE_* environment + flags, decoded once into a value.
        .target(name: "Config", dependencies: ["MediaCore", .product(name: "Yams", package: "Yams")]),
        // The data directory (vod/, live/, staging/) and atomic publishing, behind a protocol.
        .target(name: "Storage", dependencies: ["MediaCore"]),
        // Our own S3 client (issue 14): Signature V4, objects, multipart, ranges, batch delete, listing, retries.
        .target(name: "S3", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // The storage seam on an S3 bucket: publish by pointer, a bounded LRU cache of objects, live streams.
        .target(name: "S3Storage", dependencies: [
            "MediaCore", "Storage", "S3",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "S3StorageTests", dependencies: ["S3Storage", "S3", "Storage", "MediaCore", "TestSupport",
                                                          .product(name: "NIOCore", package: "swift-nio")]),
        // Issue 14: nodes by role as separate processes (`make test-multinode` for the whole cluster).
        .testTarget(name: "MultiNodeTests", dependencies: ["S3", "TestSupport"]),
        // SigV4 against AWS's published vectors; the client against real rclone and moto servers.
        .testTarget(name: "S3Tests", dependencies: ["S3", "TestSupport", .product(name: "NIOCore", package: "swift-nio")]),
        // Viewer analytics (issue 16): player events, CMCD, sessions, QoE definitions, rollups, purge. Pure
        // Swift, no I/O of its own: it writes through `AnalyticsStore`, which the catalog implements.
        .target(name: "Analytics"),
        // Assets, renditions, segment index, jobs and live streams in SQLite (GRDB), behind a protocol.
        .target(name: "Catalog", dependencies: ["MediaCore", "Analytics", .product(name: "GRDB", package: "GRDB.swift")]),
        // The same catalog on PostgreSQL (postgres-nio, issue 14): migrations under an advisory lock, the job
        // queue with leases (FOR UPDATE SKIP LOCKED), LISTEN/NOTIFY of publishes, replaces and deletes.
        .target(name: "CatalogPostgres", dependencies: [
            "Catalog", "MediaCore", "Analytics",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Content keys, the master-key envelope, per-request encryption (AES-128, cenc, cbcs), ClearKey
        // licences and the SPEKE v2 / CPIX key-server client. No HTTP server types, no SQL.
        .target(name: "Protection", dependencies: [
            "MediaCore", "MP4",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // Every ISO BMFF box the project reads or writes (one value type per box, parse + serialise), the
        // CMAF init/media segment writer and reader, and the one segment indexer. Pure Swift, bytes only.
        .target(name: "MP4", dependencies: ["MediaCore"]),
        // Just-in-time HLS/DASH manifests: pure Swift over MediaCore values.
        .target(name: "Packaging", dependencies: ["MediaCore"]),
        // `make bench-packaging`: times manifest building (release build); not part of `make test`.
        .executableTarget(name: "PackagingBench", dependencies: ["Packaging", "MediaCore"], path: "Benchmarks/PackagingBench"),
        // Access decisions (issue 12): signed URLs, JWT tiers, geo and device rules, token propagation into
        // manifest URIs. Pure functions of values: no I/O (the JWKS fetch and the webhook live in Origin).
        .target(name: "Access", dependencies: [
            "MediaCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "JWTKit", package: "jwt-kit"),
        ]),
        .testTarget(name: "AccessTests", dependencies: [
            "Access", "MediaCore",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // The one publishing path (stage -> verify -> version -> publish -> catalog -> roll back) for the CLI,
        // the job worker, live archive and reindex; asset naming; ingest requests from the ladder config.
        .target(
            name: "Publishing",
            dependencies: [
                "MediaCore", "Storage", "Catalog", "Config", "Ingest", "LiveSegmenting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "PublishingTests", dependencies: ["Publishing", "Storage", "Catalog", "MediaCore", "Config", "TestSupport"]),
        // The HTTP origin: manifests, segments, admin API, metrics, preview page (Hummingbird 2).
        .target(
            name: "Origin",
            dependencies: [
                "MediaCore", "Storage", "Catalog", "Packaging", "LiveSegmenting", "Publishing", "Access", "Analytics", "Protection",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "mediaserve",
            dependencies: [
                "MediaCore", "FFmpegKit", "Config", "Storage", "Catalog", "CatalogPostgres", "Ingest", "MP4", "Packaging", "Origin", "Live", "LiveSegmenting", "LiveTranscoding", "Publishing", "Access", "S3Storage", "Analytics", "Protection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Shared by the test targets: fixture paths, running programs (ffprobe, mediaserve).
        .target(name: "TestSupport", dependencies: ["MediaCore"], path: "Tests/TestSupport"),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore"]),
        .testTarget(name: "ProtectionTests", dependencies: [
            "Protection", "MediaCore", "MP4", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "AnalyticsTests", dependencies: ["Analytics", "Catalog", "MediaCore", "TestSupport"]),
        // Every box round-trips (write → read → equal, read → write → same bytes); the reader on cut and random bytes.
        .testTarget(name: "MP4Tests", dependencies: ["MP4", "TestSupport"]),
        // Probe vs ffprobe on generated media, bad inputs, and the `mediaserve probe` CLI (runs the binary).
        .testTarget(name: "ProbeTests", dependencies: ["FFmpegKit", "MediaCore", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "MediaCore", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "MediaCore"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "CatalogPostgres", "Analytics", "MediaCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "PackagingTests",
            dependencies: ["Packaging", "MP4", "MediaCore", "TestSupport", "Catalog"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "MediaCore", "FFmpegKit", "Catalog", "TestSupport"]),
        .testTarget(
            name: "OriginTests",
            dependencies: [
                "Origin", "Publishing", "MediaCore", "Storage", "TestSupport", "Access", "Catalog", "Analytics", "Protection",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        // Live in three parts (docs/architecture.md, "Live"). RTMP: the publisher's protocol as values fed bytes:
        // handshake, chunk stream, AMF0, FLV tags, AVC/AAC configurations. No NIO, no I/O, no clock.
        .target(name: "RTMP", dependencies: ["MediaCore"]),
        // The live segmenter: samples in, CMAF init/media segments, DVR ring, journal and restore, the stream
        // registry the origin reads. Files go through Storage's LiveMediaStore; no sockets.
        .target(
            name: "LiveSegmenting",
            dependencies: ["MediaCore", "MP4", "RTMP", "Storage", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
        // The listeners: the SwiftNIO RTMP server, the SRT server (libsrt via SRTKit, MPEG-TS via FFmpegKit)
        // and LiveService, which owns both with the stream keys and states from the catalog.
        .target(
            name: "Live",
            dependencies: [
                "MediaCore", "RTMP", "LiveSegmenting", "FFmpegKit", "Storage", "Catalog", "SRTKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Live ABR (issue 15): the publisher's H.264 decoded once, each rung scaled and encoded with x264 on its
        // own thread (FFmpeg through FFmpegKit), handed back to the segmenter; shedding when behind real time.
        .target(
            name: "LiveTranscoding",
            dependencies: ["MediaCore", "RTMP", "LiveSegmenting", "FFmpegKit", "Ingest", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "LiveTranscodingTests",
            dependencies: ["LiveTranscoding", "MediaCore"]
        ),
        // `make bench-live`: CPU/memory per RTMP stream against nginx-rtmp (release build; not in `make test`).
        .executableTarget(name: "LiveBench", dependencies: ["Live", "LiveSegmenting", "MediaCore", .product(name: "Logging", package: "swift-log")],
                          path: "Benchmarks/LiveBench"),
        // Hand-built RTMP client bytes shared by RTMPTests and LiveTests.
        .target(name: "RTMPTestSupport", dependencies: ["RTMP", "TestSupport"], path: "Tests/RTMPTestSupport"),
        .testTarget(name: "RTMPTests", dependencies: ["RTMP", "TestSupport", "RTMPTestSupport"]),
        .testTarget(
            name: "LiveSegmentingTests",
            dependencies: ["LiveSegmenting", "MP4", "RTMP", "MediaCore", "Storage", "TestSupport"]
        ),
        .testTarget(
            name: "LiveTests",
            dependencies: [
                "Live", "LiveSegmenting", "RTMP", "MediaCore", "TestSupport", "RTMPTestSupport", "Storage", "Catalog", "SRTKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
