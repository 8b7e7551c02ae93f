"""Past one machine: two app processes, two workers and two beats on one PostgreSQL and
one Redis behave as one service.

Each app process is a gunicorn of its own (as a second host would run), started in
production mode by ``bench/serve.sh``; the workers and beats are real Celery processes.
A sign-in on one host is a session on the other; an idempotency key sent to one host and
then to the other makes one case; every follow-up is sent exactly once although two beats
run (RedBeat's lock lets one schedule) and two workers sweep."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from referral import ROOT
from referral.cases.models import Case
from referral.database import utcnow
from referral.extensions import db
from referral.reminders import service as reminders
from referral.reminders.models import Notification
from tests.factories import PASSWORD, create_case

pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("redis-server") is None,
                                 reason="needs redis-server")]
TICK = 3  # seconds between sweeps here (production: 60)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _call(url, *, data=None, headers=None, method=None):
    """(status, headers, body); redirects are answers, not followed."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read().decode()


@pytest.fixture
def two_hosts(app, tmp_path):
    """Two app hosts, two workers, two beats, one Redis of the test's own."""
    redis_port = _free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind",
                              "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL)
    env = dict(os.environ, REFERRAL_ENV="production",
               PYTHON_BIN=str(os.path.dirname(sys.executable)),
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
               SECRET_KEY=app.config["SECRET_KEY"],
               ENCRYPTION_KEYS=app.config["ENCRYPTION_KEYS"],
               BLIND_INDEX_KEY=app.config["BLIND_INDEX_KEY"],
               AUDIT_KEY=app.config["AUDIT_KEY"],
               AUDIT_CHECKPOINT_STORE=app.config["AUDIT_CHECKPOINT_STORE"],
               SWEEP_INTERVAL_SECONDS=str(TICK), WEB_WORKERS="1", WEB_THREADS="4",
               DATABASE_POOL_SIZE="4", WORKER_CONCURRENCY="1")
    processes, logs, bases = {}, {}, []

    def start(name, *args, **extra):
        logs[name] = open(tmp_path / f"{name}.log", "w")
        processes[name] = subprocess.Popen(["bash", "bench/serve.sh", *args], cwd=ROOT,
                                           env={**env, **extra}, stdout=logs[name],
                                           stderr=subprocess.STDOUT)

    def tail():
        return "\n".join(f"--- {name}\n" + (tmp_path / f"{name}.log").read_text()[-2000:]
                         for name in logs)

    try:
        for host in ("a", "b"):
            port = _free_port()
            start(f"web-{host}", "web", BIND=f"127.0.0.1:{port}")
            bases.append(f"http://127.0.0.1:{port}")
        for host in ("a", "b"):
            start(f"worker-{host}", "worker")
            start(f"beat-{host}", "beat")
        deadline = time.monotonic() + 120
        for base in bases:
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "a host did not answer\n" + tail()
                    assert all(p.poll() is None for p in processes.values()), tail()
                    time.sleep(0.5)
        yield bases, tail, processes
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.terminate()
        redis.wait(timeout=10)
        for log in logs.values():
            log.close()


def _sign_in(base, username):
    """The session cookie a browser would keep after signing in on ``base``."""
    status, headers, body = _call(base + "/login")
    assert status == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    form = urllib.parse.urlencode({"csrf_token": token, "username": username,
                                   "password": PASSWORD}).encode()
    status, headers, _ = _call(base + "/login", data=form, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302 and "/login" not in headers["Location"]
    return headers["Set-Cookie"].split(";", 1)[0]


def test_two_hosts_two_workers_and_two_beats_behave_as_one_service(two_hosts, caseworker,
                                                                   supervisor):
    """Started once (each host takes seconds to start on a small machine), checked thrice."""
    a_session_and_an_idempotency_key_hold_across_two_hosts(two_hosts, caseworker)
    every_follow_up_is_sent_exactly_once(two_hosts, caseworker, supervisor)


def a_session_and_an_idempotency_key_hold_across_two_hosts(two_hosts, caseworker):
    (a, b), tail, _ = two_hosts
    # Signed in on one host, the person is signed in on the other.
    cookie = _sign_in(a, caseworker.username)
    status, headers, body = _call(b + "/cases/", headers={"Cookie": cookie})
    assert status == 200, (status, headers.get("Location"), tail())
    assert "csrf_token" in body  # the signed-in layout, not the sign-in page
    # An integration retrying through the other host gets the first answer, and one case.
    status, _, body = _call(a + "/api/v1/auth/tokens", method="POST",
                            data=json.dumps({"username": caseworker.username,
                                             "password": PASSWORD}).encode(),
                            headers={"Content-Type": "application/json"})
    assert status in (200, 201), body
    token = json.loads(body)["token"]
    request = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Idempotency-Key": "two-hosts-0001"}
    payload = json.dumps({"person": {"given_name": "Ana"}, "referred_by": "Helpline"}).encode()
    first = _call(a + "/api/v1/cases", method="POST", data=payload, headers=request)
    second = _call(b + "/api/v1/cases", method="POST", data=payload, headers=request)
    assert first[0] == second[0] == 201, (first, second)
    assert json.loads(first[2])["id"] == json.loads(second[2])["id"]
    assert second[1]["Idempotent-Replayed"] == "true"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def every_follow_up_is_sent_exactly_once(two_hosts, caseworker, supervisor):
    _, tail, processes = two_hosts
    caseworker.supervisor_id = supervisor.id
    case = create_case(caseworker)
    due = utcnow() - timedelta(minutes=1)
    ids = [reminders.plan_deadline(case.id, "safety_task" if i % 2 else "hearing", due,
                                   source_key=f"two-hosts-{i}", remind_days=(),
                                   risk=3 if i % 2 else 1).id for i in range(12)]
    db.session.commit()
    expected = {(i, "overdue") for i in ids} | {(i, "escalation") for k, i in enumerate(ids)
                                                if k % 2}

    def sent():
        db.session.expire_all()
        rows = db.session.execute(
            select(Notification.deadline_id, Notification.kind, func.count())
            .where(Notification.deadline_id.in_(ids))
            .group_by(Notification.deadline_id, Notification.kind)).all()
        return {(deadline, kind): n for deadline, kind, n in rows}

    deadline = time.monotonic() + 60 + 4 * TICK
    while set(sent()) < expected:
        assert time.monotonic() < deadline, f"not all sent: {len(sent())}\n" + tail()
        time.sleep(0.5)
    time.sleep(3 * TICK)  # more ticks of two beats and two workers: nothing twice
    assert sent() == {key: 1 for key in expected}
    assert all(p.poll() is None for p in processes.values()), tail()
