#!/usr/bin/env python3
"""Browser test of the preview page: a real `mediaserve serve`, a source uploaded through the admin API,
then headless Chromium opens `/` and plays the asset with HLS and with DASH (the <video> element's
currentTime must advance in both). Meanwhile ffmpeg publishes a live stream over RTMP; once it has a
DVR window, ffprobe and the page play it live over HLS and DASH and seek back (live_playback.py). While
the asset plays over HLS, its player's events make it one concurrent session with a startup time, and the
dashboard renders its charts without a script error (analytics_playback.py). hls.js with CMCD on plays it
and the session API shows that session with the CMCD fields hls.js sent (cmcd_playback.py).
Last, the asset is made signed-only and hls.js, Video.js and ffmpeg play a signed URL (signed_playback.py).

Run by `make test` after `swift test`:
    /usr/bin/python3 Tests/browser/preview_playback.py --binary .build/debug/mediaserve --player .player
Needs Debian's chromium, chromium-driver and python3-selenium (scripts/install-deps.sh browser).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import analytics_playback
import cmcd_playback
import live_playback
import signed_playback

API_KEY = "browser-test-key"


def start_server(binary, data_dir, player_dir, settings=()):
    """Starts `mediaserve serve` on free ports; returns (process, HTTP port, RTMP port) from its banner.
    `settings` are more `KEY=VALUE` for `--set` (the low-latency test's); `player_dir` may be None."""
    args = [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir,
            "--set", "api.key=" + API_KEY, "--set", "rtmp.port=0",
            "--set", "access.signing_key=" + signed_playback.SIGNING_KEY]
    args += ["--set", "srt.port=0"]  # SRT's default UDP port 9000 may be taken on a shared machine
    for setting in ([f"player.local_dir={player_dir}"] if player_dir else []) + list(settings):
        args += ["--set", setting]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    http_port = rtmp_port = None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        http_port = int(match.group(1)) if match else http_port
        match = re.search(r"rtmp://127\.0\.0\.1:(\d+)/", line)
        rtmp_port = int(match.group(1)) if match else rtmp_port
        if http_port and rtmp_port:
            # Keep draining the log so the server never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            return process, http_port, rtmp_port
    process.kill()
    raise SystemExit("server did not print its HTTP and RTMP URLs:\n" + "".join(lines))


def api(port, method, path, body=None, query=""):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}{query}", data=body, method=method,
                                     headers={"Authorization": "Bearer " + API_KEY})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def upload_and_wait(port, source, asset):
    with open(source, "rb") as handle:
        job = api(port, "POST", "/assets", handle.read(), f"?id={asset}")
    deadline = time.time() + 300
    while time.time() < deadline:
        job = api(port, "GET", f"/jobs/{job['id']}")
        if job["state"] == "succeeded":
            return
        if job["state"] in ("failed", "interrupted"):
            raise SystemExit(f"ingest job failed: {job}")
        time.sleep(1)
    raise SystemExit("ingest job did not finish in 300 s")


def make_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--autoplay-policy=no-user-gesture-required", "--mute-audio"):
        options.add_argument(flag)
    # Console messages of every level, so the dashboard case can tell a script error.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def assert_plays(driver, port, asset, fmt):
    driver.get(f"http://127.0.0.1:{port}/?asset={asset}&format={fmt}")
    script = "var v = document.querySelector('video'); return v ? [v.currentTime, (v.error && v.error.message) || '', " \
             "document.getElementById('status').textContent] : null;"
    return signed_playback.wait_playing(driver, script, fmt.upper())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source", help="source file (default: an 8 s 640x360 clip made with ffmpeg)")
    parser.add_argument("--player", required=True, help="folder with video.min.js (scripts/fetch-player.sh)")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="mediaserve-browser-")
    source = args.source
    if not source:
        source = os.path.join(data_dir, "source.mp4")
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8",
                        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", source], check=True)
    process, port, rtmp_port = start_server(os.path.abspath(args.binary), data_dir, os.path.abspath(args.player))
    base = f"http://127.0.0.1:{port}"
    results = []
    publisher = None
    try:
        # The live publisher starts first so that its DVR window fills while the VOD cases run.
        key = live_playback.create_stream(lambda method, path, body: api(port, method, path, body))
        publisher = live_playback.start_publisher(f"rtmp://127.0.0.1:{rtmp_port}/live/{key}")
        upload_and_wait(port, source, "browser-clip")
        driver = make_driver()
        try:
            results.append(assert_plays(driver, port, "browser-clip", "hls"))
            # The HLS page is still open and playing: its events must make it one concurrent session.
            results.append(analytics_playback.assert_session_counted(lambda path: api(port, "GET", path), "browser-clip"))
            results.append(assert_plays(driver, port, "browser-clip", "dash"))
            results.append(analytics_playback.refused_without_key(base)
                           and analytics_playback.assert_dashboard_renders(driver, base, API_KEY, "browser-clip"))
            try:
                live_playback.wait_for_segments(base, publisher, live_playback.SEGMENTS_FOR_DVR, timeout=90)
            except SystemExit as problem:
                print(f"browser: live: {problem}", file=sys.stderr)
            else:
                for fmt in ("hls", "dash"):
                    try:
                        results.append(live_playback.assert_plays_live(driver, base, fmt))
                    except Exception as problem:  # a failed request or a driver error fails this case only
                        print(f"browser: live {fmt.upper()}: {problem!r}", file=sys.stderr)
                        results.append(False)
            try:
                results.append(cmcd_playback.run(driver, base, lambda path: api(port, "GET", path), "browser-clip",
                                                 signed_playback.wait_playing))
            except Exception as problem:  # a failed request or a driver error fails this case only
                print(f"browser: CMCD: {problem!r}", file=sys.stderr)
                results.append(False)
            try:
                results += signed_playback.run(driver, base, lambda method, path, body: api(port, method, path, body),
                                               "browser-clip")
            except Exception as problem:  # a failed request or a driver error fails these cases, not the run
                print(f"browser: signed: {problem!r}", file=sys.stderr)
        finally:
            driver.quit()
    finally:
        if publisher:
            publisher.kill()
            publisher.wait()
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    played = sum(results)
    # The closing line in the plain form CI reads: VOD HLS, analytics, VOD DASH, dashboard, live HLS and DASH,
    # hls.js with CMCD, then the signed cases.
    expected = 7 + len(signed_playback.CASES)
    print(f"browser: {played} passed, {expected - played} failed")
    return 0 if played == expected else 1


if __name__ == "__main__":
    sys.exit(main())
