/// One configuration key: its dotted path (YAML nesting), its type, and how to read and write it on
/// `MediaServeConfig`. The environment variable name derives from the path.
struct ConfigField: Sendable {
    let path: String
    let type: ConfigValueType
    /// Masked whenever the configuration is printed.
    let secret: Bool
    let read: @Sendable (MediaServeConfig) -> ConfigValue
    let write: @Sendable (inout MediaServeConfig, ConfigValue) -> Void

    /// `http.cors_allow_origin` -> `MEDIASERVE_HTTP_CORS_ALLOW_ORIGIN`.
    var environmentVariable: String {
        "MEDIASERVE_" + path.replacingOccurrences(of: ".", with: "_").uppercased()
    }

    /// The section (`http`) or nil for a top-level key (`data_dir`).
    var section: String? {
        guard let dot = path.firstIndex(of: ".") else { return nil }
        return String(path[..<dot])
    }

    var leaf: String {
        guard let dot = path.firstIndex(of: ".") else { return path }
        return String(path[path.index(after: dot)...])
    }
}

/// The table of every configuration key, in the order `mediaserve config` prints them.
enum ConfigSchema {
    static let fields: [ConfigField] = [
        string("data_dir", \.dataDir),
        optional("catalog.url", \.catalog.url, type: .optionalString, secret: true),
        int("catalog.job_lease_seconds", \.catalog.jobLeaseSeconds, 5...3600),
        optionalString("storage.url", \.storage.url),
        optionalString("storage.s3.endpoint", \.storage.s3Endpoint),
        string("storage.s3.region", \.storage.s3Region),
        bool("storage.s3.path_style", \.storage.s3PathStyle),
        optionalString("storage.cache_dir", \.storage.cacheDir),
        bytes("storage.cache_max_bytes", \.storage.cacheMaxBytes),
        string("http.host", \.http.host),
        int("http.port", \.http.port, 0...65535),
        string("http.cors_allow_origin", \.http.corsAllowOrigin, allowEmpty: true),
        bytes("http.max_upload_bytes", \.http.maxUploadBytes),
        optionalString("http.tls.cert_file", \.http.tlsCertFile),
        optionalString("http.tls.key_file", \.http.tlsKeyFile),
        int("http.redirect_port", \.http.redirectPort, 0...65535),
        int("http.max_connections", \.http.maxConnections, 0...1_000_000),
        int("http.max_connections_per_address", \.http.maxConnectionsPerAddress, 0...1_000_000),
        int("http.header_timeout_seconds", \.http.headerTimeoutSeconds, 1...3_600),
        int("http.idle_timeout_seconds", \.http.idleTimeoutSeconds, 1...3_600),
        int("http.write_timeout_seconds", \.http.writeTimeoutSeconds, 1...3_600),
        bool("http.fast_path", \.http.fastPath),
        int("http.manifest_answer_cache_entries", \.http.manifestAnswerCacheEntries, 0...1_000_000),
        int("http.manifest_answer_cache_mib", \.http.manifestAnswerCacheMiB, 0...65_536),
        string("rtmp.host", \.rtmp.host),
        int("rtmp.port", \.rtmp.port, 0...65535),
        int("rtmp.max_connections_per_address", \.rtmp.maxConnectionsPerAddress, 0...100_000),
        bool("srt.enabled", \.srt.enabled),
        string("srt.host", \.srt.host),
        int("srt.port", \.srt.port, 0...65535),
        int("srt.latency_ms", \.srt.latencyMilliseconds, 0...60_000),
        optionalText("srt.passphrase", \.srt.passphrase, length: 10...79, secret: true),
        string("api.key", \.api.key, secret: true),
        ConfigField(path: "log.level", type: .choice(LogLevel.allCases.map(\.rawValue)), secret: false,
                    read: { .string($0.log.level.rawValue) },
                    write: { config, value in
                        if case .string(let raw) = value, let level = LogLevel(rawValue: raw) { config.log.level = level }
                    }),
        string("ladder", \.ladder),
        choice("ingest.preset", \.ingest.preset, LadderConfig.presets),
        int("ingest.workers", \.ingest.workers, 1...64),
        int("live.dvr_window_seconds", \.live.dvrWindowSeconds, 0...(30 * 86_400)),
        int("live.hls_window_segments", \.live.hlsWindowSegments, 3...10_000),
        int("live.disconnect_timeout_seconds", \.live.disconnectTimeoutSeconds, 0...3_600),
        optionalString("live.streams_file", \.live.streamsFile),
        optionalString("live.publish_webhook_url", \.live.publishWebhookURL),
        int("live.segment_seconds", \.live.segmentSeconds, 1...60),
        bool("live.low_latency.enabled", \.live.lowLatencyEnabled),
        decimal("live.low_latency.part_seconds", \.live.lowLatencyPartSeconds, 0.1...5),
        // Deprecated alias of part_seconds (the first low-latency release's name): reads and writes the same value.
        int("live.low_latency.part_milliseconds", \.live.lowLatencyPartMilliseconds, 100...5_000),
        decimal("live.input_loss_seconds", \.live.inputLossSeconds, 0.5...60),
        choice("live.failback", \.live.failback, ["auto", "manual"]),
        list("live.transcode.rungs", \.live.transcodeRungs, secret: false),
        string("live.transcode.preset", \.live.transcodePreset),
        string("live.transcode.tune", \.live.transcodeTune, allowEmpty: true),
        int("live.transcode.max_lag_ms", \.live.transcodeMaxLagMilliseconds, 1...600_000),
        optionalString("player.script_url", \.player.scriptURL),
        optionalString("player.local_dir", \.player.localDir),
        bool("analytics.enabled", \.analytics.enabled),
        int("analytics.session_ttl_days", \.analytics.sessionTTLDays, 1...3_650),
        int("analytics.event_ttl_days", \.analytics.eventTTLDays, 1...3_650),
        int("analytics.batches_per_minute_per_address", \.analytics.batchesPerMinutePerAddress, 1...1_000_000),
        int("analytics.batches_per_minute_per_session", \.analytics.batchesPerMinutePerSession, 1...1_000_000),
        string("analytics.country_header", \.analytics.countryHeader, allowEmpty: true),
        int("analytics.metrics_top_assets", \.analytics.metricsTopAssets, 0...1_000),
        bool("content_api.public", \.contentAPI.isPublic),
        // Issue 12: HTTPS and access control.
        choice("access.default_policy", \.access.defaultPolicy, MediaServeConfig.Access.policies),
        optionalText("access.signing_key", \.access.signingKey, length: 16...4096, secret: true),
        list("access.previous_signing_keys", \.access.previousSigningKeys, secret: true),
        optionalString("access.jwt.jwks_file", \.access.jwt.jwksFile),
        optionalString("access.jwt.jwks_url", \.access.jwt.jwksURL),
        optionalString("access.jwt.issuer", \.access.jwt.issuer),
        optionalString("access.jwt.audience", \.access.jwt.audience),
        int("access.jwt.leeway_seconds", \.access.jwt.leewaySeconds, 0...3600),
        string("access.jwt.tier_claim", \.access.jwt.tierClaim),
        ConfigField(path: "access.tiers", type: .tiers, secret: false,
                    read: { .tiers($0.access.tiers) },
                    write: { config, value in if case .tiers(let tiers) = value { config.access.tiers = tiers } }),
        optionalString("access.webhook_url", \.access.webhookURL),
        int("access.webhook_cache_seconds", \.access.webhookCacheSeconds, 0...86_400),
        int("access.webhook_timeout_ms", \.access.webhookTimeoutMilliseconds, 50...60_000),
        string("access.geo.country_header", \.access.geo.countryHeader),
        list("access.geo.blocked_countries", \.access.geo.blockedCountries, secret: false),
        int("access.devices.mobile_max_height", \.access.devices.mobileMaxHeight, 0...100_000),
        optionalString("access.cdn_secret_header", \.access.cdnSecretHeader),
        optionalText("access.cdn_secret", \.access.cdnSecret, length: 16...4096, secret: true),
        optionalString("access.client_ip_header", \.access.clientIPHeader),
        // Issue 13: encrypted delivery.
        optionalText("drm.master_key", \.drm.masterKey, length: 1...200, secret: true),
        choice("drm.hls_method", \.drm.hlsMethod, ["aes-128", "sample-aes"]),
        choice("drm.dash_scheme", \.drm.dashScheme, ["cenc", "cbcs"]),
        int("drm.key_rotation_seconds", \.drm.keyRotationSeconds, 0...86_400),
        bytes("drm.cache_max_bytes", \.drm.cacheMaxBytes),
        optionalString("drm.speke.url", \.drm.spekeURL),
        optionalText("drm.speke.auth_header", \.drm.spekeAuthHeader, length: 3...8192, secret: true),
        string("drm.speke.systems", \.drm.spekeSystems),
        // Issue 14: nodes by role.
        list("node.roles", \.node.roles, secret: false),
    ]

