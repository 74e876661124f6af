"""Two wrk runs against one server, taking turns every few hundred milliseconds, for comparing two kinds of
request (scripts/bench/origin-access.sh: a public asset against a signed one).

Why: on the shared 2-core VM the server's CPU per request moves by 15-25 % from one second to the next
(another VM on the same host, processes outside the benchmark lock; a spin loop pinned to one core read
58-110 % of its median speed in 1 s windows while the machine was held). Two runs made one after the other,
even 2 s apart, take that as the difference between them. Here both wrk processes run for the whole round,
one stopped (SIGSTOP) while the other goes, switched every SLICE seconds, so both see the same moments of
the machine; at every switch the server finishes what the stopped one had sent, then its CPU time
(schedstat, all its threads) is read and charged to the one whose turn it was.

usage: interleaved_wrk.py SERVER_PID SLICE_S ROUND_S OUT_PREFIX A_URL B_URL [FIRST] -- WRK_COMMAND...
Writes OUT_PREFIX-a.txt and OUT_PREFIX-b.txt (wrk's output) and prints one line:
"<a requests> <a active s> <a server ns> <b requests> <b active s> <b server ns>".
WRK_COMMAND is the wrk command line without its -d and URL (e.g. taskset -c 1 wrk -t1 -c50).
"""
import glob
import os
import re
import signal
import subprocess
import sys
import time


def server_ns(pid):
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as stat:
                total += int(stat.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended between the listing and the read
    return total


def settled(pid, step=0.001, limit=0.5):
    """The server's CPU time once it has stopped running: after a wrk is stopped, the server still answers
    the requests it had sent (up to one per connection); that work is its turn's, so the switch waits for
    it (and counts the wait in that turn's time). Otherwise each turn would get the other's left-overs,
    which pulls the two figures together (by 13 % of their difference at 0.05 s turns of a small segment)."""
    last = server_ns(pid)
    waited = 0.0
    while waited < limit:
        time.sleep(step)
        waited += step
        now = server_ns(pid)
        if now - last < step * 1e8:  # under 10 % of the step: idle
            return now
        last = now
    return last


def main():
    split = sys.argv.index("--")
    args, wrk = sys.argv[1:split], sys.argv[split + 1:]
    pid, slice_s, round_s, prefix, urls = int(args[0]), float(args[1]), float(args[2]), args[3], (args[4], args[5])
    first = int(args[6]) if len(args) > 6 else 0
    # wrk takes whole seconds; it runs a little longer than the round, and is stopped with SIGINT (it then
    # prints its report) once both have had the round.
    seconds = str(int(round_s) + 5) + "s"
    outs = [open(f"{prefix}-{name}.txt", "w") for name in ("a", "b")]
    procs = [subprocess.Popen(wrk + ["-d", seconds, url], stdout=out, stderr=subprocess.STDOUT) for url, out in zip(urls, outs)]
    active = first
    os.kill(procs[1 - active].pid, signal.SIGSTOP)
    spent = [0.0, 0.0]
    cpu = [0, 0]
    start = time.monotonic()
    mark, ns = start, server_ns(pid)
    while time.monotonic() - start < round_s:
        time.sleep(slice_s)
        os.kill(procs[active].pid, signal.SIGSTOP)
        ns_now = settled(pid)
        now = time.monotonic()
        spent[active] += now - mark
        cpu[active] += ns_now - ns
        active = 1 - active
        mark, ns = now, ns_now
        if now - start < round_s:
            os.kill(procs[active].pid, signal.SIGCONT)
    # Both stopped now: end them (wrk prints its report on SIGINT).
    for proc in procs:
        os.kill(proc.pid, signal.SIGINT)
        os.kill(proc.pid, signal.SIGCONT)
    for proc in procs:
        proc.wait(timeout=30)
    for out in outs:
        out.close()
    counts = []
    for name in ("a", "b"):
        text = open(f"{prefix}-{name}.txt").read()
        found = re.search(r"(\d+) requests in", text)
        if not found:
            sys.exit(f"interleaved_wrk: no report from wrk ({prefix}-{name}.txt): {text[-300:]}")
        counts.append(int(found.group(1)))
    print(counts[0], f"{spent[0]:.4f}", cpu[0], counts[1], f"{spent[1]:.4f}", cpu[1])


if __name__ == "__main__":
    main()
