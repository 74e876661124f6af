#!/usr/bin/env bash
# Benchmark: `mediaserve ingest` against the ffmpeg program doing the same work in the same run.
# Same source (1080p25, 60 s), same ladder (1080/720/480/360), x264 preset, VBV, GOP rules (IDR every
# 6 s, no scene cuts) and audio (AAC-LC 128 kb/s 48 kHz stereo). Prints wall time, CPU time and peak RSS
# (/usr/bin/time -v) and PSNR per rung (psnr filter against the source scaled to the rung size), with
# mediaserve/ffmpeg ratios. Targets: wall <= 0.85x, peak RSS <= 1.0x, PSNR within 0.3 dB.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-$root/.media/bench}"
duration="${BENCH_SECONDS:-60}"
preset="${BENCH_PRESET:-veryfast}"
binary="$root/.build/release/mediaserve"
# ffmpeg's x264 threads per encoder; empty = ffmpeg's own default (as people run it).
ffmpeg_threads="${BENCH_FFMPEG_THREADS:-}"
mkdir -p "$work"

for tool in ffmpeg ffprobe /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-ingest: $tool not found (run scripts/install-deps.sh bench)" >&2; exit 1; }
done
[ -x "$binary" ] || (cd "$root" && swift build -c release --product mediaserve)

source="$work/source-1080p25-${duration}s.mp4"
if [ ! -f "$source" ]; then
  echo "bench-ingest: generating $source"
  ffmpeg -v error -y -f lavfi -i "testsrc2=s=1920x1080:r=25:d=$duration" \
    -f lavfi -i "sine=f=440:r=44100:d=$duration" -f lavfi -i "anoisesrc=d=$duration:c=pink:r=44100:a=0.05" \
    -filter_complex "[0:v]noise=alls=12:allf=t+u[v];[1:a][2:a]amix=inputs=2[a]" -map "[v]" -map "[a]" \
    -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -c:a aac -b:a 192k -ac 2 "$source.tmp.mp4"
  mv "$source.tmp.mp4" "$source"
fi

# name height width kbps profile
rungs=("1080 1920 5000 high" "720 1280 3000 high" "480 854 1400 high" "360 640 800 main")
gop=$((25 * 6 * 4))

ours="$work/ours"; theirs="$work/ffmpeg"

split="[0:v]split=4[s0][s1][s2][s3]"
maps=()
i=0
for r in "${rungs[@]}"; do
  read -r h w kbps profile <<<"$r"
  split="$split;[s$i]scale=$w:$h:flags=bicubic,setsar=1,format=yuv420p[v$i]"
  maps+=(-map "[v$i]" -c:v libx264 -preset "$preset" -profile:v "$profile" -b:v "${kbps}k"
         -maxrate "$((kbps * 12 / 10))k" -bufsize "$((kbps * 2))k" -g "$gop" -keyint_min 1 -sc_threshold 0
         -flags +cgop -force_key_frames "expr:gte(t,n_forced*6)" -forced-idr 1 ${ffmpeg_threads:+-threads "$ffmpeg_threads"}
         -movflags +frag_keyframe+empty_moov+default_base_moof -f mp4 "$theirs/video-${h}p.mp4")
  i=$((i + 1))
done

# The machine may be shared: run the two alternately, BENCH_ROUNDS times, and keep each one's fastest run.
rounds="${BENCH_ROUNDS:-2}"
for round in $(seq 1 "$rounds"); do
  rm -rf "$ours" "$theirs"; mkdir -p "$ours" "$theirs"
  echo "bench-ingest: round $round/$rounds: mediaserve ingest ($preset)"
  /usr/bin/time -v -o "$work/ours-$round.time" "$binary" ingest "$source" --id bench --rungs 1080,720,480,360 \
    --preset "$preset" --data-dir "$ours" >/dev/null
  echo "bench-ingest: round $round/$rounds: ffmpeg ($preset)"
  /usr/bin/time -v -o "$work/ffmpeg-$round.time" ffmpeg -v error -y -i "$source" -filter_complex "$split" "${maps[@]}" \
    -map 0:a -c:a aac -b:a 128k -ar 48000 -ac 2 -vn -movflags +frag_keyframe+empty_moov+default_base_moof \
    -f mp4 "$theirs/audio.mp4"
