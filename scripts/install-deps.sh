#!/usr/bin/env bash
# Installs the system packages mediaserve builds and tests with, only those still missing.
# Debian 12: apt-get, through sudo when not root. The Swift toolchain itself must already be on PATH.
set -euo pipefail

packages=(
  ffmpeg pkg-config
  libavformat-dev libavcodec-dev libavfilter-dev libswscale-dev libswresample-dev libavutil-dev
  libsqlite3-dev libxml2-utils zlib1g-dev
  python3 python3-venv curl
  libsrt-gnutls-dev
)
# Extra groups: `install-deps.sh browser` for the preview-page test, `bench` for the benchmarks, `test` for the
# servers the suites start themselves (PostgreSQL 15 for the catalog tests; `scripts/test-servers.sh` also
# installs it on first use).
for group in "$@"; do
  case "$group" in
    browser) packages+=(chromium chromium-driver python3-selenium python3-pip) ;;
    bench) packages+=(nginx-light wrk libnginx-mod-rtmp time) ;;
    test) packages+=(postgresql-15) ;;
    *) echo "install-deps.sh: unknown group '$group' (known: browser, bench, test)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: swift not found on PATH; install Swift 6.1 or later (https://www.swift.org/install/linux/)" >&2
  exit 1
fi
