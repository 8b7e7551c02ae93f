"""CPU used by each kind of process over a window, from /proc (Linux):

    python3 bench/cpusplit.py 40

Run it in the middle of a load run (bench/load.sh): it prints the share of a core taken by
gunicorn (the app), PostgreSQL's processes, locust and everything else, and the machine's
idle and steal time, all in % of one core. Needs nothing but the standard library.
"""
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def _kind(pid: str) -> str | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if "gunicorn" in command:
        return "app"
    if command.startswith("postgres"):
        return "postgresql"
    if "locust" in command:
        return "locust"
    return "other"


def _processes() -> dict:
    """pid -> (kind, user + system ticks so far)."""
    seen = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[pid] = (_kind(pid), int(fields[11]) + int(fields[12]))
    return seen


def _machine() -> tuple[int, int, int]:
    """All ticks, idle (with I/O wait) ticks and steal ticks of every core so far."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return sum(values), values[3] + values[4], values[7]


def main(seconds: float):
    before, machine_before = _processes(), _machine()
    time.sleep(seconds)
    after, machine_after = _processes(), _machine()
    used = {}
    for pid, (kind, ticks) in after.items():
        if kind is not None:
            used[kind] = used.get(kind, 0) + ticks - before.get(pid, (kind, 0))[1]
    cores = os.cpu_count() or 1
    total = machine_after[0] - machine_before[0]
    idle = (machine_after[1] - machine_before[1]) / total * cores
    steal = (machine_after[2] - machine_before[2]) / total * cores
    shares = "  ".join(f"{kind} {100 * ticks / TICKS / seconds:.0f} %"
                       for kind, ticks in sorted(used.items()))
    print(f"{shares}  idle {100 * idle:.0f} %  steal {100 * steal:.1f} %  (% of one core)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 40)
