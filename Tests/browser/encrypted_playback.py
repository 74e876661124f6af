#!/usr/bin/env python3
"""Encrypted playback in headless Chromium (issue 13): a real `mediaserve serve` with a master key, a source
uploaded through the admin API and marked encrypted, then
  - hls.js 1.6 (scripts/fetch-player.sh serves it at /player/hls.js) plays the HLS AES-128 presentation,
    fetching /keys/<kid> itself;
  - a small MSE/EME page of our own (the script below, run on the server's origin so it is a secure context)
    plays the DASH `cenc` presentation through Chromium's built-in W3C ClearKey CDM: the `encrypted` event's
    init data (our pssh) becomes a licence request to the MPD's dashif:laurl (POST /clearkey/license);
  - the same page with a wrong key must NOT play (so the check can fail).
Video.js 7.5.5 is not a case here: its bundled VHS 1.9.3 cannot play AES-128 with fMP4 (EXT-X-MAP) from any
server. For a keyed segment `handleSegmentResponse` stores the body as `segment.encryptedBytes` and leaves
`segment.bytes` undefined, then, because the init is loaded (`segment.map.bytes`), hands `segment.bytes` to
the CEA-608 caption parser before decrypting: `parseCaptionNals` -> `probe.findBox(undefined)` reads
`data.byteLength` and throws "Cannot read properties of undefined (reading 'byteLength')" (video.js of the
js.videojs 7.5.5 sdist: lines ~51535-51548, 38136, 37995, 31688). Nothing in the playlist or the bytes
(IV, key URI, clear init, padding) reaches that code path; docs/encryption-notes.md has the
finding.

    /usr/bin/python3 Tests/browser/encrypted_playback.py --binary .build/debug/mediaserve --player .player
"""
import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import preview_playback as preview
import signed_playback

ASSET = "enc-clip"

# Plays the lowest video Representation of an MPD through MSE with ClearKey. Arguments: MPD URL, whether to
# answer the licence request with a wrong key, and Selenium's callback.
EME_PAGE = r"""
const [mpdUrl, wrongKey, done] = arguments;
(async () => {
  const log = [];
  let licensed = false;
  try {
    const ns = 'urn:mpeg:dash:schema:mpd:2011';
    const xml = new DOMParser().parseFromString(await (await fetch(mpdUrl)).text(), 'application/xml');
    const set = [...xml.getElementsByTagNameNS(ns, 'AdaptationSet')].find(s => s.getAttribute('contentType') === 'video');
    const rep = [...set.getElementsByTagNameNS(ns, 'Representation')]
      .sort((a, b) => +a.getAttribute('bandwidth') - +b.getAttribute('bandwidth'))[0];
    const template = rep.getElementsByTagNameNS(ns, 'SegmentTemplate')[0];
    const laurl = set.getElementsByTagNameNS('https://dashif.org/CPS', 'laurl')[0].textContent;
    const mime = 'video/mp4; codecs="' + rep.getAttribute('codecs') + '"';
    const base = new URL(mpdUrl, location.href);
    const url = (pattern, n) => new URL(pattern.replace('$RepresentationID$', rep.getAttribute('id')).replace('$Number$', n), base);
    const numbers = [];
    let number = +template.getAttribute('startNumber');
    for (const s of template.getElementsByTagNameNS(ns, 'S')) {
      for (let i = 0; i <= +(s.getAttribute('r') || 0); i++) numbers.push(number++);
    }
    const video = document.createElement('video');
    video.muted = true;
    document.body.appendChild(video);
    const access = await navigator.requestMediaKeySystemAccess('org.w3.clearkey',
      [{initDataTypes: ['cenc'], videoCapabilities: [{contentType: mime}]}]);
    const keys = await access.createMediaKeys();
    await video.setMediaKeys(keys);
    video.addEventListener('encrypted', async (event) => {
      const session = keys.createSession();
      session.addEventListener('message', async (message) => {
        try {
          let licence;
          if (wrongKey) {
            const request = JSON.parse(new TextDecoder().decode(message.message));
            licence = JSON.stringify({keys: request.kids.map(kid => ({kty: 'oct', kid, k: 'AAECAwQFBgcICQoLDA0ODw'}))});
          } else {
            const response = await fetch(laurl, {method: 'POST', body: message.message});
            if (!response.ok) throw new Error('licence ' + response.status);
            licence = await response.text();
          }
          await session.update(new TextEncoder().encode(licence));
          licensed = true;
        } catch (e) { log.push('licence: ' + e); }
      });
      try { await session.generateRequest(event.initDataType, event.initData); } catch (e) { log.push('request: ' + e); }
    });
    const source = new MediaSource();
    video.src = URL.createObjectURL(source);
    await new Promise(resolve => source.addEventListener('sourceopen', resolve, {once: true}));
    const buffer = source.addSourceBuffer(mime);
    const append = bytes => new Promise((resolve, reject) => {
      buffer.addEventListener('updateend', resolve, {once: true});
      buffer.addEventListener('error', () => reject(new Error('append failed')), {once: true});
      buffer.appendBuffer(bytes);
    });
    const get = async target => {
      const response = await fetch(target);
      if (!response.ok) throw new Error(target + ': ' + response.status);
      return response.arrayBuffer();
    };
    await append(await get(url(template.getAttribute('initialization'), 0)));
    for (const n of numbers) await append(await get(url(template.getAttribute('media'), n)));
    source.endOfStream();
    video.play().catch(e => log.push('play: ' + e));
    const start = performance.now();
    while (performance.now() - start < 30000 && !video.error && video.currentTime <= 1.5) {
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    done({currentTime: video.currentTime, frames: video.getVideoPlaybackQuality().totalVideoFrames, licensed,
          segments: numbers.length, error: video.error ? video.error.code + ' ' + video.error.message : '', log});
  } catch (e) {
    done({currentTime: 0, frames: 0, licensed, error: String(e), log});
  }
})();
"""


