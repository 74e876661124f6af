"""CMCD case of the browser test (issue 16): hls.js 1.6 in headless Chromium plays the VOD asset with CMCD on
(`cmcd: {sessionId, contentId}`, sent as the `CMCD=` query argument of every playlist and segment request),
and the page reports playback events under the same session id, as an app wiring hls.js to
`POST /api/v1/playback-events` would. The server's session API (`GET /api/v1/analytics/sessions`) must then
show that one session with what hls.js sent: its `sid`, media requests credited with CMCD, the buffer
length (`bl`), the top bitrate (`tb`) and the encoded bitrates (`br`) of the renditions it fetched, which
must be the ones the master playlist offers; and the summary for the window must count it as the one
concurrent session, with a startup time.

hls.js is the copy scripts/fetch-player.sh puts in .player/ (served as /player/hls.js).
"""
import json
import re
import sys
import time
import urllib.request
import uuid

WAIT_SECONDS = 45

HLSJS_CMCD_START = """
var url = arguments[0], sid = arguments[1], asset = arguments[2], done = arguments[arguments.length - 1];
import('/player/hls.js').then(function (module) {
  var Hls = module.Hls;
  if (!Hls || !Hls.isSupported()) { done('hls.js missing or unsupported'); return; }
  var video = document.createElement('video');
  video.muted = true;
  document.body.appendChild(video);
  window.cmcdVideo = video;
  window.cmcdErrors = [];
  var hls = new Hls({ cmcd: { sessionId: sid, contentId: asset } });
  function send(type) {
    var level = hls.levels[hls.currentLevel];
    var event = { sessionId: sid, type: type, time: Date.now(), asset: asset, position: video.currentTime };
    if (level && level.bitrate) event.bitrate = level.bitrate;
    fetch('/api/v1/playback-events', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                       body: JSON.stringify({ events: [event] }) })
      .catch(function (error) { window.cmcdErrors.push('events: ' + error); });
  }
  var playing = false;
  video.addEventListener('playing', function () { if (!playing) { playing = true; send('playing'); } });
  window.cmcdBeat = setInterval(function () { if (playing) send('heartbeat'); }, 5000);
  hls.on(Hls.Events.ERROR, function (event, data) {
    if (data.fatal) window.cmcdErrors.push(data.details + ' ' + ((data.response && data.response.code) || ''));
  });
  send('start');
  hls.loadSource(url);
  hls.attachMedia(video);
  video.loop = true;
  video.play().catch(function () {});
  done('started ' + Hls.version);
}, function (error) { done('import failed: ' + error); });
"""
HLSJS_CMCD_POLL = "return window.cmcdVideo ? [window.cmcdVideo.currentTime, window.cmcdErrors.join('; ')] : null;"


def offered_bitrates(base, asset):
    """BANDWIDTH and AVERAGE-BANDWIDTH of every variant in the master playlist, in kbit/s (CMCD's unit)."""
    with urllib.request.urlopen(f"{base}/vod/{asset}/master.m3u8", timeout=10) as response:
        text = response.read().decode()
    return {round(int(value) / 1000) for value in re.findall(r"[:,](?:AVERAGE-)?BANDWIDTH=(\d+)", text)}


def run(driver, base, api_get, asset, wait_playing):
    """Plays `asset` in hls.js with CMCD and checks what the server recorded; True when it all holds."""
    sid = "cmcd-" + uuid.uuid4().hex[:12]
    started_ms = int(time.time() * 1000)
    driver.get(base + "/")
    started = driver.execute_async_script(HLSJS_CMCD_START, f"{base}/vod/{asset}/master.m3u8", sid, asset)
    print(f"browser: CMCD hls.js: {started}, session {sid}")
    if not started.startswith("started") or not wait_playing(driver, HLSJS_CMCD_POLL, "CMCD hls.js HLS"):
        return False
    offered = offered_bitrates(base, asset)
    deadline = time.time() + WAIT_SECONDS
    problems = ["nothing recorded yet"]
    while time.time() < deadline:
        listed = api_get(f"/analytics/sessions?asset={asset}&from={started_ms}")
        ours = [s for s in listed["sessions"] if s["id"] == sid]
        figures = api_get(f"/analytics/summary?asset={asset}&from={started_ms}")["summary"]
        problems = check(ours[0] if ours else None, figures, offered, asset)
        if not problems:
            session = ours[0]
            print(f"browser: CMCD: session {sid} on the server with {session['cmcdRequests']} CMCD requests, "
                  f"br {sorted(b // 1000 for b in session['renditions'])} kbit/s of offered {sorted(offered)}, "
                  f"bl {session['cmcdBufferMs']} ms, tb {session['cmcdTopBitrateKbps']} kbit/s, "
                  f"startup {session['startupMs']} ms, one concurrent viewer")
            stop(driver)
            return True
        time.sleep(1)
    print(f"browser: CMCD: {'; '.join(problems)}", file=sys.stderr)
    stop(driver)
    return False


def check(session, figures, offered, asset):
    """What the server should have recorded for the hls.js session; the list of what it lacks."""
    if session is None:
        return ["the session API does not list the hls.js session id (CMCD sid)"]
    problems = []
    if session["subject"] != {"kind": "asset", "id": asset}:
        problems.append(f"session credited to {session['subject']}")
    if session["cmcdRequests"] < 2:
        problems.append(f"{session['cmcdRequests']} media requests credited with CMCD")
    fetched = {bitrate // 1000 for bitrate in session["renditions"]}
    if not fetched or not all(is_offered(kbps, offered) for kbps in fetched):
        problems.append(f"CMCD br {sorted(fetched)} kbit/s is not among the offered {sorted(offered)}")
    if not isinstance(session.get("cmcdBufferMs"), int):
        problems.append(f"no CMCD buffer length (bl): {session.get('cmcdBufferMs')}")
    if not is_offered(session.get("cmcdTopBitrateKbps"), offered):
        problems.append(f"CMCD top bitrate (tb) {session.get('cmcdTopBitrateKbps')} is not an offered bitrate")
    if not (session.get("startupMs") or 0) > 0:
        problems.append(f"no startup time: {session.get('startupMs')}")
    if "Chrome" not in (session.get("userAgent") or ""):
        problems.append(f"user agent {session.get('userAgent')!r}")
    if figures.get("sessions") != 1 or figures.get("concurrentViewers") != 1:
        problems.append(f"summary since the case began: {json.dumps(figures)}")
    return problems


def is_offered(kbps, offered):
    """CMCD rounds bit/s to whole kbit/s (JavaScript rounding); allow that one kbit/s."""
    return isinstance(kbps, int) and any(abs(kbps - bitrate) <= 1 for bitrate in offered)


def stop(driver):
    driver.execute_script("if (window.cmcdBeat) clearInterval(window.cmcdBeat);"
                          "if (window.cmcdVideo) window.cmcdVideo.pause();")
