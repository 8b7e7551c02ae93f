"""The person panel: identity for the case's own agency; corrections with a reason, kept as
a history (rectification), validated as at intake, sealed, audited; CH-1 holds."""
import pytest
from sqlalchemy import select, text

from referral.audit.models import AuditEntry
from referral.cases.models import AgeStatus
from referral.extensions import db
from referral.person.models import PersonCorrection
from referral.reminders.models import Deadline
from tests.factories import create_case, create_user, token_headers

REASON = "nationality confirmed from the passport"


def patch(client, headers, case, person=None, referral=None, reason=REASON):
    body = {"person": person or {}, "referral": referral or {}}
    if reason is not None:
        body["reason"] = reason
    return client.patch(f"/api/v1/cases/{case.id}/person", headers=headers, json=body)


def test_the_panel_shows_who_the_person_is(client, cw_headers, a_case):
    panel = client.get(f"/api/v1/cases/{a_case.id}/person", headers=cw_headers).json
    assert panel["family_name"] == "Sentinelpd-Family" and panel["nationality"] == "RO"
    assert panel["date_of_birth"] == "1990-05-17" and panel["is_child"] is False
    assert panel["indicators"] == ["documents_withheld", "debt_bondage"]
    assert panel["narrative"].startswith("SENTINEL-PD-NARRATIVE")


def test_a_correction_is_kept_with_its_reason_and_the_value_before(client, cw_headers,
                                                                   caseworker, a_case):
    response = patch(client, cw_headers, a_case,
                     person={"nationality": "MD", "aliases": ["Ana M.", "Anuta"],
                             "contact": "+40 700 000 000"},
                     referral={"sectors": ["agriculture", "hospitality"]})
    assert response.status_code == 200, response.json
    assert response.json["nationality"] == "MD"
    assert response.json["aliases"] == ["Ana M.", "Anuta"]
    history = client.get(f"/api/v1/cases/{a_case.id}/person/corrections",
                         headers=cw_headers).json
    by_field = {row["field"]: row for row in history}
    assert set(by_field) == {"nationality", "aliases", "contact", "sectors"}
    assert by_field["nationality"]["before"] == "RO" and by_field["nationality"]["after"] == "MD"
    assert by_field["nationality"]["reason"] == REASON
    assert len({row["batch"] for row in history}) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.correct"))
    assert entry.actor_id == caseworker.id and entry.case_id == a_case.id
    assert entry.details == {"fields": ["aliases", "contact", "nationality", "sectors"]}


def test_the_history_and_the_new_fields_are_sealed(client, cw_headers, a_case):
    patch(client, cw_headers, a_case, person={"given_name": "Anastasia",
                                              "aliases": ["Nastya"], "contact": "+40 7"})
    for row in db.session.execute(text("SELECT before_enc, after_enc, reason_enc "
                                       "FROM person_correction")):
        assert all(v is None or v.startswith("v1:") for v in row)
        assert "Anastasia" not in str(row) and "passport" not in str(row)
    row = db.session.execute(text("SELECT aliases_enc, contact_enc FROM person")).one()
    assert all(v.startswith("v1:") and "Nastya" not in v for v in row)


def test_the_name_search_follows_a_corrected_name(client, cw_headers, a_case):
    patch(client, cw_headers, a_case, person={"given_name": "Anastasia"})
    found = client.get("/api/v1/cases?q=Anastasia Sentinelpd-Family", headers=cw_headers).json
    assert [c["id"] for c in found["items"]] == [str(a_case.id)]


@pytest.mark.parametrize("person, field", [
    ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
    ({"age_estimate": 300}, "age_estimate"),
    ({"sex": "robot"}, "sex"),
    ({"nationality": "X"}, "nationality"),
    ({"languages": ["a"]}, "languages.0"),
])
def test_a_correction_is_validated_as_intake_validates(client, cw_headers, a_case, person,
                                                       field):
    intake = client.post("/api/v1/cases", headers=cw_headers,
                         json={"person": person, "referred_by": "NGO"})
    assert intake.status_code == 422
    response = patch(client, cw_headers, a_case, person=person)
    assert response.status_code == 422
    assert field in response.json["errors"] and \
        f"person.{field}" in intake.json["errors"]
    assert db.session.scalar(select(PersonCorrection)) is None


def test_a_correction_needs_a_reason_and_a_change(client, cw_headers, a_case):
    assert patch(client, cw_headers, a_case, person={"nationality": "MD"},
                 reason=None).status_code == 422
    assert patch(client, cw_headers, a_case, person={"nationality": "MD"},
                 reason="because").status_code == 422
    same = patch(client, cw_headers, a_case, person={"nationality": "RO"})
    assert same.status_code == 422 and "person" in same.json["errors"]
    bad = patch(client, cw_headers, a_case, referral={"exploitation_forms": ["consented"]})
    assert bad.status_code == 422


def test_CH1_a_corrected_adult_age_does_not_end_child_treatment(client, cw_headers,
                                                                 caseworker):
    child = create_case(caseworker, person={"date_of_birth": None, "age_estimate": 15})
    assert child.age_status == AgeStatus.possible_child
    response = patch(client, cw_headers, child, person={"date_of_birth": "1995-03-01"})
    assert response.status_code == 200
    assert response.json["is_child"] is True  # only an age assessment decides otherwise
    db.session.refresh(child)
    assert child.age_status == AgeStatus.possible_child


def test_CH1_a_correction_that_makes_a_child_plans_the_guardian_deadline(client, cw_headers,
                                                                         a_case):
    assert not a_case.is_child
    response = patch(client, cw_headers, a_case, person={"date_of_birth": "2012-01-01"})
    assert response.json["is_child"] is True
    assert db.session.scalar(select(Deadline).where(
        Deadline.case_id == a_case.id, Deadline.kind == "guardian_appointment")) is not None
    history = client.get(f"/api/v1/cases/{a_case.id}/person/corrections",
                         headers=cw_headers).json
    assert {"date_of_birth", "age_status"} <= {row["field"] for row in history}
    db.session.refresh(a_case)
    assert a_case.age_group in ("0-11", "12-17")  # statistics count the corrected age


@pytest.mark.parametrize("role", ["shelter_staff", "legal_aid", "admin", "auditor"])
def test_only_the_cases_agency_sees_or_corrects_the_person(client, caseworker, a_case,
                                                           admitted, shelter_agency, role):
    from referral.legal import service as legal
    user = create_user(role, agency=caseworker.agency if role in ("admin", "auditor")
                       else shelter_agency if role == "shelter_staff" else None)
    db.session.commit()
    if role == "legal_aid":
        legal.assign_legal_aid(caseworker, a_case, user.id)
        db.session.commit()
    headers = token_headers(user)
    assert client.get(f"/api/v1/cases/{a_case.id}/person", headers=headers).status_code == 403
    assert patch(client, headers, a_case, person={"nationality": "MD"}).status_code == 403
    db.session.refresh(a_case.person)
    assert a_case.person.nationality == "RO"


def test_another_agency_gets_404(client, a_case):
    headers = token_headers(create_user("caseworker"))
    assert client.get(f"/api/v1/cases/{a_case.id}/person", headers=headers).status_code == 404


def test_DP3_reading_the_panel_is_audited(client, cw_headers, caseworker, a_case):
    client.get(f"/api/v1/cases/{a_case.id}/person", headers=cw_headers)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.read"))
    assert entry.actor_id == caseworker.id and entry.case_id == a_case.id
