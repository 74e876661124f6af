"""Viewer-analytics cases of the browser test (issue 16), run in the same Chromium as the playback cases.

- While the preview page plays an asset over HLS, its player's playback events reach the server: the admin
  summary for that asset shows exactly one session, counted as one concurrent viewer, with a startup time.
- The dashboard (/dashboard, admin key as the HTTP Basic password) renders its five SVG charts and the
  per-asset table in Chromium with no script error in the console.

The player is the preview page's (Video.js), which sends events but no CMCD; hls.js with CMCD on is
cmcd_playback.py's case (and AnalyticsOriginTests covers CMCD crediting in the Swift suites).
"""
import base64
import json
import sys
import time
import urllib.error
import urllib.request

# The preview page sends its queued events every 5 s; a loaded machine gets three rounds and more.
EVENT_WAIT_SECONDS = 30


def summary(api_get, asset):
    """The admin API's figures for one asset (GET /api/v1/analytics/summary?asset=)."""
    return api_get(f"/analytics/summary?asset={asset}")["summary"]


def assert_session_counted(api_get, asset):
    """Call while the preview page is playing `asset`: waits for one session with a startup time."""
    deadline = time.time() + EVENT_WAIT_SECONDS
    figures = None
    while time.time() < deadline:
        figures = summary(api_get, asset)
        startup = figures.get("startupTimeMs") or {}
        if figures.get("sessions") == 1 and figures.get("concurrentViewers") == 1 and startup.get("count") == 1:
            if startup.get("p50", 0) > 0:
                print(f"browser: analytics: one concurrent session, startup {startup['p50']} ms")
                return True
            break
        time.sleep(1)
    print(f"browser: analytics: the playing page is not one concurrent session with a startup time: "
          f"{json.dumps(figures)}", file=sys.stderr)
    return False


def assert_dashboard_renders(driver, base, api_key, asset):
    """Opens /dashboard with the admin key and checks its charts, its table and the console."""
    credentials = base64.b64encode(f"admin:{api_key}".encode()).decode()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Basic " + credentials}})
    try:
        driver.get_log("browser")  # drop what earlier pages logged
        driver.get(f"{base}/dashboard?range=1h")
        state = None
        deadline = time.time() + 15
        while time.time() < deadline:
            state = driver.execute_script(
                "const charts = [...document.querySelectorAll('svg.chart')];"
                "return {ready: document.readyState, flag: document.body && document.body.dataset.charts,"
                " charts: charts.length, drawn: charts.filter(c => c.querySelector('path.series[d^=M]')).length,"
                " viewers: !!document.querySelector('svg.chart[aria-label=\"Concurrent viewers\"] path.series[d^=M]'),"
                " sized: charts.filter(c => c.getBoundingClientRect().width > 100).length,"
                " rows: [...document.querySelectorAll('#subjects tbody tr td:nth-child(2)')].map(td => td.textContent)};")
            if state and state["ready"] == "complete" and state["flag"] is not None:
                break
            time.sleep(0.5)
        errors = [entry.get("message") for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
    finally:
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
    # Every chart is drawn and sized; the viewer chart has a line (the session played in this range).
    ok = (state is not None and state["flag"] == "5" and state["charts"] == 5 and state["viewers"]
          and state["sized"] == 5 and asset in state["rows"] and not errors)
    if ok:
        print(f"browser: dashboard: 5 charts ({state['drawn']} with a line), {asset} in the table, no script error")
    else:
        print(f"browser: dashboard: {state}; console errors: {errors}", file=sys.stderr)
    return ok


def refused_without_key(base):
    """The dashboard answers 401 with a Basic challenge when no key is sent."""
    try:
        urllib.request.urlopen(f"{base}/dashboard", timeout=30)
    except urllib.error.HTTPError as error:
        return error.code == 401 and (error.headers.get("WWW-Authenticate") or "").startswith("Basic")
    return False
