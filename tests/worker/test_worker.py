"""The sweep on a real Redis broker and real Celery workers: exactly once, even across a
SIGKILL, and a backlog sent once Redis is back. No eager mode."""
import os
import shutil
import signal
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
from tests.factories import create_case, token_headers

pytestmark = pytest.mark.redis
REDIS_URL = os.environ.get("REDIS_URL")


def count_overdue():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == "overdue"))


def wait_for(predicate, timeout=30.0, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def plant_due(caseworker, n, kind="hearing"):
    case = create_case(caseworker)
    due = utcnow() - timedelta(hours=1)
    for i in range(n):
        reminders.plan_deadline(case.id, kind, due, source_key=str(i), remind_days=())
    db.session.commit()
    return case


def make_worker_app(app, broker_url):
    from worker.app import make_celery
    celery_app = make_celery(app)
    celery_app.conf.broker_url = broker_url
    return celery_app


@pytest.fixture
def clean_broker():
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def test_a_deadline_falling_due_gives_exactly_one_notification(app, caseworker, clean_broker):
    from celery.contrib.testing.worker import start_worker
    plant_due(caseworker, 1)
    celery_app = make_worker_app(app, REDIS_URL)
    with start_worker(celery_app, pool="solo", perform_ping_check=False,
                      shutdown_timeout=10):
        celery_app.send_task("worker.tasks.sweep_due_follow_ups")
        assert wait_for(lambda: count_overdue() == 1)
        celery_app.send_task("worker.tasks.sweep_due_follow_ups")  # redelivery, a second tick
        celery_app.send_task("worker.tasks.sweep_due_follow_ups")
        time.sleep(1.5)
    assert count_overdue() == 1


def test_task_messages_carry_no_personal_data(app, caseworker, clean_broker):
    plant_due(caseworker, 1)
    celery_app = make_worker_app(app, REDIS_URL)
    celery_app.send_task("worker.tasks.sweep_due_follow_ups")
    raw = b"".join(clean_broker.lrange("celery", 0, -1))
    assert raw and b"Test" not in raw and b"Person" not in raw and b"RF-" not in raw


def _every_value_in(client) -> bytes:
    """Every key and value in the broker's database, whatever the type."""
    found = []
    for key in client.scan_iter(count=500):
        found.append(key)
        kind = client.type(key)
        if kind == b"string":
            found.append(client.get(key) or b"")
        elif kind == b"list":
            found.extend(client.lrange(key, 0, -1))
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                found.extend((field, value))
        elif kind == b"set":
            found.extend(client.smembers(key))
        elif kind == b"zset":
            found.extend(member for member, _ in client.zrange(key, 0, -1, withscores=True))
    return b"\n".join(found)


def test_DP8_no_personal_data_reaches_redis_through_a_whole_sweep(app, caseworker,
                                                                  clean_broker):
    from celery.contrib.testing.worker import start_worker
    case = plant_due(caseworker, 3)  # sentinel family name and narrative planted
    celery_app = make_worker_app(app, REDIS_URL)
    with start_worker(celery_app, pool="solo", perform_ping_check=False,
                      shutdown_timeout=10):
        celery_app.send_task("worker.tasks.sweep_due_follow_ups")
        assert wait_for(lambda: count_overdue() == 3)
        celery_app.send_task("worker.tasks.sweep_due_follow_ups")  # delivers the outbox too
        time.sleep(1.0)
        everything = _every_value_in(clean_broker)
    assert everything, "the broker was not used"
    for secret in (b"Sentinelpd", b"SENTINEL-PD", case.reference.encode(), b"Test "):
        assert secret not in everything


def _worker_env(app):
    env = dict(os.environ)
    env["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    env["REDIS_URL"] = REDIS_URL
    env["SECRET_KEY"] = app.config["SECRET_KEY"]
    return env


def _start_worker_process(app):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker.main", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=_worker_env(app), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_a_worker_killed_mid_sweep_loses_nothing_and_sends_nothing_twice(app, caseworker,
                                                                         clean_broker):
    total = 4000
    plant_due(caseworker, total)
    celery_app = make_worker_app(app, REDIS_URL)
    worker = _start_worker_process(app)
    try:
        celery_app.send_task("worker.tasks.sweep_due_follow_ups")
        assert wait_for(lambda: 0 < count_overdue(), timeout=60, every=0.02), \
            "the worker never started the sweep"
        os.kill(worker.pid, signal.SIGKILL)  # in the middle of the sweep
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    sent_before_restart = count_overdue()
    assert 0 < sent_before_restart < total, "the kill did not land mid-sweep"
    worker = _start_worker_process(app)  # restart: the next tick drains what is left
    try:
        celery_app.send_task("worker.tasks.sweep_due_follow_ups")
        assert wait_for(lambda: count_overdue() == total, timeout=120)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    per_deadline = db.session.execute(
        select(Notification.deadline_id, func.count()).where(Notification.kind == "overdue")
        .group_by(Notification.deadline_id)).all()
    assert len(per_deadline) == total and {n for _, n in per_deadline} == {1}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_with_redis_down_the_app_works_and_the_backlog_is_sent_once_it_is_back(
        app, client, caseworker):
    from celery.contrib.testing.worker import start_worker
    from kombu.exceptions import OperationalError
    port = _free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    broker = f"redis://127.0.0.1:{port}/0"
    try:
        case = plant_due(caseworker, 5)
        server.terminate()
        server.wait(timeout=10)
        # The web app keeps working with the broker down ...
        headers = token_headers(caseworker)
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
        assert client.post(f"/api/v1/cases/{case.id}/transitions", headers=headers, json={
            "track": "assistance", "event": "offer", "version": case.version}).status_code == 200
        celery_app = make_worker_app(app, broker)
        celery_app.conf.broker_connection_retry = False
        celery_app.conf.broker_connection_max_retries = 0
        with pytest.raises(OperationalError):
            celery_app.send_task("worker.tasks.sweep_due_follow_ups",
                                 retry=False)
        assert count_overdue() == 0  # ... nothing is lost: the rows wait in the database
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        celery_app = make_worker_app(app, broker)
        with start_worker(celery_app, pool="solo", perform_ping_check=False,
                          shutdown_timeout=10):
            celery_app.send_task("worker.tasks.sweep_due_follow_ups")
            assert wait_for(lambda: count_overdue() == 5)
            celery_app.send_task("worker.tasks.sweep_due_follow_ups")
            time.sleep(1)
        assert count_overdue() == 5
    finally:
        server.terminate()
        server.wait(timeout=10)
