"""The person's rights through the API where no other test took that path (issue 13):
closing a case in assistance or declining assistance with a reason tied to testimony, in
English and in French; a restriction explained by the person's refusal to cooperate; and
closing over the API keeping the reintegration check-ins (RR-4/RR-6). The web form side of
each is in tests/web/test_rights_in_forms.py; docs/rights-on-every-path.md has the table."""
import pytest
from sqlalchemy import func, select

from referral.cases.models import Case, RefusedAttempt
from referral.extensions import db
from referral.returns import service as returns
from tests.cases.conftest import decide, transition
from tests.factories import give_consent, token_headers


def post_step(client, headers, case, track, event, reason=None, **facts):
    db.session.refresh(case)
    return client.post(f"/api/v1/cases/{case.id}/transitions", headers=headers, json={
        "track": track, "event": event, "version": case.version, "reason": reason,
        "facts": facts})


def refused_attempts() -> int:
    return db.session.scalar(select(func.count()).select_from(RefusedAttempt))


def in_assistance_ready_to_close(caseworker, case):
    decide(caseworker, case)
    transition(caseworker, case, "nrm", "begin_assistance",
               facts={"person_request": "I want to go on"})
    decide(caseworker, case, kind="risk_assessment", outcome="low")
    returns.create_plan(caseworker, case, outcome="local_integration", wellbeing="a",
                        economic="b", social="c", cultural="d", political="e")
    db.session.commit()


@pytest.mark.parametrize("reason", ["she would not testify against them",
                                    "elle refuse de témoigner au procès"])
def test_NC3_closing_a_case_in_assistance_because_she_would_not_testify_is_refused(
        client, cw_headers, caseworker, a_case, reason):
    in_assistance_ready_to_close(caseworker, a_case)
    before = refused_attempts()
    response = post_step(client, cw_headers, a_case, "nrm", "close", reason=reason,
                         reason_code="person_asked_to_close", person_view="agrees")
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    db.session.expire_all()
    assert db.session.get(Case, a_case.id).nrm_state == "assistance"
    assert refused_attempts() == before + 1


@pytest.mark.parametrize("reason", ["declined since she will not press charges",
                                    "elle ne veut pas porter plainte"])
def test_NC3_declining_assistance_for_not_cooperating_is_refused(
        client, cw_headers, caseworker, a_case, reason):
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    response = post_step(client, cw_headers, a_case, "assistance", "decline", reason=reason,
                         reason_code="not_needed_now", person_view_declined=True)
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    db.session.expire_all()
    assert db.session.get(Case, a_case.id).assistance_state == "offered"


@pytest.mark.parametrize("reason", [
    "kept in because she refuses to speak to the police",
    # help with the case made the condition, or her evidence the purpose
    "kept in until she agrees to speak to the police",
    "the prosecutor still needs her testimony",
])
def test_NC3_a_restriction_explained_by_refusing_to_cooperate_is_refused(
        client, admitted, shelter_user, reason):
    from tests.shelter.test_stays import restriction_body
    response = client.post(
        f"/api/v1/stays/{admitted.id}/restrictions", headers=token_headers(shelter_user),
        json=restriction_body(reason=reason))
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    db.session.refresh(admitted)
    assert not admitted.active_restrictions()


def test_RR4_RR6_closing_over_the_api_keeps_the_reintegration_check_ins(
        client, cw_headers, caseworker, a_case):
    from referral.reminders.models import Deadline, DeadlineStatus
    in_assistance_ready_to_close(caseworker, a_case)
    response = post_step(client, cw_headers, a_case, "nrm", "close",
                         reason_code="integrated_locally", person_view="ready to move on")
    assert response.status_code == 200
    pending = db.session.scalars(select(Deadline.source_key).where(
        Deadline.case_id == a_case.id, Deadline.kind == "reintegration_checkin",
        Deadline.status == DeadlineStatus.pending)).all()
    assert sorted(pending) == ["12m", "1m", "3m", "6m"]


def test_RP2_legal_aid_reads_the_no_removal_protection_over_the_api(client, caseworker,
                                                                   a_case):
    from referral.accounts.models import AgencyKind
    from referral.legal import service as legal
    from tests.factories import create_agency, create_user
    lawyer = create_user("legal_aid", agency=create_agency("Justice Access",
                                                           AgencyKind.legal_aid))
    legal.assign_legal_aid(caseworker, a_case, lawyer.id)
    db.session.commit()
    assert a_case.no_removal
    rows = client.get("/api/v1/legal/cases", headers=token_headers(lawyer)).json
    assert [row["no_removal"] for row in rows if row["reference"] == a_case.reference] == [True]
