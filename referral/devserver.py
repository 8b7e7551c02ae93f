"""``make run``: the web app and a Celery worker with beat, started together, stopped together.

Ctrl-C (or SIGTERM) stops both; if either exits, the other is stopped too.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(port: str = "5000") -> int:
    bin_dir = Path(sys.executable).parent
    commands = [
        [str(bin_dir / "celery"), "-A", "worker.main", "worker", "-B", "--loglevel=INFO",
         "--concurrency=1", "--schedule", str(ROOT / "instance" / "celerybeat-schedule")],
        [str(bin_dir / "flask"), "--app", "referral", "run", "--host", "127.0.0.1",
         "--port", port],
    ]
    children = [subprocess.Popen(cmd, cwd=ROOT) for cmd in commands]
    print(f"referral: http://127.0.0.1:{port}  (Ctrl-C stops the app and the worker)",
          flush=True)

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(os.environ.get("PORT", "5000")))
