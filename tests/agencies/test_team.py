"""A case team: staff of several agencies on one case, each with a scope, on the person's
consent (CO-1); access ends when a member leaves or the consent is withdrawn (CO-2)."""
import pytest

from referral.agencies import access, service
from referral.consent import service as consent_service
from referral.errors import Invalid, NotFound, Refused
from referral.extensions import db
from tests.factories import token_headers
from tests.web.conftest import login

from .conftest import share_consent


def _team(agencies, case):
    cw = agencies["a_caseworker"]
    shelter_consent = share_consent(cw, case, agencies["shelter"])
    clinic_consent = share_consent(cw, case, agencies["clinic"])
    shelter = service.add_member(cw, case, user_id=agencies["shelter_staff"].id,
                                 team_role="key worker at the shelter",
                                 scope=["shelter", "conferences"],
                                 consent_id=shelter_consent.id)
    lawyer = service.add_member(cw, case, user_id=agencies["legal_aid"].id,
                                team_role="lawyer", scope=["legal", "identity"],
                                consent_id=clinic_consent.id)
    db.session.commit()
    return shelter, lawyer, shelter_consent, clinic_consent


def test_co1_a_member_of_another_agency_needs_consent_naming_it(agencies, case_a):
    cw = agencies["a_caseworker"]
    other = share_consent(cw, case_a, agencies["b"])
    with pytest.raises(Refused) as refused:
        service.add_member(cw, case_a, user_id=agencies["legal_aid"].id, team_role="lawyer",
                           scope=["legal"], consent_id=other.id)
    assert refused.value.key == "CO-1"
    with pytest.raises(Invalid):
        service.add_member(cw, case_a, user_id=agencies["legal_aid"].id, team_role="lawyer",
                           scope=["narrative"], consent_id=other.id)


def test_each_member_sees_only_their_scope(app, agencies, case_a):
    _team(agencies, case_a)
    client = app.test_client()
    shelter = client.get(f"/api/v1/cases/{case_a.id}/team-view",
                         headers=token_headers(agencies["shelter_staff"])).get_json()
    assert set(shelter["tracks"]) == {"shelter"} and "identity" not in shelter
    assert [m["agency"] for m in shelter["team"]] == ["Harbour Shelter", "Justice Clinic"]
    lawyer = client.get(f"/api/v1/cases/{case_a.id}/team-view",
                        headers=token_headers(agencies["legal_aid"])).get_json()
    assert set(lawyer["tracks"]) == {"legal"} and lawyer["identity"]["known_as"] == "Test"
    assert "conferences" not in lawyer
    # the team view is not the case file: a team member never reaches the file
    assert client.get(f"/api/v1/cases/{case_a.id}", headers=token_headers(
        agencies["shelter_staff"])).status_code == 403
    # the case file shows the team
    page = login(app.test_client(), "caseworker").get(f"/cases/{case_a.id}")
    assert b"Justice Clinic" in page.data and b"Harbour Shelter" in page.data


def test_access_ends_when_a_member_leaves(app, agencies, case_a):
    shelter, _, _, _ = _team(agencies, case_a)
    service.end_member(agencies["a_caseworker"], shelter)
    db.session.commit()
    with pytest.raises(NotFound):
        access.get_team_case_for(agencies["shelter_staff"], case_a.id)
    assert app.test_client().get(f"/api/v1/cases/{case_a.id}/team-view", headers=token_headers(
        agencies["shelter_staff"])).status_code == 404


def test_co2_access_ends_when_consent_is_withdrawn(app, agencies, case_a):
    _, lawyer, _, clinic_consent = _team(agencies, case_a)
    consent_service.withdraw_consent(agencies["a_caseworker"], clinic_consent)
    db.session.commit()
    assert lawyer.ended_at is not None and lawyer.end_reason == "consent_withdrawn"
    assert app.test_client().get(f"/api/v1/cases/{case_a.id}/team-view", headers=token_headers(
        agencies["legal_aid"])).status_code == 404
    # the other member is untouched
    assert access.get_team_case_for(agencies["shelter_staff"], case_a.id)
