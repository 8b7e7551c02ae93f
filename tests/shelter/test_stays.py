"""SH-1..5: voluntary shelter stays."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.reminders.models import Deadline
from referral.shelter import service as shelter
from referral.shelter.models import Stay
from tests.factories import create_case, give_consent, token_headers


def now():
    return datetime.now(timezone.utc)


def restriction_body(**overrides):
    body = {"legal_basis": "Court protection order 12/2026", "decision_maker": "Judge A",
            "grounds": "safety", "reason": "trafficker seen near the shelter",
            "expires_at": (now() + timedelta(days=7)).isoformat(),
            "review_at": (now() + timedelta(days=3)).isoformat(),
            "reason_code": "trafficker_nearby", "person_view": "understands and agrees"}
    body.update(overrides)
    return body


def test_SH1_admission_records_consent(client, caseworker, a_case, shelter_agency,
                                       shelter_provider, cw_headers):
    response = client.post(f"/api/v1/cases/{a_case.id}/stays", headers=cw_headers,
                           json={"shelter_id": str(shelter_agency.id)})
    assert response.status_code == 409 and "SH-1" in response.json["errors"]
    give_consent(caseworker, a_case, "service", shelter_provider)
    response = client.post(f"/api/v1/cases/{a_case.id}/stays", headers=cw_headers,
                           json={"shelter_id": str(shelter_agency.id)})
    assert response.status_code == 201 and response.json["is_voluntary"]
    db.session.refresh(a_case)
    assert a_case.shelter_state == "staying"


def test_SH1_the_person_may_leave_at_any_time_even_under_restriction(client, admitted,
                                                                    shelter_user):
    headers = token_headers(shelter_user)
    assert client.post(f"/api/v1/stays/{admitted.id}/restrictions", headers=headers,
                       json=restriction_body()).status_code == 201
    response = client.post(f"/api/v1/stays/{admitted.id}/leave", headers=headers, json={})
    assert response.status_code == 200 and response.json["left_at"]
    db.session.refresh(admitted)
    assert admitted.case.shelter_state == "left"
    assert not admitted.active_restrictions()


def test_SH1_ending_a_stay_for_non_cooperation_is_refused(client, admitted, shelter_user):
    response = client.post(f"/api/v1/stays/{admitted.id}/end", headers=token_headers(
        shelter_user), json={"reason": "refused to give a statement to the police",
                             "reason_code": "safety_of_residents",
                             "person_view": "wants to stay"})
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    assert db.session.get(Stay, admitted.id).left_at is None


def test_SH1_a_stay_ended_with_reasons_ends_what_depends_on_it(client, admitted,
                                                             shelter_user):
    headers = token_headers(shelter_user)
    assert client.post(f"/api/v1/stays/{admitted.id}/restrictions", headers=headers,
                       json=restriction_body()).status_code == 201
    response = client.post(f"/api/v1/stays/{admitted.id}/end", headers=headers, json={
        "reason": "the person found a place nearer their work",
        "reason_code": "moved_to_other_accommodation",
        "person_view": "agrees and thanks the staff"})
    assert response.status_code == 200
    stay = db.session.get(Stay, admitted.id)
    assert stay.left_at is not None and not stay.active_restrictions()
    assert stay.case.shelter_state == "left"
    # The shelter's reach into the case ends with the stay (SH-3).
    assert client.get("/api/v1/stays", query_string={"shelter": shelter_user.agency_id},
                      headers=headers).json == []
    assert client.post(f"/api/v1/stays/{admitted.id}/outings", headers=headers,
                       json={"purpose": "doctor"}).status_code == 404


@pytest.mark.parametrize("event", ["admit", "leave", "end_stay"])
def test_a_shelter_step_is_taken_by_the_shelter_area_never_the_generic_endpoint(
        client, caseworker, admitted, event):
    """A stay row changes with these steps, so only the shelter endpoints take them."""
    case = admitted.case
    response = client.post(f"/api/v1/cases/{case.id}/transitions", headers=token_headers(
        caseworker), json={"track": "shelter", "event": event, "version": case.version,
                           "reason": "moving on", "facts": {"person_view": "fine"}})
    assert response.status_code == 409 and "WF-OWNER" in response.json["errors"]
    assert "/stays" in response.json["errors"]["WF-OWNER"][0]
    assert db.session.get(Stay, admitted.id).left_at is None


def test_SH2_a_restriction_records_basis_maker_reason_expiry_and_review(client, admitted,
                                                                       shelter_user):
    headers = token_headers(shelter_user)
    for missing in ("legal_basis", "decision_maker", "reason", "expires_at", "review_at"):
        body = restriction_body()
        body.pop(missing)
        response = client.post(f"/api/v1/stays/{admitted.id}/restrictions", headers=headers,
                               json=body)
        assert response.status_code == 422 and missing in response.json["errors"]
    response = client.post(f"/api/v1/stays/{admitted.id}/restrictions", headers=headers,
                           json=restriction_body())
    assert response.status_code == 201
    kinds = set(db.session.scalars(select(Deadline.kind).where(
        Deadline.case_id == admitted.case_id)))
    assert {"restriction_review", "restriction_expiry"} <= kinds


def test_SH2_a_restriction_lapses_at_expiry_and_never_renews(shelter_user, admitted):
    restriction = shelter.impose_restriction(
        shelter_user, admitted, legal_basis="order", decision_maker="Judge",
        grounds="safety", reason="threat", expires_at=now() + timedelta(days=2),
        review_at=now() + timedelta(days=1), reason_code="immediate_danger",
        person_view_declined=True)
    db.session.commit()
    assert not admitted.is_voluntary
    with freeze_time(now() + timedelta(days=2, minutes=1)):
        assert admitted.is_voluntary
        assert not restriction.is_active()


@pytest.mark.parametrize("days", [0, 15, 60])
def test_SH2_expiry_must_be_in_the_future_and_within_the_maximum(shelter_user, admitted, days):
    with pytest.raises(Invalid):
        shelter.impose_restriction(shelter_user, admitted, legal_basis="order",
                                   decision_maker="Judge", grounds="safety", reason="threat",
                                   expires_at=now() + timedelta(days=days, seconds=-1),
                                   review_at=now() + timedelta(hours=1))


def test_SH2_restrictions_are_only_for_safety(shelter_user, admitted):
    with pytest.raises(Refused) as refused:
        shelter.impose_restriction(shelter_user, admitted, legal_basis="aliens act",
                                   decision_maker="Officer", grounds="migration",
                                   reason="irregular stay", expires_at=now() + timedelta(days=3),
                                   review_at=now() + timedelta(days=1))
    assert refused.value.rule == "SH-2"


def test_SH2_CH4_never_on_a_child_on_migration_grounds(caseworker, shelter_agency,
                                                       shelter_provider, shelter_user):
    child = create_case(caseworker, person={"date_of_birth": None, "age_estimate": 15})
    from referral.cases import decisions
    decisions.appoint_guardian(caseworker, child, name="Guardian")
    give_consent(caseworker, child, "service", shelter_provider)
    stay = shelter.admit(caseworker, child, shelter_id=shelter_agency.id)
    db.session.commit()
    with pytest.raises(Refused) as refused:
        shelter.impose_restriction(shelter_user, stay, legal_basis="aliens act",
                                   decision_maker="Officer", grounds="migration",
                                   reason="pending removal", expires_at=now() + timedelta(days=3),
                                   review_at=now() + timedelta(days=1))
    assert refused.value.rule == "CH-4"


def test_SH4_held_items_are_logged_and_returned_on_request(client, admitted, shelter_user):
    headers = token_headers(shelter_user)
    item = client.post(f"/api/v1/stays/{admitted.id}/held-items", headers=headers,
                       json={"kind": "phone", "description": "black phone"}).json
    response = client.post(f"/api/v1/held-items/{item['id']}/return", headers=headers)
    assert response.status_code == 200 and response.json["returned_at"]


@pytest.mark.parametrize("purpose", ["court", "lawyer", "doctor"])
def test_SH5_leaving_for_court_a_lawyer_or_a_doctor_is_always_allowed(client, admitted,
                                                                      shelter_user, purpose):
    headers = token_headers(shelter_user)
    client.post(f"/api/v1/stays/{admitted.id}/restrictions", headers=headers,
                json=restriction_body())
    response = client.post(f"/api/v1/stays/{admitted.id}/outings", headers=headers,
                           json={"purpose": purpose})
    assert response.status_code == 201


SENTINELS = {
    "narrative": "SENTINEL-NARRATIVE-5521",
    "family_name": "SENTINEL-FAMILY-8830",
    "safe_contact": "SENTINEL-CONTACT-4410",
    "document": "SENTINEL-PASSPORT-X991",
}


def test_SH3_the_shelter_view_shows_the_stay_and_nothing_of_the_case(client, caseworker,
                                                                     admitted, shelter_user,
                                                                     shelter_agency):
    case = admitted.case
    case.narrative = SENTINELS["narrative"]
    case.person.family_name = SENTINELS["family_name"]
    case.person.safe_contact = SENTINELS["safe_contact"]
    shelter.log_held_item(shelter_user, admitted, kind="document",
                          description=SENTINELS["document"])
    from referral.cases import decisions
    decisions.record_decision(caseworker, case, kind="risk_assessment", outcome="high",
                              decision_maker="Caseworker", reasons="SENTINEL-HEALTH-6612")
    db.session.commit()
    headers = token_headers(shelter_user)
    responses = [
        client.get(f"/api/v1/stays?shelter={shelter_agency.id}", headers=headers),
        client.get(f"/api/v1/cases/{case.id}", headers=headers),
        client.get(f"/api/v1/cases/{case.id}/history", headers=headers),
        client.get(f"/api/v1/cases/{case.id}/transitions", headers=headers),
        client.get(f"/api/v1/cases/{case.id}/decisions", headers=headers),
        client.get(f"/api/v1/cases/{case.id}/consents", headers=headers),
        client.get("/api/v1/cases", headers=headers),
    ]
    view = responses[0].json
    assert view[0]["is_voluntary"] is True and view[0]["room"] == "3B"
    assert view[0]["name"] == "Test"
    assert "legal" not in str(view)
    for response in responses:
        text = response.get_data(as_text=True)
        for sentinel in list(SENTINELS.values()) + ["SENTINEL-HEALTH-6612"]:
            assert sentinel not in text, (response.request.path, sentinel)
    assert [r.status_code for r in responses[1:]] == [403] * 6


def test_SH3_another_shelters_view_is_not_found(client, admitted, shelter_user):
    from tests.factories import create_agency
    from referral.accounts.models import AgencyKind
    other = create_agency("Other shelter", AgencyKind.shelter)
    db.session.commit()
    response = client.get(f"/api/v1/stays?shelter={other.id}",
                          headers=token_headers(shelter_user))
    assert response.status_code == 404


def test_the_shelter_view_answers_as_its_schema_dumps_it(client, shelter_user, admitted):
    """The residents are dumped without marshmallow per row: the same JSON the schema
    gives, restrictions in force and held items included."""
    from referral.shelter.schemas import ShelterResidentSchema
    shelter.impose_restriction(
        shelter_user, admitted, legal_basis="order", decision_maker="Judge",
        grounds="safety", reason="threat", expires_at=now() + timedelta(days=2),
        review_at=now() + timedelta(days=1), reason_code="immediate_danger",
        person_view_declined=True)
    shelter.log_held_item(shelter_user, admitted, kind="document", description="passport")
    db.session.commit()
    response = client.get(f"/api/v1/stays?shelter={admitted.shelter_agency_id}",
                          headers=token_headers(shelter_user))
    assert response.status_code == 200
    expected = ShelterResidentSchema(many=True).dump(
        shelter.shelter_view(shelter_user, admitted.shelter_agency_id))
    assert response.json == expected
    assert response.json[0]["restrictions"] and response.json[0]["held_items"]
    assert response.json[0]["is_voluntary"] is False and response.json[0]["name"]
