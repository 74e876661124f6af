# Shared set-up of the origin benchmarks (scripts/bench-origin.sh and scripts/bench/origin-*.sh); source it
# after `cd` to the repository root. Each function does one step every benchmark repeated:
#   bench_init NAME           $work (a fresh temp folder, world-readable for nginx) and a cleanup on exit that
#                             stops the mediaserve and nginx it started and removes $work; NAME prefixes messages
#   bench_require TOOL...     one line naming a missing tool, exit 1
#   bench_binary              $binary: $MEDIASERVE_BINARY or $BENCH_BINARY, else a release build made here
#   bench_free_port           a free loopback port (other benchmarks and tests run on this machine too)
#   bench_source SECONDS      $work/source.mp4: 720p30 noisy test pattern and a tone (x264 ultrafast, crf 18)
#   bench_serve PORT ARGS...  `mediaserve serve` on PORT over $work/data (log level warning, no RTMP/SRT) plus
#                             ARGS; sets $ms_pid and $base once /healthz answers
#   bench_ingest_api KEY ID   uploads $work/source.mp4 through the admin API and waits for its job
#   bench_closest BYTES       the media segment of vod/bench closest to BYTES, as <rendition>/seg-<n>.m4s
#   bench_nginx PORT SERVER   nginx (sendfile, open_file_cache, a worker per core, no access log) with the
#                             server block SERVER (it may use $work), started on PORT and waited for
#   bench_wrk NAME ARGS...    wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ARGS > $work/wrk-NAME.txt
# scripts/bench/wrk_parse.py reads wrk's output for the reports.

bench_init() {
  bench_name="$1"
  work="$(mktemp -d "/tmp/mediaserve-$bench_name.XXXXXX")"
  chmod 755 "$work"
  ms_pid=""
  trap bench_cleanup EXIT
}

bench_cleanup() {
  if [ -n "${ms_pid:-}" ]; then kill "$ms_pid" 2>/dev/null && wait "$ms_pid" 2>/dev/null || true; fi
  if [ -f "$work/nginx/nginx.pid" ]; then kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}

bench_require() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$bench_name: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
  done
}

bench_binary() {
  binary="${MEDIASERVE_BINARY:-${BENCH_BINARY:-}}"
  if [ -z "$binary" ]; then
    echo "$bench_name: building mediaserve (release)"
    swift build -c release --product mediaserve >/dev/null
    binary="$(swift build -c release --show-bin-path)/mediaserve"
  fi
}

bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bench_source() {
  echo "$bench_name: making a 720p source"
  ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t "$1" -c:v libx264 -preset ultrafast -crf 18 -c:a aac -shortest "$work/source.mp4"
}

bench_serve() {
  local port="$1"; shift
  mkdir -p "$work/data"
  "$binary" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" --set log.level=warning \
    --set rtmp.port=0 --set srt.port=0 "$@" > "$work/mediaserve.log" 2>&1 &
  ms_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && return 0; sleep 0.1; done
  echo "$bench_name: mediaserve did not start" >&2
  cat "$work/mediaserve.log" >&2
  exit 1
}

bench_ingest_api() {
  local key="$1" id="$2" job state=""
  job="$(curl -fsS -X POST -H "Authorization: Bearer $key" --data-binary @"$work/source.mp4" "$base/api/v1/assets?id=$id" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  for _ in $(seq 1 600); do
    state="$(curl -fsS -H "Authorization: Bearer $key" "$base/api/v1/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
    [ "$state" = succeeded ] && return 0
    [ "$state" = failed ] && { echo "$bench_name: ingest failed" >&2; cat "$work/mediaserve.log" >&2; exit 1; }
    sleep 1
  done
  echo "$bench_name: ingest did not finish" >&2
  exit 1
}

bench_closest() {
  (cd "$work/data/vod/bench" && find . -name 'seg-*.m4s' -printf '%s %P\n') \
    | awk -v want="$1" '{d = $1 - want; if (d < 0) d = -d; print d, $2}' | sort -n | head -1 | awk '{print $2}'
}

bench_nginx() {
  local port="$1" server="$2"
  mkdir -p "$work/nginx/tmp"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
user root;
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  open_file_cache max=1000;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  types { application/vnd.apple.mpegurl m3u8; application/dash+xml mpd; video/iso.segment m4s; video/mp4 mp4; }
  server {
    listen 127.0.0.1:$port;
$server
  }
}
CONF
  chmod -R a+rX "$work"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
  for _ in $(seq 1 50); do
    [ -f "$work/nginx/nginx.pid" ] && curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$bench_name: nginx did not start" >&2
  exit 1
}

bench_wrk() {
  local name="$1"; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$work/wrk-$name.txt"
}
