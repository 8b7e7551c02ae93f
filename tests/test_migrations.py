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


def test_sealing_migration_seals_existing_text_and_the_downgrade_opens_it(scratch_url):
    """Rows written before free text was sealed are sealed in place, readable through the
    model, and the downgrade gives the plain text back."""
    from referral.legal.models import LegalNote
    scratch = create_app({"TESTING": True, "DATABASE_URL": scratch_url,
                          "SECRET_KEY": "x" * 32})
    note_id = uuid.uuid4()
    with scratch.app_context():
        upgrade(directory=MIGRATIONS, revision="cf4b9c23c889")
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET session_replication_role = replica"))  # no FK checks
            conn.execute(text("INSERT INTO legal_note (id, case_id, author_id, body, created_at)"
                              " VALUES (:id, :case, :author, :body, CURRENT_TIMESTAMP)"),
                         {"id": note_id if conn.dialect.name == "postgresql" else note_id.hex,
                          "case": uuid.uuid4() if conn.dialect.name == "postgresql"
                          else uuid.uuid4().hex,
                          "author": uuid.uuid4() if conn.dialect.name == "postgresql"
                          else uuid.uuid4().hex,
                          "body": "PRIVILEGED-PLAIN-TEXT"})
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT body_enc FROM legal_note")).scalar()
        assert stored and "PRIVILEGED" not in stored
        assert db.session.get(LegalNote, note_id).body == "PRIVILEGED-PLAIN-TEXT"
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision="cf4b9c23c889")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT body FROM legal_note")).scalar() == \
                "PRIVILEGED-PLAIN-TEXT"
        db.engine.dispose()
