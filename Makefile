# The README's two commands: `make demo` (set up, build, run the main job) and `make test`.
SWIFT ?= swift
MEDIA_DIR ?= .media
export MEDIASERVE_MEDIA_DIR := $(abspath $(MEDIA_DIR))

.PHONY: demo test check-architecture deps build release fixtures clean test-browser bench-packaging bench-origin bench-ingest bench-live fuzz soak test-multinode bench-scale

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

fixtures: deps
	./scripts/make-fixtures.sh $(MEDIA_DIR)

demo: release fixtures
	./scripts/demo.sh

# Network tests (in-process origin and RTMP servers fed by ffmpeg) run after the CPU-heavy ones so that
# two cores of x264 encoding do not starve their servers.
# The catalog tests run alone: the PostgreSQL store blocks its callers' threads while a statement runs
# (see PostgresPool), and beside the other suites on two cores that starved their async tests.
# The live transcoding suites (servers encoding x264 ladders in real time from a 720p feed, about a minute of
# both cores) run in a phase of their own after the other network suites, whose in-process servers answer
# within seconds-level client timeouts.
# The hostile-client and RTMP-publishing suites run last and alone: they assert answers within seconds while
# under attack and ffmpeg publishing in real time, which 38 other suites sharing two cores made miss.
NETWORK_ALONE := HostileClientTests|RTMPServerTests
NETWORK_TRANSCODING := LiveTranscodeServeTests|TranscodeFailoverTests
test: check-architecture fixtures
	./scripts/install-deps.sh test
	./scripts/fetch-shaka-packager.sh .tools
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip 'OriginTests|LiveTests|^CatalogTests\.'
	$(SWIFT) test --skip-build --filter '^CatalogTests\.'
	$(SWIFT) test --skip-build --filter 'OriginTests|LiveTests' --skip '$(NETWORK_ALONE)|$(NETWORK_TRANSCODING)'
	$(SWIFT) test --skip-build --filter '$(NETWORK_TRANSCODING)'
	$(SWIFT) test --skip-build --filter '$(NETWORK_ALONE)'
	$(MAKE) test-browser

# The module rules of docs/architecture.md and their negative controls (seconds; `make test` runs them first,
# after the system packages: the import check needs python3).
check-architecture: deps
	SWIFT=$(SWIFT) ./scripts/check-architecture.sh
	SWIFT=$(SWIFT) ./scripts/test-check-architecture.sh

clean:
	rm -rf .build $(MEDIA_DIR)

# Issue 14: two origins, two workers and a live node (separate `mediaserve serve --roles ...` processes) on one
# S3 bucket, rclone serve s3 then moto, and one catalog (several minutes; `make test` runs NodeRolesTests only).
test-multinode: fixtures
	$(SWIFT) build --build-tests
	MEDIASERVE_MULTINODE=1 $(SWIFT) test --skip-build --filter MultiNodeTests

# Issue 14's figures for docs/scaling.md: S3-cached origin against local disk, cold TTFB, 1 vs 2 workers,
# bytes per viewer-hour (debug build unless BENCH_BINARY names a release one; not in `make test`).
bench-scale: fixtures
	./scripts/install-deps.sh bench
	$(SWIFT) build --product mediaserve
	./scripts/bench-scale.sh

# Manifest build time for a 2-hour, 7-rendition asset and a 2-hour live DVR window (release build; not in `make test`).
bench-packaging:
	$(SWIFT) build -c release --product PackagingBench
	$$($(SWIFT) build -c release --show-bin-path)/PackagingBench

# Preview page in headless Chromium: HLS and DASH must both play (issue 6); an encrypted asset plays HLS
# AES-128 in hls.js and DASH cenc through the ClearKey CDM (issue 13). Debian's python3 has selenium.
# Then hls.js 1.6 (from scripts/fetch-player.sh) plays a low-latency stream (issue 15): median glass-to-player
# latency under 5 s on a debug build (the <= 3 s target is `make bench-live`'s figure); and a transcoded low-latency
# stream (640x360 source, rungs 270/180/144): every rendition listed, aligned, decodable and played by hls.js.
test-browser:
	./scripts/install-deps.sh browser
	./scripts/fetch-player.sh .player
	/usr/bin/python3 Tests/browser/preview_playback.py --binary .build/debug/mediaserve --player .player
	/usr/bin/python3 Tests/browser/encrypted_playback.py --binary .build/debug/mediaserve --player .player
	/usr/bin/python3 Tests/browser/lowlatency_playback.py --binary .build/debug/mediaserve --hlsjs .player --target 5
	/usr/bin/python3 Tests/browser/lowlatency_playback.py --binary .build/debug/mediaserve --hlsjs .player --target 0 --transcode 270,180,144 --seconds 10 --max-lag-ms 600000

# mediaserve against nginx on loopback (not part of `make test`).
bench-origin:
	./scripts/install-deps.sh bench
	./scripts/bench-origin.sh

# mediaserve ingest against the ffmpeg program, same ladder and settings, 60 s of 1080p25 (not in `make test`).
bench-ingest:
	./scripts/install-deps.sh bench
	$(SWIFT) build -c release --product mediaserve
	./scripts/bench-ingest.sh

# Live RTMP ingest: CPU and memory per stream and whether every stream kept up, with 1/10/25/50 publishers
# at 3 Mb/s, against nginx-rtmp (about 7 minutes; not part of `make test`). Settings: LIVEBENCH_PUBLISHERS=1,10,25,50
# LIVEBENCH_SECONDS=36 LIVEBENCH_STAGGER=6 LIVEBENCH_SERVERS=mediaserve,nginx.
bench-live:
	./scripts/install-deps.sh bench
	$(SWIFT) build -c release --product LiveBench
	$$($(SWIFT) build -c release --show-bin-path)/LiveBench
	$(SWIFT) build -c release --product mediaserve
	./scripts/bench/live-latency.sh $$($(SWIFT) build -c release --show-bin-path)/mediaserve
	./scripts/bench/live-transcode.py $$($(SWIFT) build -c release --show-bin-path)/mediaserve

# libFuzzer (swiftc -sanitize=fuzzer,address) over the RTMP/AMF0/FLV, fMP4, SRT (Annex B, ADTS, stream id) and
# HTTP target/query parsers, FUZZ_SECONDS each (default 60) from Fuzz/corpus/; prints executions and crashes per
# target (not part of `make test`). FUZZ_TARGETS="rtmp fmp4 srt http" chooses.
fuzz:
	./scripts/fuzz.sh

# About 1,000 simulated players against 10 live streams and 3 VOD assets for 10 minutes: errors, p99 per object
# kind, server RSS and descriptors at start/middle/end, server and player CPU (not part of `make test`).
# SOAK_SECONDS, SOAK_PLAYERS, SOAK_WORKERS (player processes, 2), SOAK_BINARY (skips the release build).
soak:
	./scripts/install-deps.sh bench
	./scripts/soak.sh
