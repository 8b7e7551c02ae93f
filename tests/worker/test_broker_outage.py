"""Beat and the worker ride out a Redis outage and reconnect by themselves.

A Redis of the test's own, on its own port; a real worker and a real beat (RedBeat, as in
production) against it, with a short sweep interval. Beat starts while Redis is still down
and waits for it. Mid-run Redis is stopped for a minute (and comes back empty, as one without
persistence does) while follow-ups fall due. Every one of them is sent exactly once, within
one tick of Redis answering again, and both processes are still running."""
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from referral import ROOT
from referral.database import utcnow
from referral.extensions import db
from referral.reminders import service as reminders
from referral.reminders.models import Notification
from tests.factories import create_case

pytestmark = [pytest.mark.redis, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("redis-server") is None,
                                 reason="needs redis-server")]
TICK = 5  # seconds: the sweep interval for this test (production: 60 s)
OUTAGE = 60


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(port):
    return subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)


def _notified(deadline_ids):
    db.session.expire_all()
    rows = db.session.execute(
        select(Notification.deadline_id, Notification.kind, func.count())
        .where(Notification.deadline_id.in_(deadline_ids))
        .group_by(Notification.deadline_id, Notification.kind)).all()
    return {(deadline, kind): n for deadline, kind, n in rows}


def _plant(caseworker, n, due):
    case = create_case(caseworker)
    ids = [reminders.plan_deadline(case.id, "safety_task" if i % 2 else "hearing", due,
                                   source_key=f"outage-{due.timestamp()}-{i}",
                                   remind_days=(), risk=3 if i % 2 else 1).id
           for i in range(n)]
    db.session.commit()
    expected = {(i, "overdue") for i in ids}
    expected |= {(i, "escalation") for k, i in enumerate(ids) if k % 2}  # the urgent ones
    return ids, expected


def test_beat_and_worker_ride_out_a_redis_outage_and_send_every_reminder_once(
        app, caseworker, supervisor, tmp_path):
    caseworker.supervisor_id = supervisor.id
    db.session.commit()
    port = _free_port()
    env = dict(os.environ, REFERRAL_ENV="production",
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=f"redis://127.0.0.1:{port}/0", SECRET_KEY=app.config["SECRET_KEY"],
               ENCRYPTION_KEYS=app.config["ENCRYPTION_KEYS"],
               BLIND_INDEX_KEY=app.config["BLIND_INDEX_KEY"],
               AUDIT_KEY=app.config["AUDIT_KEY"],
               AUDIT_CHECKPOINT_STORE=app.config["AUDIT_CHECKPOINT_STORE"],
               SWEEP_INTERVAL_SECONDS=str(TICK), BROKER_RECONNECT_MAX_SECONDS="1")
    celery = [sys.executable, "-m", "celery", "-A", "worker.main"]
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("beat", "worker")}
    processes, server = {}, None

    def tail():
        return "\n".join(f"--- {name}\n" + (tmp_path / f"{name}.log").read_text()[-3000:]
                         for name in logs)

    def alive():
        return {name: p.poll() is None for name, p in processes.items()}

    def wait_sent(expected, timeout):
        deadline = time.monotonic() + timeout
        ids = {i for i, _ in expected}
        while time.monotonic() < deadline:
            if set(_notified(ids)) >= expected:
                return True
            time.sleep(0.2)
        return False

    try:
        # Beat starts while Redis is down, and waits for it instead of exiting.
        processes["beat"] = subprocess.Popen(celery + ["beat", "--loglevel=INFO"], cwd=ROOT,
                                             env=env, stdout=logs["beat"],
                                             stderr=subprocess.STDOUT)
        time.sleep(8)
        assert alive()["beat"], "beat exited while Redis was down at start\n" + tail()
        server = _redis(port)
        processes["worker"] = subprocess.Popen(
            celery + ["worker", "--pool=solo", "--loglevel=INFO", "--without-heartbeat",
                      "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT)
        _, first = _plant(caseworker, 2, utcnow() - timedelta(minutes=1))
        assert wait_sent(first, 30 + 2 * TICK), "nothing was swept once Redis came up\n" + tail()

        # Mid-run, Redis stops for a minute while follow-ups fall due.
        ids, expected = _plant(caseworker, 10, utcnow() + timedelta(seconds=8))
        server.terminate()
        server.wait(timeout=10)
        stopped = time.monotonic()
        while time.monotonic() - stopped < OUTAGE:
            assert all(alive().values()), f"{alive()} during the outage\n" + tail()
            time.sleep(1)
        assert _notified(set(ids)) == {}, "sent while Redis was down?"
        server = _redis(port)  # back, and empty: no lock, no schedule, no queue
        back = time.monotonic()
        assert wait_sent(expected, 4 * TICK), "not sent after Redis came back\n" + tail()
        late = time.monotonic() - back
        assert late <= TICK, f"sent {late:.1f} s after Redis returned (one tick: {TICK} s)"

        time.sleep(2 * TICK)  # more ticks: nothing is sent twice
        assert _notified(set(ids)) == {key: 1 for key in expected}
        assert all(alive().values()), tail()
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        for log in logs.values():
            log.close()
