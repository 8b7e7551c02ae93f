"""Fixtures: one app per run, a clean database per test, factories with named defaults.

The tests run on SQLite unless DATABASE_URL names a PostgreSQL server, and use Redis when
REDIS_URL is set. Tests marked ``postgres`` or ``redis`` skip with a visible reason otherwise.

On PostgreSQL the suite never writes to the database DATABASE_URL names: it creates its own
on the same server for the run and drops it at the end (``tests/scratch.py``), and refuses
to empty any database it did not create.

With DATABASE_OWNER_URL set too (CI does), the app runs as the application's role of
DATABASE_URL, as in production, and the fixtures create, grant and empty the tables as the
owner role of DATABASE_OWNER_URL (docs/deployment.md: two database roles).
"""
import logging
import os

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import text

from referral import create_app
from referral.extensions import db as _db
from referral.i18n import compile_catalogs
from tests import scratch

pytest_plugins = ["tests.factories"]

DATABASE_URL = os.environ.get("DATABASE_URL")
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL")
REDIS_URL = os.environ.get("REDIS_URL")
ON_POSTGRES = bool(DATABASE_URL and DATABASE_URL.startswith("postgres"))
SERVER_DATABASE_URL = DATABASE_URL  # the server; its own database is never touched
TWO_ROLES = bool(ON_POSTGRES and DATABASE_OWNER_URL)
SERVER_OWNER_URL = DATABASE_OWNER_URL  # the owner role, on the same server


def owner_engine():
    """The engine of the role that owns the tables: the owner's when two roles are set up,
    else the app's own."""
    if not TWO_ROLES:
        return _db.engine
    from sqlalchemy import create_engine
    from referral.config import sqlalchemy_url
    global _OWNER_ENGINE
    if _OWNER_ENGINE is None:
        _OWNER_ENGINE = create_engine(sqlalchemy_url(DATABASE_OWNER_URL))
    return _OWNER_ENGINE


_OWNER_ENGINE = None


class IsolatedClient(FlaskClient):
    """Each request starts with no signed-in user cached.

    Tests hold an app context open, and a request in a test reuses it, so Flask-Login's
    per-request cache in ``g`` would otherwise carry a user from one request to the next and
    skip the session checks a real request runs. Flask-Babel caches the chosen locale in
    ``g`` the same way, so it is dropped too: each request chooses its language afresh."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)
        return super().open(*args, **kwargs)


class _LogRecorder(logging.Handler):
    """Keeps every log line of the whole run, to prove no personal data reaches the logs."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        try:
            self.lines.append(record.getMessage())
        except Exception:  # a malformed record is still a line we looked at
            self.lines.append(str(record.msg))


LOG_RECORDER = _LogRecorder()


def pytest_sessionstart(session):
    """Compiled catalogs are build output (make translations); compile any that are missing
    or older than their .po, so the suite never depends on make having run first."""
    compile_catalogs()


def pytest_configure(config):
    """On PostgreSQL, the run's own database. DATABASE_URL is pointed at it for the run, so
    processes the tests start (workers, beat, gunicorn) use it too."""
    global DATABASE_URL
    if ON_POSTGRES and not hasattr(config, "workerinput"):
        try:
            DATABASE_URL = scratch.create_scratch(SERVER_DATABASE_URL)
        except Exception as exc:  # noqa: BLE001 - say why, and run nothing
            pytest.exit(f"cannot create the test suite's own database on the server of "
                        f"DATABASE_URL ({type(exc).__name__}: {exc}); set "
                        f"SCRATCH_DATABASE_ADMIN_URL to a role that may CREATE DATABASE",
                        returncode=4)
        config._referral_scratch = DATABASE_URL
        os.environ["DATABASE_URL"] = DATABASE_URL
        if TWO_ROLES:  # the owner role owns the run's database and creates its tables
            global DATABASE_OWNER_URL
            DATABASE_OWNER_URL = scratch.same_database(SERVER_OWNER_URL, DATABASE_URL)
            scratch.give_to(SERVER_DATABASE_URL, DATABASE_URL, SERVER_OWNER_URL)
            os.environ["DATABASE_OWNER_URL"] = DATABASE_OWNER_URL
    logging.getLogger().addHandler(LOG_RECORDER)
    logging.getLogger().setLevel(logging.DEBUG)
    for noisy in ("sqlalchemy", "urllib3", "faker", "hypothesis"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def pytest_unconfigure(config):
    made = getattr(config, "_referral_scratch", None)
    if made:
        os.environ["DATABASE_URL"] = SERVER_DATABASE_URL
        scratch.drop_scratch(SERVER_DATABASE_URL, made)


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI runs these)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI runs these)")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    test_config = {
        "TESTING": True,
        # The cheapest argon2id: the recommended cost (0.1 s a hash) made a fifth of the
        # suite's time; tests/accounts/test_tokens.py holds the standard cost everywhere else.
        "PASSWORD_HASH_FOR_TESTS": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": DATABASE_URL or f"sqlite:///{instance / 'test.sqlite'}",
        "REDIS_URL": REDIS_URL,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "STATISTICS_CACHE_SECONDS": 0,  # tests change the data between reads
        "SERVER_NAME": "localhost",
        "AUDIT_CHECKPOINT_STORE": f"file:{instance / 'audit-checkpoints'}",
    }
    app = create_app(test_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        engine = owner_engine()
        with engine.connect() as conn:
            scratch.require_scratch(conn)
        _db.metadata.drop_all(engine)
        _db.metadata.create_all(engine)
        if TWO_ROLES:
            from referral.dbroles import grant_app_role
            with engine.begin() as conn:
                grant_app_role(conn, _db.engine.url.username)
    yield app
    with app.app_context():
        _db.session.remove()
        with owner_engine().connect() as conn:
            scratch.require_scratch(conn)
        _db.engine.dispose()
        _db.metadata.drop_all(owner_engine())
        owner_engine().dispose()


@pytest.fixture(autouse=True)
def audit_checkpoints(app, tmp_path):
    """Each test writes audit checkpoints to a store of its own (DP-3)."""
    saved = app.config["AUDIT_CHECKPOINT_STORE"]
    app.config["AUDIT_CHECKPOINT_STORE"] = f"file:{tmp_path / 'audit-checkpoints'}"
    yield tmp_path / "audit-checkpoints"
    app.config["AUDIT_CHECKPOINT_STORE"] = saved


@pytest.fixture(autouse=True)
def db(app):
    """A clean database for every test, and an app context around it."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        with owner_engine().begin() as conn:
            scratch.require_scratch(conn)
            if conn.dialect.name == "postgresql":
                _empty_postgres(conn, tables)
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


def _empty_postgres(conn, tables):
    """Empty what a test left, as fast as PostgreSQL allows.

    TRUNCATE of all 78 tables costs about half a second (new files for every table and
    index, and a TRUNCATE takes with it every table that refers to one it empties, which
    here is nearly all of them); a test touches a dozen. So: the tables holding rows are
    emptied with DELETE, children first, except the append-only ones (a trigger refuses
    their DELETE), which are truncated; and every sequence a test drew from starts again."""
    with_rows = " UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    used = set(conn.scalars(text(with_rows)).all())
    append_only = set(conn.scalars(text(
        "SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid "
        "WHERE NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
    )).all())
    if truncated := [t for t in tables if t in used & append_only]:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in truncated) + " CASCADE"))
    for table in tables:  # children before parents
        if table in used and table not in append_only:
            conn.execute(text(f'DELETE FROM "{table}"'))
    for sequence in conn.scalars(text(
            "SELECT sequencename FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all():
        conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture
def client(app):
    return app.test_client()
