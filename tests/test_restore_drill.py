"""The restore drill (bench/restore_drill.sh) on PostgreSQL: dump, restore into a fresh
database, audit verify and read sealed fields on the copy, with the keys; and with a wrong
key the drill fails naming it."""
import base64
import os
import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from referral import ROOT, create_app
from tests import scratch
from tests.conftest import SERVER_DATABASE_URL
from tests.factories import create_case

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump")]


def drill(app, **overrides):
    name = f"{scratch.PREFIX}restore_{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, SECRET_KEY=app.config["SECRET_KEY"],
               ENCRYPTION_KEYS=app.config["ENCRYPTION_KEYS"],
               BLIND_INDEX_KEY=app.config["BLIND_INDEX_KEY"],
               AUDIT_KEY=app.config["AUDIT_KEY"], RESTORE_DATABASE=name)
    env.update(overrides)
    env.pop("REFERRAL_ENV", None)
    run = subprocess.run(["bash", "bench/restore_drill.sh"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=240)
    return run, name


def _exists(name):
    engine = create_engine(scratch.admin_url(SERVER_DATABASE_URL), poolclass=NullPool)
    with engine.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    engine.dispose()
    return bool(found)


def test_the_restore_drill_restores_a_copy_that_verifies_and_opens(app, caseworker):
    for _ in range(3):
        create_case(caseworker)  # sealed names, audit entries
    create_app({"TESTING": True, "SECRET_KEY": app.config["SECRET_KEY"],
                "DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": None,
                "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
                "BLIND_INDEX_KEY": app.config["BLIND_INDEX_KEY"]})  # writes the sentinels
    run, name = drill(app)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "The audit trail is intact." in output
    assert "person.given_name: a sealed value opens" in output
    assert "restore drill passed" in output
    assert not _exists(name), "the drill leaves no database behind"


def test_the_restore_drill_fails_with_a_key_that_is_not_the_databases(app, caseworker):
    create_case(caseworker)
    wrong = "k1:" + base64.urlsafe_b64encode(os.urandom(32)).decode()
    run, name = drill(app, ENCRYPTION_KEYS=wrong)
    assert run.returncode != 0
    assert "ENCRYPTION_KEYS" in run.stdout + run.stderr
    assert not _exists(name)
