"""Each role of each agency, before and after a transfer, a team exit and a consent
withdrawal: what it reaches of the case (API and pages)."""
from referral.agencies import service
from referral.consent import service as consent_service
from referral.extensions import db
from tests.factories import token_headers

from .conftest import share_consent

USERS = ("a_caseworker", "a_supervisor", "a_admin", "a_auditor", "b_caseworker",
         "b_supervisor", "b_admin", "b_auditor", "shelter_staff", "legal_aid", "partner")


def _matrix(app, agencies, case):
    client = app.test_client()
    seen = {}
    for name in USERS:
        headers = token_headers(agencies[name])
        seen[name] = (
            client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code,
            client.get(f"/api/v1/cases/{case.id}/team-view", headers=headers).status_code,
            client.get(f"/api/v1/cases/{case.id}/conferences", headers=headers).status_code,
        )
    return seen


# (case file, team view, conferences)
HOLDER, OTHER_STAFF, NO_ROLE = (200, 200, 200), (404, 404, 404), (403, 403, 403)
MEMBER, NOT_MEMBER = (403, 200, 403), (403, 404, 403)


def test_each_role_of_each_agency_before_and_after_transfer(app, agencies, case_a):
    before = _matrix(app, agencies, case_a)
    assert before == {
        "a_caseworker": HOLDER, "a_supervisor": HOLDER, "a_admin": NO_ROLE,
        "a_auditor": NO_ROLE, "b_caseworker": OTHER_STAFF, "b_supervisor": OTHER_STAFF,
        "b_admin": NO_ROLE, "b_auditor": NO_ROLE, "shelter_staff": NOT_MEMBER,
        "legal_aid": NOT_MEMBER, "partner": NO_ROLE}
    consent = share_consent(agencies["a_caseworker"], case_a, agencies["b"])
    transfer = service.request_transfer(agencies["a_caseworker"], case_a,
                                        to_agency_id=agencies["b"].id, consent_id=consent.id,
                                        reason="moved")
    service.decide_transfer(agencies["b_caseworker"], transfer, accept=True)
    db.session.commit()
    after = _matrix(app, agencies, case_a)
    assert after == {**before, "a_caseworker": OTHER_STAFF, "a_supervisor": OTHER_STAFF,
                     "b_caseworker": HOLDER, "b_supervisor": HOLDER}


def test_each_role_after_team_exit_and_consent_withdrawal(app, agencies, case_a):
    cw = agencies["a_caseworker"]
    shelter_consent = share_consent(cw, case_a, agencies["shelter"])
    clinic_consent = share_consent(cw, case_a, agencies["clinic"])
    b_consent = share_consent(cw, case_a, agencies["b"])
    shelter = service.add_member(cw, case_a, user_id=agencies["shelter_staff"].id,
                                 team_role="key worker", scope=["shelter"],
                                 consent_id=shelter_consent.id)
    service.add_member(cw, case_a, user_id=agencies["legal_aid"].id, team_role="lawyer",
                       scope=["legal"], consent_id=clinic_consent.id)
    service.add_member(cw, case_a, user_id=agencies["b_caseworker"].id,
                       team_role="outreach in the north", scope=["assistance"],
                       consent_id=b_consent.id)
    db.session.commit()
    on_team = _matrix(app, agencies, case_a)
    # a caseworker of another agency on the team reaches the team view, never the file
    assert on_team["b_caseworker"] == (404, 200, 404)
    assert on_team["b_supervisor"] == OTHER_STAFF
    assert on_team["shelter_staff"] == MEMBER and on_team["legal_aid"] == MEMBER
    assert on_team["a_caseworker"] == HOLDER and on_team["partner"] == NO_ROLE
    service.end_member(cw, shelter)
    consent_service.withdraw_consent(cw, clinic_consent)
    consent_service.withdraw_consent(cw, b_consent)
    db.session.commit()
    after = _matrix(app, agencies, case_a)
    assert after["shelter_staff"] == NOT_MEMBER and after["legal_aid"] == NOT_MEMBER
    assert after["b_caseworker"] == OTHER_STAFF
    assert after["a_caseworker"] == HOLDER and after["a_supervisor"] == HOLDER
