#!/usr/bin/env bash
# make bench-origin: the origin's benchmarks, each printing ratios against a peer measured in the same run
# (nginx serving the same files, or mediaserve's own figure for the same requests under another setting).
# One release build is made here and shared by all (MEDIASERVE_BINARY=path measures another binary).
# Shared set-up lives in scripts/bench/lib.sh; each measurement in its own scripts/bench/origin-*.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench/lib.sh
bench_name=bench-origin
bench_binary
export MEDIASERVE_BINARY="$binary"

# Issue 17 hot path: every media object at 50 and 500 connections, ratios against nginx.
./scripts/bench/origin-hotpath.sh
./scripts/bench/origin-access.sh
BENCH_BINARY="$binary" ./scripts/bench/origin-analytics.sh

# Issue 13: the same segment encrypted per request against its clear figure.
BENCH_BINARY="$binary" ./scripts/bench/origin-encryption.sh
