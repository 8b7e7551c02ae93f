"""Migrations: one head, a clean round trip, and a schema that matches the models."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from referral import ROOT, create_app
from referral.extensions import db

MIGRATIONS = str(ROOT / "migrations")


def test_there_is_a_single_head():
    config = Config(os.path.join(MIGRATIONS, "alembic.ini"))
    config.set_main_option("script_location", MIGRATIONS)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the kind the suite runs on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    admin = os.environ.get("SCRATCH_DATABASE_ADMIN_URL", url)
    from referral.config import sqlalchemy_url
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    engine = create_engine(sqlalchemy_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    base = url.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip_matches_the_models(scratch_url, tmp_path):
    scratch = create_app({"TESTING": True, "DATABASE_URL": scratch_url,
                          "SECRET_KEY": "x" * 32})
    with scratch.app_context():
        upgrade(directory=MIGRATIONS)
        tables = set(inspect(db.engine).get_table_names())
        assert {"case_file", "audit_entry", "user_account"} <= tables
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        if db.engine.dialect.name == "postgresql":  # DP-3: the audit trail is append-only
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname = "
                                         "'audit_entry_append_only'")).scalar() == 1
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": False}), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        db.engine.dispose()