done

field() { grep -F "$2" "$1" | head -1 | awk -F': ' '{print $2}'; }
seconds() {  # h:mm:ss or m:ss.xx -> seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"
}
report() {
  local f="$1"
  local wall cpu rss
  wall=$(seconds "$(field "$f" "Elapsed (wall clock)")")
  cpu=$(awk -v u="$(field "$f" "User time")" -v s="$(field "$f" "System time")" 'BEGIN { print u + s }')
  rss=$(field "$f" "Maximum resident set size")
  echo "$wall $cpu $rss"
}
best() {  # prefix -> "wall cpu rss" of the fastest round (RSS: the highest of all rounds)
  local line min="" maxrss=0
  for f in "$work/$1"-*.time; do
    line=$(report "$f")
    read -r w c r <<<"$line"
    [ "$r" -gt "$maxrss" ] && maxrss=$r
    if [ -z "$min" ] || awk -v a="$w" -v b="${min%% *}" 'BEGIN{exit !(a < b)}'; then min="$w $c"; fi
  done
  echo "$min $maxrss"
}
read -r ow oc orss <<<"$(best ours)"
read -r fw fc frss <<<"$(best ffmpeg)"

psnr_seconds="${BENCH_PSNR_SECONDS:-20}"
psnr() {  # file width height -> average PSNR over the first $psnr_seconds s, against the source scaled to that size
  ffmpeg -v info -nostats -t "$psnr_seconds" -i "$1" -t "$psnr_seconds" -i "$source" -lavfi \
    "[0:v]setpts=N/25/TB[a];[1:v]scale=$2:$3:flags=bicubic,setpts=N/25/TB[b];[a][b]psnr" -f null - 2>&1 |
    sed -n 's/.*PSNR .* average:\([0-9.inf]*\).*/\1/p' | tail -1
}
joined() {  # rendition directory -> one file (init + segments in order)
  local dir="$1" out="$2" n=1
  cat "$dir/init.mp4" > "$out"
  while [ -f "$dir/seg-$n.m4s" ]; do cat "$dir/seg-$n.m4s" >> "$out"; n=$((n + 1)); done
}

printf '\n%-22s %12s %12s %8s   (fastest of %s rounds; peak RSS: highest)\n' "" "mediaserve" "ffmpeg" "ratio" "$rounds"
printf '%-22s %12.2f %12.2f %8.2f\n' "wall time (s)" "$ow" "$fw" "$(awk -v a="$ow" -v b="$fw" 'BEGIN{print a/b}')"
printf '%-22s %12.2f %12.2f %8.2f\n' "CPU time (s)" "$oc" "$fc" "$(awk -v a="$oc" -v b="$fc" 'BEGIN{print a/b}')"
printf '%-22s %12d %12d %8.2f\n' "peak RSS (kB)" "$orss" "$frss" "$(awk -v a="$orss" -v b="$frss" 'BEGIN{print a/b}')"
for r in "${rungs[@]}"; do
  read -r h w kbps profile <<<"$r"
  joined "$ours/vod/bench/video-${h}p" "$work/ours-${h}p.mp4"
  op=$(psnr "$work/ours-${h}p.mp4" "$w" "$h")
  fp=$(psnr "$theirs/video-${h}p.mp4" "$w" "$h")
  os=$(stat -c %s "$work/ours-${h}p.mp4"); fs=$(stat -c %s "$theirs/video-${h}p.mp4")
  printf '%-22s %12s %12s %8s\n' "PSNR ${h}p (dB)" "$op" "$fp" "$(awk -v a="$op" -v b="$fp" 'BEGIN{printf "%+.2f", a-b}')"
  printf '%-22s %12d %12d %8.2f\n' "size ${h}p (bytes)" "$os" "$fs" "$(awk -v a="$os" -v b="$fs" 'BEGIN{print a/b}')"
done