    static let byPath: [String: ConfigField] = Dictionary(uniqueKeysWithValues: fields.map { ($0.path, $0) })

    /// True for `http`, `access`, `access.jwt`, `drm.speke`, ...: any proper prefix of a key path.
    static func isSection(_ path: String) -> Bool {
        sections.contains(path)
    }

    /// Section names in first-use order (`http`, `rtmp`, ...), nested ones too (`access.jwt`, `drm.speke`).
    static let sections: [String] = {
        var seen: [String] = []
        for field in fields {
            let parts = field.path.split(separator: ".")
            for depth in stride(from: 1, to: parts.count, by: 1) {
                let section = parts[..<depth].joined(separator: ".")
                if !seen.contains(section) { seen.append(section) }
            }
        }
        return seen
    }()

    /// Every path a person could mean: keys and sections, for "did you mean" hints.
    static var allPaths: [String] { fields.map(\.path) + sections }

    // MARK: Field constructors

    private typealias Path<Value> = WritableKeyPath<MediaServeConfig, Value> & Sendable

    private static func string(_ path: String, _ keyPath: Path<String>, allowEmpty: Bool = false,
                               secret: Bool = false) -> ConfigField {
        ConfigField(path: path, type: .string(allowEmpty: allowEmpty), secret: secret,
                    read: { .string($0[keyPath: keyPath]) },
                    write: { config, value in if case .string(let s) = value { config[keyPath: keyPath] = s } })
    }