def text(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read().decode()


def eme_plays(driver, port, wrong_key):
    driver.get(f"http://127.0.0.1:{port}/")
    result = driver.execute_async_script(EME_PAGE, f"/vod/{ASSET}/manifest.mpd?scheme=cenc", wrong_key)
    label = "DASH cenc via ClearKey" + (" with a wrong key" if wrong_key else "")
    print(f"browser: {label}: {json.dumps(result)}")
    return result["currentTime"] > 1.5 and result["frames"] > 0 and result["licensed"] and not result["error"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--player", required=True, help="folder with video.min.js (scripts/fetch-player.sh)")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="mediaserve-browser-enc-")
    source = os.path.join(data_dir, "source.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8",
                    "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", source], check=True)
    os.environ["MEDIASERVE_DRM_MASTER_KEY"] = secrets.token_hex(32)
    process, port, _ = preview.start_server(os.path.abspath(args.binary), data_dir, os.path.abspath(args.player))
    results = []
    try:
        preview.upload_and_wait(port, source, ASSET)
        preview.api(port, "PATCH", f"/assets/{ASSET}", json.dumps({"encrypted": True}).encode())
        master = text(port, f"/vod/{ASSET}/master.m3u8")
        media_path = next(line for line in master.splitlines() if line and not line.startswith("#"))
        media = text(port, f"/vod/{ASSET}/{media_path}")
        if "#EXT-X-KEY:METHOD=AES-128" not in media:
            raise SystemExit("browser: the media playlist of the encrypted asset has no AES-128 key:\n" + media)
        driver = preview.make_driver()
        driver.set_script_timeout(90)
        try:
            results.append(bool(signed_playback.hlsjs(driver, f"http://127.0.0.1:{port}", f"/vod/{ASSET}/master.m3u8",
                                                      "hls.js HLS AES-128")))
            results.append(eme_plays(driver, port, wrong_key=False))
            results.append(not eme_plays(driver, port, wrong_key=True))
        finally:
            driver.quit()
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    played = sum(results)
    print(f"browser (encrypted): {played} passed, {3 - played} failed")
    return 0 if played == 3 else 1


if __name__ == "__main__":
    sys.exit(main())
