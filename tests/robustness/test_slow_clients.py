"""Clients that send part of a body and stall do not stall the service.

Served as in production (bench/serve.sh web: gunicorn with --preload and gthread workers),
on a port of the test's own. Five clients (as in the reliability report, where five of them
held all five sync workers for 30 s and a page took 46 s) and then more clients than there
are threads send headers and five bytes of a hundred-byte body, and wait. An ordinary request
answers at once beside the five, and after rounds of the body deadline beside the crowd;
each slow client gets 408 once its deadline passes."""
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from referral import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")]
WORKERS, THREADS, BODY_SECONDS = 2, 8, 3


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(app, tmp_path):
    pytest.importorskip("gunicorn")
    port = _free_port()
    env = dict(os.environ, REFERRAL_ENV="production", BIND=f"127.0.0.1:{port}",
               WEB_WORKERS=str(WORKERS), WEB_THREADS=str(THREADS),
               BODY_READ_TIMEOUT_SECONDS=str(BODY_SECONDS),
               PYTHON_BIN=str(Path(sys.executable).parent),
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=app.config.get("REDIS_URL") or f"redis://127.0.0.1:{_free_port()}/0",
               SECRET_KEY=app.config["SECRET_KEY"],
               ENCRYPTION_KEYS=app.config["ENCRYPTION_KEYS"],
               BLIND_INDEX_KEY=app.config["BLIND_INDEX_KEY"],
               AUDIT_KEY=app.config["AUDIT_KEY"],
               AUDIT_CHECKPOINT_STORE=app.config["AUDIT_CHECKPOINT_STORE"])
    log = open(tmp_path / "gunicorn.log", "w")
    server = subprocess.Popen(["bash", "bench/serve.sh", "web"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not answer\n" + (tmp_path / "gunicorn.log").read_text())
        for _ in range(4 * WORKERS):  # each worker has built the OpenAPI document once
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=30).read()
        yield port, base
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _stall(port):
    """Headers and 5 bytes of a declared 100-byte body, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /api/v1/auth/tokens HTTP/1.1\r\nHost: localhost\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"use")
    return sock


def _ordinary(base) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=30) as answer:
        assert answer.status == 200 and answer.read()
    return time.monotonic() - started


def test_five_slow_bodies_leave_ordinary_requests_answering_at_once(served):
    """Fewer than one worker's threads: wherever the connections land, a thread is free."""
    port, base = served
    slow = [_stall(port) for _ in range(5)]
    try:
        time.sleep(0.5)  # they hold their threads now
        assert _ordinary(base) < 2.0
        for sock in slow:  # and each is answered 408 once its deadline passes
            sock.settimeout(BODY_SECONDS + 10)
            assert sock.recv(100).startswith(b"HTTP/1.1 408")
    finally:
        for sock in slow:
            sock.close()


def test_more_slow_bodies_than_threads_delay_an_ordinary_request_by_rounds_of_the_deadline(
        served):
    """More stalled clients than threads: the ordinary request waits its turn, but each
    stalled client frees its thread after the deadline, so the wait is bounded by rounds of
    the deadline (in the worst case every connection lands on one worker), not by
    gunicorn's 30 s kill. The proxy is what keeps such clients out (docs/deployment.md)."""
    port, base = served
    stalled = WORKERS * THREADS + 4
    slow = [_stall(port) for _ in range(stalled)]
    try:
        time.sleep(0.5)
        rounds = math.ceil((stalled + 1) / THREADS)
        assert _ordinary(base) < rounds * BODY_SECONDS + 3.0
    finally:
        for sock in slow:
            sock.close()
