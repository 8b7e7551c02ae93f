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
    # Migrations are the owner's work: with two roles (CI) the application's role of
    # DATABASE_URL may not create tables, so the scratch database is migrated as its admin.
    base = (os.environ.get("SCRATCH_DATABASE_ADMIN_URL") or url).rsplit("/", 1)[0]
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


SEALED_IN_F16 = {  # table: {column: planted plain value}
    "case_file": {"recruitment": {"method": "job_offer", "recruiter": "SENT-RECRUITER"}},
    "person": {"gender": "SENT-GENDER"},
    "decision": {"reasons": "SENT-REASONS"},
    "proceeding": {"non_punishment_review": "SENT-NP-REVIEW"},
    "information_given": {"summary": "SENT-SUMMARY"},
    "cooperation_record": {"note": "SENT-COOP"},
    "consent": {"information_given": "SENT-INFO"},
    "referral": {"note": "SENT-REF-NOTE", "reason": "SENT-REF-REASON"},
    "case_restriction": {"reason": "SENT-RESTRICTION"},
    "reintegration_plan": {"economic": "SENT-ECON", "social": "SENT-SOCIAL",
                           "cultural": "SENT-CULT", "political": "SENT-POL"},
}
BEFORE_F16 = "f769bd71cb9d"


def _plant_f16_rows():
    """One row of each table F16 found in clear, written through the models."""
    from datetime import datetime, timezone
    from referral.cases.models import Decision
    from referral.consent.models import Consent
    from referral.legal.models import CooperationRecord, InformationGiven, Proceeding
    from referral.privacy.models import CaseRestriction
    from referral.returns.models import ReintegrationPlan
    from referral.services.models import Referral
    from tests.factories import create_agency, create_case, create_provider, create_user
    agency = create_agency()
    caseworker = create_user("caseworker", agency=agency)
    case = create_case(caseworker, person={"gender": "SENT-GENDER"},
                       recruitment=SEALED_IN_F16["case_file"]["recruitment"])
    proceeding = Proceeding(case_id=case.id, kind="criminal", person_role="witness",
                            court_or_authority="court", non_punishment_review="SENT-NP-REVIEW")
    db.session.add(proceeding)
    db.session.flush()
    provider = create_provider()
    db.session.add_all([
        Decision(case_id=case.id, kind="identification", outcome="positive",
                 decision_maker="official", rule_version="v1", reasons="SENT-REASONS"),
        InformationGiven(proceeding_id=proceeding.id, stage="investigation", language="en",
                         summary="SENT-SUMMARY"),
        CooperationRecord(case_id=case.id, kind="statement", value="given", note="SENT-COOP"),
        Consent(case_id=case.id, purpose="service", recipient_name="Our agency",
                given_by="person", language="en", given_at=datetime.now(timezone.utc),
                information_given="SENT-INFO"),
        Referral(case_id=case.id, provider_id=provider.id, service="medical",
                 note="SENT-REF-NOTE", reason="SENT-REF-REASON"),
        CaseRestriction(case_id=case.id, restricted_by_id=caseworker.id,
                        reason="SENT-RESTRICTION"),
        ReintegrationPlan(case_id=case.id, outcome="return", wellbeing="w",
                          **SEALED_IN_F16["reintegration_plan"]),
    ])
    db.session.commit()
    return case.id


def test_F16_sealing_migration_seals_the_remaining_free_text_in_place_and_back(scratch_url):
    """Upgrade, write through the models (sealed), downgrade (every value opened into its
    plain column), upgrade again (sealed in place) and read it all through the models."""
    from referral.cases.models import Case
    scratch = create_app({"TESTING": True, "DATABASE_URL": scratch_url,
                          "SECRET_KEY": "x" * 32})
    with scratch.app_context():
        upgrade(directory=MIGRATIONS)
        case_id = _plant_f16_rows()
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision=BEFORE_F16)
        with db.engine.connect() as conn:
            for table, columns in SEALED_IN_F16.items():
                for column, value in columns.items():
                    stored = conn.execute(text(f"SELECT {column} FROM {table}")).scalar()
                    if isinstance(value, dict) and isinstance(stored, str):
                        import json
                        stored = json.loads(stored)
                    assert stored == value, (table, column)
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            for table, columns in SEALED_IN_F16.items():
                for column in columns:
                    stored = conn.execute(text(f"SELECT {column}_enc FROM {table}")).scalar()
                    assert stored.startswith("v1:") and "SENT-" not in stored, (table, column)
                    assert column not in {c["name"] for c in inspect(conn).get_columns(table)}
        case = db.session.get(Case, case_id)
        assert case.recruitment == SEALED_IN_F16["case_file"]["recruitment"]
        assert case.person.gender == "SENT-GENDER"
        from referral.returns.models import ReintegrationPlan
        plan = db.session.scalars(db.select(ReintegrationPlan)).one()
        assert (plan.economic, plan.political) == ("SENT-ECON", "SENT-POL")
        db.session.remove()
        db.engine.dispose()
