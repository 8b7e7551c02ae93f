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


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_and_show_passwords(port: int, timeout: float = 60.0):
    """Once the server answers, print the demo passwords last, where they are not lost in
    the start-up log (``flask reset-demo`` makes new ones)."""
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    passwords = ROOT / "instance" / "demo-passwords.txt"
    lines = [f"referral is up: http://127.0.0.1:{port}"]
    if passwords.exists():
        lines += ["Demo users (sign in with these; `make reset-demo` gives new ones):",
                  passwords.read_text(encoding="utf-8").rstrip()]
    print("\n" + "\n".join(lines) + "\n", flush=True)


def main(port: str = "5000") -> int:
    if not port.isdigit() or not 0 < int(port) < 65536:
        print(f"referral: PORT={port!r} is not a port number.", file=sys.stderr)
        return 2
    if not port_is_free(int(port)):
        print(f"referral: port {port} is already in use (is another `make run` running?). "
              f"Stop it, or choose another port: make run PORT=5001", file=sys.stderr)
        return 1
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
    import threading
    threading.Thread(target=_wait_and_show_passwords, args=(int(port),), daemon=True).start()
    status = 0
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        # A child that exits on its own (the server could not start) is a failure.
        status = next((child.returncode for child in children
                       if child.poll() is not None and child.returncode), 0) or 1
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return status


if __name__ == "__main__":
    sys.exit(main(os.environ.get("PORT", "5000")))
