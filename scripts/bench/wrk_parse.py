"""wrk's --latency output as numbers, for the origin benchmarks' reports (scripts/bench/lib.sh runs wrk)."""
import re

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def parse(path):
    """req/s, MiB/s, p99 in ms, non-2xx/3xx count, total requests and socket errors of one wrk run."""
    text = open(path).read()
    value, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text).groups()
    value99, unit99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "mib": float(value) * SIZES[unit] / 1024**2,
        "p99": float(value99) * UNITS[unit99],
        "errors": int(errors.group(1)) if errors else 0,
        "total": int(re.search(r"(\d+) requests in", text).group(1)),
        "socket": socket.group(1) if socket else "",
    }
