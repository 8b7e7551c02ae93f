"""The two migrations of the claims' lifecycles and the sealed person's view: data written
before them is carried across, and the downgrade gives it back (ID-6, RP-1, RR-2, DP-5)."""
from datetime import datetime, timedelta, timezone

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from referral import create_app
from referral.extensions import db
from tests.test_migrations import MIGRATIONS, scratch_url  # noqa: F401  (the fixture)

BEFORE_SEALING = "e7a41c9d2b58"
BEFORE_CLAIMS = "c5d2e8f1a9b7"
VIEWS = ("case_transition", "referral", "service_offer", "restriction", "decision")


def _plant():
    """One row of each table holding the person's view, and a compensation claim."""
    from referral.cases.models import CaseTransition, Decision
    from referral.legal.models import CompensationClaim
    from referral.services.models import Referral, ServiceOffer
    from referral.shelter.models import Restriction, Stay
    from tests.factories import create_agency, create_case, create_provider, create_user
    agency = create_agency()
    caseworker = create_user("caseworker", agency=agency)
    case = create_case(caseworker)
    provider = create_provider()
    stay = Stay(case_id=case.id, shelter_agency_id=agency.id)
    db.session.add(stay)
    db.session.flush()
    now = datetime.now(timezone.utc)
    db.session.add_all([
        CaseTransition(case_id=case.id, track="assistance", event="suspend",
                       from_state="in_progress", to_state="suspended", rule_version="v1",
                       person_view="SENT-VIEW-case_transition"),
        Referral(case_id=case.id, provider_id=provider.id, service="medical",
                 person_view="SENT-VIEW-referral"),
        ServiceOffer(case_id=case.id, service="medical", person_view="SENT-VIEW-service_offer"),
        Restriction(stay_id=stay.id, legal_basis="Act s.1", decision_maker="Director",
                    grounds="safety", reason="threat", expires_at=now + timedelta(days=3),
                    review_at=now + timedelta(days=1),
                    person_view="SENT-VIEW-restriction"),
        Decision(case_id=case.id, kind="identification", outcome="negative",
                 decision_maker="official", rule_version="v1", reasons="r",
                 details={"person_view_declined": False},
                 person_view="SENT-VIEW-decision"),
        CompensationClaim(case_id=case.id, kind="civil_claim", amount_claimed=100,
                          currency="EUR", limitation_at=now + timedelta(days=300)),
    ])
    db.session.commit()


def test_the_persons_view_is_sealed_in_place_and_claims_keep_a_first_step(
        scratch_url):  # noqa: F811
    scratch = create_app({"TESTING": True, "DATABASE_URL": scratch_url,
                          "SECRET_KEY": "x" * 32})
    with scratch.app_context():
        upgrade(directory=MIGRATIONS)
        _plant()
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision=BEFORE_CLAIMS)
        with db.engine.connect() as conn:
            for table in VIEWS[:-1]:
                assert conn.execute(text(f"SELECT person_view FROM {table} "
                                         "WHERE person_view IS NOT NULL")).scalar() == \
                    f"SENT-VIEW-{table}"
            details = conn.execute(text("SELECT details FROM decision")).scalar()
            assert "SENT-VIEW-decision" in str(details)
            assert conn.execute(text("SELECT status FROM compensation_claim")).scalar() \
                == "open"
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            for table in VIEWS:
                stored = conn.execute(text(f"SELECT person_view_enc FROM {table} "
                                       "WHERE person_view_enc IS NOT NULL")).scalar()
                assert stored.startswith("v1:") and "SENT-" not in stored, table
                if table != "decision":
                    assert "person_view" not in {
                        c["name"] for c in inspect(conn).get_columns(table)}
            assert "SENT-" not in str(conn.execute(text("SELECT details FROM decision"))
                                      .scalar())
            assert conn.execute(text("SELECT status FROM compensation_claim")).scalar() \
                == "filed"
            assert conn.execute(text("SELECT step, to_status FROM claim_step")).one() == \
                ("record", "filed")
        from referral.cases.models import CaseTransition, Decision
        from referral.shelter.models import Restriction
        assert db.session.scalars(db.select(CaseTransition).where(
            CaseTransition.person_view_enc.is_not(None))).one().person_view == \
            "SENT-VIEW-case_transition"
        assert db.session.scalars(db.select(Decision)).one().person_view == \
            "SENT-VIEW-decision"
        assert db.session.scalars(db.select(Restriction)).one().person_view == \
            "SENT-VIEW-restriction"
        db.session.remove()
        db.engine.dispose()
