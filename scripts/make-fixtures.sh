#!/usr/bin/env bash
# Generates the test media every helper's tests use into the folder given as $1 (default .media/, ignored
# by git), from ffmpeg's synthetic sources (testsrc2 pictures, sine tones): nothing is downloaded.
#
# Idempotent: a file already present is skipped. Each file is written under a `.partial.` name and renamed
# when ffmpeg succeeds, so an interrupted run never leaves a half-written fixture behind.
# The same table is written to $dir/MANIFEST.txt so other scripts and people can see what is there.
#
# name                          what it is (and why it exists)
# 1080p25_stereo.mp4            1920x1080 25 fps H.264 High, AAC-LC stereo 48 kHz "eng", 20 s (full ladder, several 6 s segments)
# 2160p25.mp4                   3840x2160 25 fps H.264, AAC stereo, 6 s (top rung; ultrafast to stay cheap)
# 720p5994.mp4                  1280x720 60000/1001 fps H.264, AAC stereo, 5 s (fractional frame rate)
# odd_854x481.webm              854x481 VP9 4:2:0 + Opus, 2 s (odd size: scaler must round to even)
# rotated90.mp4                 640x360 H.264 + AAC, display matrix "rotate 90 clockwise" (ffprobe rotation=-90), 3 s (phone portrait)
# rotated270.mp4                the same pictures, display matrix "rotate 270 clockwise" (ffprobe rotation=90)
# h264_10bit.mp4                640x360 H.264 High 10 yuv420p10le, 2 s (10-bit source)
# hevc.mp4                      640x360 HEVC Main (hvc1) + AAC, 2 s
# hevc_main10.mp4               320x180 HEVC Main 10 yuv420p10le, 2 s
# vp9.webm                      640x360 VP9 + Opus, 2 s
# av1.mkv                       320x180 AV1 (libsvtav1) + Opus in Matroska, 2 s
# interlaced_tff.ts             720x576 25 fps interlaced (top field first) H.264 + AAC in MPEG-TS, 2 s
# vfr.mp4                       320x180 H.264, 30 fps for 1 s then 10 fps for 2 s (variable frame rate)
# audio_only.m4a                AAC-LC stereo 48 kHz, 3 s, no video
# audio_cover.mp3               MP3 stereo 44.1 kHz with a PNG cover picture (attached_pic video stream), 2 s
# video_only.mp4                320x180 H.264, 2 s, no audio
# surround51.mp4                320x180 H.264 + AAC 5.1 48 kHz "fra", 2 s (downmix to stereo)
# audio44k.mp4                  320x180 H.264 + AAC stereo 44.1 kHz, 2 s (resample to 48 kHz)
# anamorphic.mp4                720x576 H.264, SAR 64:45 (DAR 16:9), 2 s (non-square pixels)
# no_decoder.mp4                video_only.mp4 with its sample entry renamed 'zzzz': a video stream no decoder reads (must still probe)
# broken_empty.mp4              0 bytes
# broken_text.txt               a plain text file
# broken_not_media.mp4          a text file named .mp4
# broken_truncated.mp4          the first half of an MP4 whose moov box is at the end: no moov (unfinished recording)
# broken_garbage_appended.mp4   a valid MP4 followed by 256 KiB of random bytes (still probes: the streams are intact)
# broken_directory.mp4          a directory, not a file
# broken_subtitles_only.mkv     Matroska with one SubRip subtitle stream and no audio or video
# broken_data_only.mov          QuickTime with only a timecode (tmcd) data track
set -euo pipefail

dir="${1:-.media}"
mkdir -p "$dir"
rm -f "$dir"/.partial.*
log="$dir/.ffmpeg.log"
trap 'rm -f "$dir"/.partial.* "$log"' EXIT
export SVT_LOG=1  # libsvtav1: errors only

made=0
skipped=0
started=$(date +%s)

# encode NAME ffmpeg-args...: runs ffmpeg into .partial.NAME and renames it to NAME on success.
encode() {
  local name="$1"; shift
  if [ -e "$dir/$name" ]; then skipped=$((skipped + 1)); return; fi
  local tmp="$dir/.partial.$name"
  if ! ffmpeg -nostdin -hide_banner -loglevel error -y "$@" "$tmp" >"$log" 2>&1; then
    echo "make-fixtures: ffmpeg failed for $name:" >&2
    cat "$log" >&2
    rm -f "$tmp"
    exit 1
  fi
  mv "$tmp" "$dir/$name"
  case "$name" in
    .*) ;;  # an intermediate file, removed again below
    *) made=$((made + 1)); echo "  $name" ;;
  esac
}

