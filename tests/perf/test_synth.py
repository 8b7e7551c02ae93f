"""``flask --app referral synth``: the synthetic data loads with COPY and the app reads it
through its own API like any other data."""
import pytest
from sqlalchemy import func, select

from referral.accounts.models import Agency, AgencyKind, Role, User, UserRole
from referral.cases.models import Case, Person
from referral.extensions import db
from referral.synth import GIVEN, synthesise
from tests.conftest import ON_POSTGRES
from tests.factories import token_headers


def _user(role, **where):
    query = select(User).join(UserRole).where(UserRole.role == role, User.username
                                              .like("synth-%"))
    for column, value in where.items():
        query = query.where(getattr(User, column) == value)
    return db.session.scalars(query.order_by(User.username)).first()


@pytest.mark.postgres
def test_synth_loads_cases_the_api_reads(app, client):
    result = synthesise(200, seed=3, echo=lambda *args: None)
    assert result["rows"]["case_file"] == 200
    assert db.session.scalar(select(func.count()).select_from(Person)) == 200

    busiest = db.session.execute(
        select(Case.assigned_to_id, func.count()).where(Case.assigned_to_id.is_not(None))
        .group_by(Case.assigned_to_id).order_by(func.count().desc())).first()
    caseworker = db.session.get(User, busiest[0])
    headers = token_headers(caseworker)

    page = client.get("/api/v1/cases?per_page=50&assigned_to=me&include_closed=true&total=true",
                      headers=headers)
    assert page.status_code == 200, page.get_json()
    assert page.get_json()["total"] == busiest[1]
    for item in page.get_json()["items"][:10]:
        case = client.get(f"/api/v1/cases/{item['id']}", headers=headers)
        assert case.status_code == 200, case.get_json()
        assert case.get_json()["person"]["given_name"] in GIVEN  # sealed fields open
        assert case.get_json()["narrative"].startswith("Recruited through")
        for part in ("history", "transitions", "decisions", "consents", "referrals"):
            response = client.get(f"/api/v1/cases/{item['id']}/{part}", headers=headers)
            assert response.status_code == 200, (part, response.get_json())
    open_cases = client.get("/api/v1/cases?state=assistance&overdue=true", headers=headers)
    assert open_cases.status_code == 200

    from referral.reminders.models import Deadline
    assert not db.session.scalar(select(func.count()).select_from(Deadline).where(
        Deadline.agency_id.is_(None)))  # the dashboard reads deadlines by agency
    supervisor = _user(Role.supervisor, agency_id=caseworker.agency_id)
    dashboard = client.get("/api/v1/supervision/overdue", headers=token_headers(supervisor))
    assert dashboard.status_code == 200, dashboard.get_json()
    overdue = db.session.scalar(select(func.count()).select_from(Deadline).join(Case).where(
        Case.agency_id == supervisor.agency_id, Deadline.status == "pending",
        Deadline.due_at <= func.now()))
    assert len(dashboard.get_json()["overdue"]) == min(overdue, 50)  # a page
    statistics = client.get("/api/v1/statistics?by=exploitation_form",
                            headers=token_headers(supervisor))
    assert statistics.status_code == 200

    shelter = db.session.scalars(select(Agency).where(Agency.kind == AgencyKind.shelter)
                                 .order_by(Agency.name)).first()
    staff = _user(Role.shelter_staff, agency_id=shelter.id)
    stays = client.get(f"/api/v1/stays?shelter={shelter.id}", headers=token_headers(staff))
    assert stays.status_code == 200, stays.get_json()

    legal = client.get("/api/v1/legal/cases", headers=token_headers(_user(Role.legal_aid)))
    assert legal.status_code == 200, legal.get_json()

    # Children's views are sealed by synth exactly as the models seal them.
    from referral.cases.models import Decision
    from referral.consent.models import Consent
    decision = db.session.scalar(select(Decision).where(Decision.child_views_enc.is_not(None)))
    consent = db.session.scalar(select(Consent).where(Consent.child_views_enc.is_not(None)))
    assert decision.child_views == "The child's views were heard."
    assert consent.child_views == "The child agrees."


@pytest.mark.skipif(ON_POSTGRES, reason="checks the refusal on SQLite")
def test_synth_refuses_sqlite_with_a_reason(app):
    result = app.test_cli_runner().invoke(args=["synth", "--cases", "5"])
    assert result.exit_code != 0
    assert "PostgreSQL" in result.output
