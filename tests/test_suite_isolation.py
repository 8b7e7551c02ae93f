"""The suite never touches a database it did not create: pointed at a database that holds
data, it works in its own database on the same server and leaves the data as it was."""
import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from referral import ROOT, create_app
from referral.extensions import db
from tests import scratch
from tests.conftest import SERVER_DATABASE_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def somebodys_database():
    """A database the suite did not make, holding the app's tables and a row of data."""
    name = f"somebodys_data_{uuid.uuid4().hex[:8]}"
    admin = create_engine(scratch.admin_url(SERVER_DATABASE_URL),
                          isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = SERVER_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    # Made and filled by its owner (the administrator here): with two database roles the
    # application's role may not create tables in a database it does not own.
    owner_url = make_url(scratch.admin_url(SERVER_DATABASE_URL)).set(database=name)
    engine = create_engine(owner_url, poolclass=NullPool)
    other = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "DATABASE_URL": url})
    with other.app_context():
        db.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO agency (id, name, kind, created_at) VALUES "
                          "(:id, 'Real agency', 'ngo', now())"), {"id": uuid.uuid4()})
    yield url, engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _scratch_databases():
    admin = create_engine(scratch.admin_url(SERVER_DATABASE_URL), poolclass=NullPool)
    with admin.connect() as conn:
        names = set(conn.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE "
                                      "'referral\\_test\\_%'")))
    admin.dispose()
    return names


def test_a_run_pointed_at_real_data_leaves_it_and_cleans_up_its_own(somebodys_database):
    url, engine = somebodys_database
    before = _scratch_databases()
    env = dict(os.environ, DATABASE_URL=url)
    env.pop("PYTEST_CURRENT_TEST", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/cases/test_concurrency.py::test_a_stale_version_is_refused_without_any_change"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT name FROM agency")) == "Real agency"
        assert conn.scalar(text("SELECT count(*) FROM case_file")) == 0
    assert _scratch_databases() == before, "the run left its database behind"


def test_emptying_a_database_the_suite_did_not_make_is_refused(somebodys_database):
    _, engine = somebodys_database
    with engine.connect() as conn, pytest.raises(scratch.NotAScratchDatabase):
        scratch.require_scratch(conn)


def test_the_suite_runs_in_its_own_marked_database(app):
    with db.engine.connect() as conn:
        scratch.require_scratch(conn)  # does not raise
        assert conn.scalar(text("SELECT current_database()")).startswith(scratch.PREFIX)
    assert SERVER_DATABASE_URL.rsplit("/", 1)[1] != db.engine.url.database