# derive NAME COMMAND...: runs a shell command that writes "$tmp" (for files built from other fixtures).
derive() {
  local name="$1"; shift
  if [ -e "$dir/$name" ]; then skipped=$((skipped + 1)); return; fi
  local tmp="$dir/.partial.$name"
  tmp="$tmp" "$@"
  mv "$tmp" "$dir/$name"
  made=$((made + 1))
  echo "  $name"
}

# Pictures and tones. `video SIZE RATE SECONDS` and `tone HZ RATE SECONDS` build lavfi inputs.
video() { echo "testsrc2=size=$1:rate=$2:duration=$3"; }
tone() { echo "sine=frequency=$1:sample_rate=$2:duration=$3"; }
x264=(-c:v libx264 -preset superfast -pix_fmt yuv420p)
aac=(-c:a aac -b:a 128k)

echo "make-fixtures: writing into $dir"

encode 1080p25_stereo.mp4 -f lavfi -i "$(video 1920x1080 25 20)" -f lavfi -i "$(tone 440 48000 20)" \
  "${x264[@]}" -profile:v high -crf 30 -g 50 "${aac[@]}" -ac 2 -metadata:s:a:0 language=eng
encode 2160p25.mp4 -f lavfi -i "$(video 3840x2160 25 6)" -f lavfi -i "$(tone 440 48000 6)" \
  -c:v libx264 -preset ultrafast -crf 35 -pix_fmt yuv420p -g 50 "${aac[@]}" -ac 2
encode 720p5994.mp4 -f lavfi -i "$(video 1280x720 60000/1001 5)" -f lavfi -i "$(tone 660 48000 5)" \
  "${x264[@]}" "${aac[@]}" -ac 2
# testsrc2 and crop round odd sizes down to the chroma grid, so draw at RGB and scale to the odd size.
encode odd_854x481.webm -f lavfi -i "$(video 854x482 25 2),format=rgb24,scale=854:481,setsar=1" -f lavfi -i "$(tone 440 48000 2)" \
  -pix_fmt yuv420p -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 500k -c:a libopus -ac 2
# Phone video: coded landscape, displayed portrait. ffmpeg 5.1 has no -display_rotation; on a stream copy
# it turns a `rotate=R` tag into a display matrix of av_display_rotation_set(-R), which in 5.1 means
# R degrees COUNTER-clockwise (ffprobe prints rotation=R; ffmpeg's autorotate applies transpose=cclock).
# A phone's portrait clip is 90 degrees clockwise (ffprobe rotation=-90), hence rotate=270 for rotated90.
if [ ! -e "$dir/rotated90.mp4" ] || [ ! -e "$dir/rotated270.mp4" ]; then
  encode .rotation-source.mp4 -f lavfi -i "$(video 640x360 30 3)" -f lavfi -i "$(tone 440 48000 3)" \
    "${x264[@]}" "${aac[@]}" -ac 2
fi
encode rotated90.mp4 -i "$dir/.rotation-source.mp4" -c copy -metadata:s:v:0 rotate=270
encode rotated270.mp4 -i "$dir/.rotation-source.mp4" -c copy -metadata:s:v:0 rotate=90
rm -f "$dir/.rotation-source.mp4"
encode h264_10bit.mp4 -f lavfi -i "$(video 640x360 25 2)" \
  -c:v libx264 -preset superfast -pix_fmt yuv420p10le
encode hevc.mp4 -f lavfi -i "$(video 640x360 25 2)" -f lavfi -i "$(tone 440 48000 2)" \
  -c:v libx265 -preset ultrafast -pix_fmt yuv420p -x265-params log-level=error -tag:v hvc1 "${aac[@]}" -ac 2
encode hevc_main10.mp4 -f lavfi -i "$(video 320x180 25 2)" \
  -c:v libx265 -preset ultrafast -pix_fmt yuv420p10le -x265-params log-level=error -tag:v hvc1
encode vp9.webm -f lavfi -i "$(video 640x360 25 2)" -f lavfi -i "$(tone 440 48000 2)" \
  -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 500k -c:a libopus -ac 2
