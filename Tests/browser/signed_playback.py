"""Signed-URL cases of the browser test (issue 12): the VOD asset is switched to policy `signed`
(PATCH /api/v1/assets/{id}), a playback URL is minted (POST /api/v1/playback-urls), and then hls.js and
Video.js in headless Chromium and the ffmpeg program play it through the origin's token propagation
(every child playlist, init and segment URI carries the token; a player that resolves relative URIs
keeps it). The unsigned URL must get 403 and hls.js must fail on a tampered one, so a case cannot pass
because the asset was open after all.

hls.js 1.6 is the copy scripts/fetch-player.sh extracts from the gradio wheel and serves as
/player/hls.js (its Hls class exported); Video.js 7.5 is the preview page's own.
"""
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

CASES = ("hls.js HLS", "Video.js HLS", "Video.js DASH", "ffmpeg HLS")
SIGNING_KEY = "browser-test-signing-key-0123456789"


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def protect_and_mint(api, asset):
    """Makes `asset` signed-only and returns its signed HLS and DASH paths."""
    api("PATCH", f"/assets/{asset}", json.dumps({"access": "signed"}).encode())
    urls = api("POST", "/playback-urls", json.dumps({"asset": asset, "expiresIn": 900}).encode())
    if "sig=" not in urls.get("hls", "") or "sig=" not in urls.get("dash", ""):
        raise SystemExit(f"playback-urls minted no signed URLs: {urls}")
    return urls["hls"], urls["dash"]


def wait_playing(driver, script, label, seconds=45):
    """Polls `script` (returning [currentTime, error text, note]) until playback passed 1.5 s or the
    element reports an error; prints the outcome (and the console on failure). Shared with the preview
    page's cases in preview_playback.py."""
    deadline = time.time() + seconds
    seen = None
    while time.time() < deadline:
        seen = driver.execute_script(script)
        if seen and seen[1]:
            break
        if seen and seen[0] > 1.5:
            note = f" ({seen[2]})" if len(seen) > 2 and seen[2] else ""
            print(f"browser: {label} playing, currentTime={seen[0]:.2f}s{note}")
            return True
        time.sleep(0.5)
    print(f"browser: {label} did not play: {seen}", file=sys.stderr)
    for entry in driver.get_log("browser")[-20:]:
        print("  console:", entry.get("message"), file=sys.stderr)
    return False


HLSJS_START = """
var url = arguments[0], done = arguments[arguments.length - 1];
import('/player/hls.js').then(function (module) {
  var Hls = module.Hls;
  if (!Hls || !Hls.isSupported()) { done('hls.js missing or unsupported'); return; }
  var video = document.createElement('video');
  video.muted = true;
  document.body.appendChild(video);
  window.signedVideo = video;
  window.signedErrors = [];
  var hls = new Hls();
  hls.on(Hls.Events.ERROR, function (event, data) {
    if (data.fatal) window.signedErrors.push(data.details + ' ' + ((data.response && data.response.code) || ''));
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  video.play().catch(function () {});
  done('started ' + Hls.version);
}, function (error) { done('import failed: ' + error); });
"""
HLSJS_POLL = "return window.signedVideo ? [window.signedVideo.currentTime, window.signedErrors.join('; ')] : null;"

VIDEOJS_START = """
var url = arguments[0], type = arguments[1];
var video = document.createElement('video');
video.id = 'signed-player'; video.muted = true; video.className = 'video-js';
document.body.appendChild(video);
var engine = { overrideNative: true };
window.signedPlayer = videojs('signed-player', { html5: { hls: engine, vhs: engine, nativeAudioTracks: false, nativeVideoTracks: false } });
window.signedPlayer.src({ src: url, type: type });
var playing = window.signedPlayer.play();
if (playing && playing.catch) playing.catch(function () {});
"""
VIDEOJS_POLL = "var p = window.signedPlayer; return p ? [p.currentTime(), (p.error() && p.error().message) || ''] : null;"


def hlsjs(driver, base, url, label):
    driver.get(base + "/")
    started = driver.execute_async_script(HLSJS_START, base + url)
    print(f"browser: signed {label}: {started}")
    if not started.startswith("started"):
        return None
    return wait_playing(driver, HLSJS_POLL, "signed " + label)


def hlsjs_refused(driver, base, url):
    """hls.js on a tampered URL: a fatal manifest error with 403, and no playback."""
    driver.get(base + "/")
    if not driver.execute_async_script(HLSJS_START, base + url).startswith("started"):
        return False
    deadline = time.time() + 30
    while time.time() < deadline:
        seen = driver.execute_script(HLSJS_POLL)
        if seen and seen[1]:
            refused = "403" in seen[1] and seen[0] == 0
            print(f"browser: tampered URL in hls.js: {seen[1]} ({'refused' if refused else 'NOT refused as expected'})")
            return refused
        time.sleep(0.5)
    print("browser: tampered URL in hls.js: no error reported", file=sys.stderr)
    return False


def videojs(driver, base, url, label, mime):
    driver.get(base + "/")
    driver.execute_script(VIDEOJS_START, base + url, mime)
    return wait_playing(driver, VIDEOJS_POLL, "signed " + label)


def ffmpeg(base, url):
    result = subprocess.run(["ffmpeg", "-v", "error", "-i", base + url, "-map", "0", "-f", "null", "-"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    played = result.returncode == 0
    print(f"browser: signed ffmpeg HLS {'decoded every stream' if played else 'failed: ' + result.stderr[-400:]}")
    return played


def run(driver, base, api, asset):
    """Runs every case in CASES; returns one boolean per case, in that order."""
    hls, dash = protect_and_mint(api, asset)
    bare = status_of(f"{base}/vod/{asset}/master.m3u8")
    if bare != 403:
        print(f"browser: the unsigned URL of a signed asset answered {bare}, not 403", file=sys.stderr)
        return [False] * len(CASES)
    # One character inside the signature (the last one's low bits are base64 padding).
    at = len(hls) - 10
    tampered = hls[:at] + ("A" if hls[at] != "A" else "B") + hls[at + 1:]
    refused = hlsjs_refused(driver, base, tampered)
    return [
        bool(hlsjs(driver, base, hls, "hls.js HLS")) and refused,
        videojs(driver, base, hls, "Video.js HLS", "application/x-mpegURL"),
        videojs(driver, base, dash, "Video.js DASH", "application/dash+xml"),
        ffmpeg(base, hls),
    ]
