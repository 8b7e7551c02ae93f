"""The suite's own PostgreSQL databases: created for the run, dropped after it.

``DATABASE_URL`` names a server (and a database the suite never writes to). The suite
creates ``referral_test_<random>`` on that server through ``SCRATCH_DATABASE_ADMIN_URL``
(default: the ``postgres`` database of the same server), marks it with a comment naming the
run, uses it, and drops it at the end. Before it empties or drops anything it checks that
mark, so a test pointed at a database holding someone's data refuses instead of wiping it.
"""
import os
import uuid

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from referral.config import sqlalchemy_url

MARK = "referral test suite scratch database, run "
PREFIX = "referral_test_"


class NotAScratchDatabase(RuntimeError):
    """The suite was about to empty a database it did not create."""


def admin_url(server_url: str) -> str:
    explicit = os.environ.get("SCRATCH_DATABASE_ADMIN_URL")
    if explicit:
        return sqlalchemy_url(explicit)
    return make_url(sqlalchemy_url(server_url)).set(database="postgres") \
        .render_as_string(hide_password=False)


def _admin_engine(server_url: str):
    return create_engine(admin_url(server_url), isolation_level="AUTOCOMMIT", poolclass=NullPool)


def create_scratch(server_url: str, run: str | None = None) -> str:
    """A new, empty database on ``server_url``'s server, marked as the suite's; its URL."""
    run = run or uuid.uuid4().hex[:12]
    name = f"{PREFIX}{run}"
    engine = _admin_engine(server_url)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}{run}'"))
    engine.dispose()
    # The server's URL as it was spelled (psql and pg_dump read it too), another database.
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def same_database(role_url: str, scratch_url: str) -> str:
    """``role_url``'s role and server, on the scratch database."""
    return make_url(role_url).set(database=make_url(scratch_url).database) \
        .render_as_string(hide_password=False)


def give_to(server_url: str, scratch_url: str, owner_url: str):
    """Make ``owner_url``'s role the owner of the scratch database (two database roles)."""
    name = make_url(scratch_url).database
    owner = make_url(owner_url).username
    engine = _admin_engine(server_url)
    with engine.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" OWNER TO "{owner}"'))
    engine.dispose()


def drop_scratch(server_url: str, scratch_url: str):
    name = make_url(scratch_url).database
    if not name.startswith(PREFIX):
        raise NotAScratchDatabase(f"{name} was not made by the test suite; not dropped")
    engine = _admin_engine(server_url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def require_scratch(connection):
    """Raise unless ``connection`` is to a database the suite made (SQLite files are made
    by the suite under pytest's temporary directory)."""
    if connection.dialect.name != "postgresql":
        return
    name, comment = connection.execute(text(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
        "WHERE datname = current_database()")).one()
    if not (name.startswith(PREFIX) and (comment or "").startswith(MARK)):
        raise NotAScratchDatabase(
            f"refusing to empty database {name!r}: the test suite did not create it. "
            "Point DATABASE_URL at a server; the suite makes its own database there.")
