"""No N+1: the statements a request runs do not grow with a case's history, decisions,
consents, referrals or follow-ups."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from referral.database import utcnow
from referral.extensions import db
from referral.reminders.service import plan_deadline
from tests.cases.conftest import decide, transition
from tests.factories import create_case, create_provider, give_consent


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def grow(caseworker, case, n):
    """n of everything: history rows, decisions, consents, referrals, follow-ups."""
    from referral.services import service as services
    provider = create_provider(services=("medical",))
    for i in range(n):
        transition(caseworker, case, "assistance", "offer")
        transition(caseworker, case, "assistance", "decline", reason="not now",
                   facts={"reason_code": "not_needed_now", "person_view": "later, perhaps"})
        decide(caseworker, case, kind="risk_assessment", outcome="low")
        give_consent(caseworker, case, "referral", provider)
        services.make_referral(caseworker, case, provider_id=provider.id, service="medical")
        plan_deadline(case.id, "hearing", utcnow() + timedelta(days=5), source_key=str(i))
    db.session.commit()


PATHS = ["/api/v1/cases/{id}", "/api/v1/cases/{id}/history", "/api/v1/cases/{id}/transitions",
         "/api/v1/cases/{id}/decisions", "/api/v1/cases/{id}/consents",
         "/api/v1/cases/{id}/referrals", "/api/v1/cases?per_page=50", "/api/v1/reminders?mine=1",
         "/cases/{id}"]


@pytest.mark.parametrize("path", PATHS)
def test_statements_per_request_do_not_grow_with_the_case(client, caseworker, cw_headers,
                                                          path):
    from tests.web.conftest import login
    login(client, "caseworker")
    small, large = create_case(caseworker), create_case(caseworker)
    grow(caseworker, small, 1)
    grow(caseworker, large, 30)
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    counts = []
    for case in (small, large):
        db.session.expire_all()
        with counting() as statements:
            response = client.get(path.format(id=case.id), headers=cw_headers)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], f"{path}: {counts[0]} statements for 1, {counts[1]} for 30"


# The case file a caseworker opens: what each of its reads costs in statements, with a case
# that has something on every track (consents, an override, decisions, follow-ups,
# cooperation, proceedings with hearings). The transitions overview gathers every track's
# facts once; the history reads transitions and decisions in one statement; the legal
# summary reads proceedings with their hearings and measures in one. A change that adds a
# statement to any of them fails here: lower the figure when a change saves one.
CASE_FILE_STATEMENTS = {
    "/api/v1/cases/{id}/transitions": 9,
    "/api/v1/cases/{id}/history": 10,
    "/api/v1/cases/{id}/legal": 6,
}


@pytest.mark.parametrize("path", sorted(CASE_FILE_STATEMENTS))
def test_the_case_file_reads_cost_no_more_statements_than_they_do(
        client, caseworker, supervisor, cw_headers, path):
    from referral.consent import service as consent_service
    from referral.legal import service as legal
    case = create_case(caseworker)
    grow(caseworker, case, 3)
    shelter = create_provider(services=("accommodation",))
    give_consent(caseworker, case, "service", shelter)
    override = consent_service.request_override(caseworker, case, purpose="service",
                                                grounds="danger_to_life", reason="urgent")
    consent_service.approve_override(supervisor, override)
    decide(caseworker, case, kind="best_interests_assessment", outcome="completed")
    legal.record_cooperation(caseworker, case, kind="statement", value="given")
    proceeding = legal.open_proceeding(caseworker, case, kind="criminal",
                                       person_role="victim",
                                       court_or_authority="District court")
    legal.add_hearing(caseworker, proceeding, at=utcnow() + timedelta(days=9),
                      place="District court, room 2")
    legal.add_measure(caseworker, proceeding, kind="screen",
                      review_at=utcnow() + timedelta(days=30))
    db.session.commit()
    url = path.format(id=case.id)
    client.get("/api/v1/auth/me", headers=cw_headers)  # the token's last use: written once
    db.session.expire_all()
    with counting() as statements:
        response = client.get(url, headers=cw_headers)
    assert response.status_code == 200
    assert len(statements) <= CASE_FILE_STATEMENTS[path], "\n".join(
        [f"{path}: {len(statements)} statements"] + [s[:90] for s in statements])