    private static func choice(_ path: String, _ keyPath: Path<String>, _ options: [String]) -> ConfigField {
        ConfigField(path: path, type: .choice(options), secret: false,
                    read: { .string($0[keyPath: keyPath]) },
                    write: { config, value in if case .string(let s) = value { config[keyPath: keyPath] = s } })
    }

    private static func optionalString(_ path: String, _ keyPath: Path<String?>) -> ConfigField {
        optional(path, keyPath, type: .optionalString, secret: false)
    }

    private static func bool(_ path: String, _ keyPath: Path<Bool>) -> ConfigField {
        ConfigField(path: path, type: .bool, secret: false,
                    read: { .bool($0[keyPath: keyPath]) },
                    write: { config, value in if case .bool(let b) = value { config[keyPath: keyPath] = b } })
    }

    private static func optionalText(_ path: String, _ keyPath: Path<String?>, length: ClosedRange<Int>,
                                     secret: Bool) -> ConfigField {
        optional(path, keyPath, type: .optionalText(length: length), secret: secret)
    }

    /// An optional string key: a string sets it, null clears it (the type says what a valid string is).
    private static func optional(_ path: String, _ keyPath: Path<String?>, type: ConfigValueType,
                                 secret: Bool) -> ConfigField {
        ConfigField(path: path, type: type, secret: secret,
                    read: { $0[keyPath: keyPath].map(ConfigValue.string) ?? .null },
                    write: { config, value in
                        switch value {
                        case .string(let s): config[keyPath: keyPath] = s
                        case .null: config[keyPath: keyPath] = nil
                        default: break
                        }
                    })
    }

    private static func list(_ path: String, _ keyPath: Path<[String]>, secret: Bool) -> ConfigField {
        ConfigField(path: path, type: .list, secret: secret,
                    read: { .list($0[keyPath: keyPath]) },
                    write: { config, value in if case .list(let items) = value { config[keyPath: keyPath] = items } })
    }

    private static func int(_ path: String, _ keyPath: Path<Int>, _ range: ClosedRange<Int>) -> ConfigField {
        ConfigField(path: path, type: .int(range), secret: false,
                    read: { .int($0[keyPath: keyPath]) },
                    write: { config, value in if case .int(let n) = value { config[keyPath: keyPath] = n } })
    }

    private static func decimal(_ path: String, _ keyPath: Path<Double>, _ range: ClosedRange<Double>) -> ConfigField {
        ConfigField(path: path, type: .decimal(range), secret: false,
                    read: { .double($0[keyPath: keyPath]) },
                    write: { config, value in
                        if case .double(let x) = value { config[keyPath: keyPath] = x }
                        if case .int(let n) = value { config[keyPath: keyPath] = Double(n) }
                    })
    }

    private static func bytes(_ path: String, _ keyPath: Path<Int>) -> ConfigField {
        ConfigField(path: path, type: .bytes, secret: false,
                    read: { .int($0[keyPath: keyPath]) },
                    write: { config, value in if case .int(let n) = value { config[keyPath: keyPath] = n } })
    }
}
