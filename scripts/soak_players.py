#!/usr/bin/env python3
"""make soak: simulated players against a running mediaserve (issue 17), standard library only.

Each player keeps one keep-alive connection, as a player does. Live players load a stream's master playlist,
then reload its first media playlist every target duration and fetch each segment they have not fetched yet;
VOD players load the master playlist and the MPD, then a media playlist, then fetch its segments at playback
pace (one per EXTINF) and start over at the end. Prints one JSON object: requests, errors (anything but
200/304, resets, timeouts) and p50/p99 latency per object kind.
"""
import argparse, asyncio, json, multiprocessing, random, re, sys, time

KINDS = ("live_playlist", "live_segment", "vod_manifest", "vod_segment")


class Stats:
    def __init__(self):
        self.latency = {k: [] for k in KINDS}
        self.errors = {k: 0 for k in KINDS}
        self.examples = []

    def record(self, kind, seconds, ok, what=""):
        self.latency[kind].append(seconds)
        if not ok:
            self.errors[kind] += 1
            if len(self.examples) < 10:
                self.examples.append(what)

    def merge(self, other):
        for kind in KINDS:
            self.latency[kind] += other["latency"][kind]
            self.errors[kind] += other["errors"][kind]
        self.examples += other["examples"][:max(0, 10 - len(self.examples))]

    def raw(self):
        return {"latency": self.latency, "errors": self.errors, "examples": self.examples}

    def summary(self):
        out = {"requests": sum(len(v) for v in self.latency.values()), "errors": sum(self.errors.values()),
               "error_examples": self.examples, "kinds": {}}
        for kind, values in self.latency.items():
            values = sorted(values)
            pick = lambda q: round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 2) if values else None
            out["kinds"][kind] = {"requests": len(values), "errors": self.errors[kind], "p50_ms": pick(0.50), "p99_ms": pick(0.99)}
        return out


class Connection:
    """One HTTP/1.1 keep-alive connection; reconnects after the server closes it."""
    def __init__(self, host, port):
        self.host, self.port, self.reader, self.writer = host, port, None, None

    async def get(self, path, timeout=10):
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
                return await asyncio.wait_for(self._response(), timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                self.close()
                if attempt == 1:
                    raise error
            except asyncio.TimeoutError:
                self.close()
                raise

    async def _response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = b""
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def resolve(base, uri):
    return uri if uri.startswith("/") else base.rsplit("/", 1)[0] + "/" + uri


async def timed(stats, kind, connection, path):
    started = time.monotonic()
    try:
        status, body = await connection.get(path)
        stats.record(kind, time.monotonic() - started, status in (200, 304), f"{status} {path}")
        return status, body
    except Exception as error:  # a reset, a timeout: an error, and the player goes on
        stats.record(kind, time.monotonic() - started, False, f"{type(error).__name__} {path}")
        return None, b""


async def live_player(args, stats, stream, deadline):
    connection = Connection(args.host, args.port)
    master = f"/live/{stream}/master.m3u8"
    status, body = await timed(stats, "live_playlist", connection, master)
    uris = [l for l in body.decode(errors="replace").splitlines() if l and not l.startswith("#")]
    if not uris:
        return
    playlist = resolve(master, uris[0])
    seen = set()
    while time.monotonic() < deadline:
        started = time.monotonic()
        status, body = await timed(stats, "live_playlist", connection, playlist)
        text = body.decode(errors="replace")
        target = float((re.search(r"#EXT-X-TARGETDURATION:(\d+)", text) or [None, 6])[1])
        segments = [l for l in text.splitlines() if l and not l.startswith("#")]
        new = [s for s in segments if s not in seen]
        if not seen:
            new = new[-3:]  # a player starts near the live edge
        for segment in new:
            seen.add(segment)
            await timed(stats, "live_segment", connection, resolve(playlist, segment))
        seen.intersection_update(segments)
        await asyncio.sleep(max(0.1, target - (time.monotonic() - started)))
    connection.close()


async def vod_player(args, stats, asset, deadline):
    connection = Connection(args.host, args.port)
    while time.monotonic() < deadline:
        master = f"/vod/{asset}/master.m3u8"
        status, body = await timed(stats, "vod_manifest", connection, master)
        await timed(stats, "vod_manifest", connection, f"/vod/{asset}/manifest.mpd")
        uris = [l for l in body.decode(errors="replace").splitlines() if l and not l.startswith("#")]
        if not uris:
            await asyncio.sleep(1)
            continue
        playlist = resolve(master, random.choice(uris))
        status, body = await timed(stats, "vod_manifest", connection, playlist)
        lines = body.decode(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if time.monotonic() >= deadline:
                break
            if line.startswith("#EXTINF:"):
                duration = float(line[8:].split(",")[0])
                started = time.monotonic()
                await timed(stats, "vod_segment", connection, resolve(playlist, lines[i + 1]))
                await asyncio.sleep(max(0.05, duration - (time.monotonic() - started)))
    connection.close()


def run_players(args, first, count, seconds):
    """One worker process: players number first..first+count-1 (their kind and stream follow from the
    number, as with one process), staggered over the first tenth of the run."""
    async def players():
        stats = Stats()
        deadline = time.monotonic() + seconds
        tasks = []
        for n in range(first, first + count):
            live = args.live and (not args.vod or n < args.players * args.live_share)
            if live:
                tasks.append(live_player(args, stats, args.live[n % len(args.live)], deadline))
            else:
                tasks.append(vod_player(args, stats, args.vod[n % len(args.vod)], deadline))
        async def staggered(coroutine, delay):
            await asyncio.sleep(delay)
            await coroutine
        ramp = min(30.0, seconds / 10)
        random.shuffle(tasks)  # live and VOD players arrive mixed
        await asyncio.gather(*(staggered(t, ramp * i / max(1, len(tasks))) for i, t in enumerate(tasks)))
        return stats
    return asyncio.run(players())


def worker(args, first, count, seconds, connection):
    stats = run_players(args, first, count, seconds)
    connection.send({"stats": stats.raw(), "cpu_seconds": time.process_time()})
    connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--live", nargs="*", default=[])
    parser.add_argument("--vod", nargs="*", default=[])
    parser.add_argument("--live-share", type=float, default=0.7)
    parser.add_argument("--workers", type=int, default=2,
                        help="processes the players are spread over (one Python process is one core at most)")
    args = parser.parse_args()
    started = time.monotonic()
    workers = max(1, min(args.workers, args.players))
    stats, cpu, processes = Stats(), 0.0, []
    for w in range(workers):
        first = args.players * w // workers
        count = args.players * (w + 1) // workers - first
        receiving, sending = multiprocessing.Pipe(duplex=False)
        process = multiprocessing.Process(target=worker, args=(args, first, count, args.seconds, sending))
        process.start()
        processes.append((process, receiving))
    for process, receiving in processes:
        result = receiving.recv()
        process.join()
        stats.merge(result["stats"])
        cpu += result["cpu_seconds"]
    summary = stats.summary()
    summary.update({"workers": workers, "cpu_seconds": round(cpu, 1), "seconds": round(time.monotonic() - started, 1)})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