encode av1.mkv -f lavfi -i "$(video 320x180 25 2)" -f lavfi -i "$(tone 440 48000 2)" \
  -c:v libsvtav1 -preset 12 -c:a libopus -ac 2
encode interlaced_tff.ts -f lavfi -i "$(video 720x576 25 2),setfield=tff" -f lavfi -i "$(tone 440 48000 2)" \
  "${x264[@]}" -flags +ildct+ilme -x264-params tff=1 "${aac[@]}" -ac 2
# 30 fps for the first second, then every third frame: timestamps keep their gaps (-fps_mode vfr).
encode vfr.mp4 -f lavfi -i "$(video 320x180 30 3),select='lt(t\,1)+not(mod(n\,3))'" \
  -fps_mode vfr "${x264[@]}"
encode audio_only.m4a -f lavfi -i "$(tone 440 48000 3)" "${aac[@]}" -ac 2
encode audio_cover.mp3 -f lavfi -i "$(tone 440 44100 2)" -f lavfi -i "$(video 320x320 1 1)" \
  -map 0:a -map 1:v -frames:v 1 -c:a libmp3lame -ac 2 -b:a 128k -c:v png -disposition:v attached_pic
encode video_only.mp4 -f lavfi -i "$(video 320x180 25 2)" "${x264[@]}"
encode surround51.mp4 -f lavfi -i "$(video 320x180 25 2)" -f lavfi -i "$(tone 440 48000 2),aformat=channel_layouts=5.1" \
  "${x264[@]}" -c:a aac -b:a 256k -metadata:s:a:0 language=fra
encode audio44k.mp4 -f lavfi -i "$(video 320x180 25 2)" -f lavfi -i "$(tone 440 44100 2)" \
  "${x264[@]}" "${aac[@]}" -ac 2
encode anamorphic.mp4 -f lavfi -i "$(video 720x576 25 2),setsar=64/45" "${x264[@]}"

# The stsd sample entry type is the codec's four-character code; an unknown one leaves codec_id NONE.
derive no_decoder.mp4 python3 -c '
import os, sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.find(b"avc1", data.find(b"stsd"))
data[at:at + 4] = b"zzzz"
open(os.environ["tmp"], "wb").write(data)' "$dir/video_only.mp4"

# Broken inputs: each must give one clear error line (or, for garbage_appended, still probe).
derive broken_empty.mp4 sh -c ': > "$tmp"'
derive broken_text.txt sh -c 'printf "These are notes, not media.\nmediaserve should say so in one line.\n" > "$tmp"'
derive broken_not_media.mp4 sh -c 'printf "Just text with a video extension.\n" > "$tmp"'
# Default mp4 muxing puts moov at the end, so the first half holds ftyp + part of mdat and no moov.
derive broken_truncated.mp4 sh -c 'size=$(stat -c %s "$0"); head -c $((size / 2)) "$0" > "$tmp"' "$dir/video_only.mp4"
derive broken_garbage_appended.mp4 sh -c 'cat "$0" > "$tmp"; head -c 262144 /dev/urandom >> "$tmp"' "$dir/video_only.mp4"
if [ -e "$dir/broken_directory.mp4" ]; then skipped=$((skipped + 1)); else mkdir "$dir/broken_directory.mp4"; made=$((made + 1)); fi
if [ -e "$dir/broken_subtitles_only.mkv" ]; then skipped=$((skipped + 1)); else
  srt="$dir/.partial.subtitles.srt"
  printf '1\n00:00:00,000 --> 00:00:01,500\nHello\n\n2\n00:00:01,500 --> 00:00:03,000\nWorld\n' > "$srt"
  encode broken_subtitles_only.mkv -i "$srt" -c:s srt
  rm -f "$srt"
fi

if [ ! -e "$dir/broken_data_only.mov" ]; then
  encode .timecode-source.mov -f lavfi -i "$(video 160x90 25 1)" "${x264[@]}" -timecode 01:00:00:00
  encode broken_data_only.mov -i "$dir/.timecode-source.mov" -map 0:d -c copy
  rm -f "$dir/.timecode-source.mov"
else
  skipped=$((skipped + 1))
fi

sed -n '/^# name /,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' > "$dir/.partial.MANIFEST.txt"
mv "$dir/.partial.MANIFEST.txt" "$dir/MANIFEST.txt"
echo "make-fixtures: $made made, $skipped already present, $(( $(date +%s) - started )) s"
