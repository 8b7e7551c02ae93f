"""The request boundary: each finding of the attack on the edges, as a test that reads like
the rule it broke (DP-3, DP-6, DP-7, SH-3, CO-2, RR-2, LP-1)."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from referral.audit.models import AuditEntry
from referral.boundary import unit_of_work
from referral.extensions import db
from referral.privacy import service as privacy
from referral.reminders import service as reminders
from referral.reminders.models import Deadline, DeadlineStatus
from referral.returns import service as returns
from referral.services import service as services
from tests.factories import (create_agency, create_provider, create_user,
                             give_consent, token_headers)

pytestmark = pytest.mark.usefixtures("app")


def audit_count(case_id=None):
    query = select(func.count()).select_from(AuditEntry)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    return db.session.scalar(query)


def restrict(supervisor, case, named=()):
    with unit_of_work():
        privacy.restrict_case(supervisor, case.id, reason="suspected official involvement",
                              named_staff=[u.id for u in named])


# -- F1: a shelter's residents belong to that shelter's staff alone ------------------------

def test_SH3_another_agencys_supervisor_cannot_list_a_shelters_residents(
        client, admitted, shelter_agency, supervisor):
    outsider = create_user("supervisor", agency=create_agency("Other NGO"))
    db.session.commit()
    for user in (outsider, supervisor):
        response = client.get("/api/v1/stays", query_string={"shelter": shelter_agency.id},
                              headers=token_headers(user))
        assert response.status_code == 403
    other_shelter = create_user("shelter_staff", agency=create_agency(
        "Other shelter", kind="shelter"))
    db.session.commit()
    assert client.get("/api/v1/stays", query_string={"shelter": shelter_agency.id},
                      headers=token_headers(other_shelter)).status_code == 404


def test_DP7_a_restricted_resident_shows_to_the_shelter_without_name_or_reference(
        client, admitted, shelter_user, supervisor, caseworker):
    restrict(supervisor, admitted.case, named=[caseworker])
    response = client.get("/api/v1/stays", query_string={"shelter": shelter_user.agency_id},
                          headers=token_headers(shelter_user))
    assert response.status_code == 200
    [resident] = response.json
    assert resident["restricted_case"] is True
    assert resident["name"] is None and "case_reference" not in resident  # SH-3: never
    assert admitted.case.reference not in response.get_data(as_text=True)


def test_DP3_the_shelters_residents_list_is_a_read_of_each_residents_file(
        client, admitted, shelter_user):
    before = audit_count(admitted.case_id)
    client.get("/api/v1/stays", query_string={"shelter": shelter_user.agency_id},
               headers=token_headers(shelter_user))
    assert audit_count(admitted.case_id) == before + 1


# -- F6: each act belongs to the roles whose work it is -------------------------------------

def test_LP1_shelter_staff_cannot_complete_a_cases_follow_ups(client, admitted,
                                                              shelter_user, caseworker):
    row = db.session.scalar(select(Deadline).where(Deadline.case_id == admitted.case_id,
                                                   Deadline.kind == "reflection_end"))
    task = reminders.plan_deadline(admitted.case_id, "safety_task",
                                   datetime.now(timezone.utc), risk=3)
    db.session.commit()
    headers = token_headers(shelter_user)
    for deadline in (row, task):
        assert client.post(f"/api/v1/reminders/{deadline.id}/met",
                           headers=headers).status_code == 403
        assert client.post(f"/api/v1/reminders/{deadline.id}/late-reason", headers=headers,
                           json={"reason": "ATTACK"}).status_code == 403
    assert db.session.get(Deadline, task.id).status == DeadlineStatus.pending
    outsider = create_user("caseworker")  # another agency's caseworker
    db.session.commit()
    assert client.post(f"/api/v1/reminders/{task.id}/met",
                       headers=token_headers(outsider)).status_code == 404
    assert client.post(f"/api/v1/reminders/{task.id}/met",
                       headers=token_headers(caseworker)).status_code == 200


def test_RR2_only_the_cases_agency_writes_the_return_risk_assessment(
        client, caseworker, admitted, shelter_user):
    request = returns.request_return(caseworker, admitted.case, destination_country="RO",
                                     person_words="I want to go home to my mother")
    legal = create_user("legal_aid", agency=create_agency("Legal aid"))
    from referral.legal import service as legal_service
    legal_service.assign_legal_aid(caseworker, admitted.case, legal.id)
    db.session.commit()
    for user in (shelter_user, legal):
        response = client.post(f"/api/v1/returns/{request.id}/assessments",
                               headers=token_headers(user),
                               json={"risk_retaliation": "low", "risk_notes": "ATTACK"})
        assert response.status_code == 403
    assert not db.session.get(type(request), request.id).assessments


def test_SH4_legal_aid_does_not_log_a_shelters_held_items_or_outings(
        client, caseworker, admitted, shelter_user):
    from referral.legal import service as legal_service
    from referral.shelter import service as shelter
    legal = create_user("legal_aid", agency=create_agency("Legal aid"))
    legal_service.assign_legal_aid(caseworker, admitted.case, legal.id)
    item = shelter.log_held_item(shelter_user, admitted, kind="document")
    db.session.commit()
    headers = token_headers(legal)
    assert client.post(f"/api/v1/stays/{admitted.id}/held-items", headers=headers,
                       json={"kind": "keys"}).status_code == 403
    assert client.post(f"/api/v1/stays/{admitted.id}/outings", headers=headers,
                       json={"purpose": "doctor"}).status_code == 403
    assert client.post(f"/api/v1/held-items/{item.id}/return",
                       headers=headers).status_code == 403


# -- F3, F10, F11: what a referral's recipient sees, and that each read is recorded --------

@pytest.fixture
def referred(caseworker, a_case, shelter_agency):
    provider = create_provider(services=("medical",), agency=shelter_agency)
    consent = give_consent(caseworker, a_case, "referral", provider,
                           data_categories=["identity", "contact"])
    a_case.person.safe_contact = "SENTINEL-SAFE-CONTACT"
    a_case.person.contact_is_safe = True
    referral = services.make_referral(caseworker, a_case, provider_id=provider.id,
                                      service="medical")
    db.session.commit()
    return referral, consent


def test_CO2_a_withdrawn_consent_ends_what_the_recipient_sees(client, caseworker, referred,
                                                              shelter_user):
    referral, consent = referred
    headers = token_headers(shelter_user)
    [item] = client.get("/api/v1/referrals/received", headers=headers).json
    assert item["name"] and item["safe_contact"] == "SENTINEL-SAFE-CONTACT"
    assert client.post(f"/api/v1/consents/{consent.id}/withdraw",
                       headers=token_headers(caseworker), json={}).status_code == 200
    response = client.get("/api/v1/referrals/received", headers=headers)
    [item] = response.json
    assert item["status"] == "revoked"
    assert "name" not in item and "safe_contact" not in item
    assert "SENTINEL" not in response.get_data(as_text=True)


def test_DP6_reading_a_received_referral_shows_in_the_persons_access_list(
        client, caseworker, referred, shelter_user):
    referral, _ = referred
    before = audit_count(referral.case_id)
    client.get("/api/v1/referrals/received", headers=token_headers(shelter_user))
    assert audit_count(referral.case_id) == before + 1
    export = client.get(f"/api/v1/cases/{referral.case_id}/subject-access",
                        headers=token_headers(caseworker)).json
    assert "Harbour House" in json.dumps(export["seen_by"])


def test_DP7_a_restricted_case_shows_to_a_recipient_without_name_or_reference(
        client, caseworker, supervisor, referred, shelter_user):
    referral, _ = referred
    restrict(supervisor, referral.case, named=[caseworker])
    response = client.get("/api/v1/referrals/received", headers=token_headers(shelter_user))
    [item] = response.json
    assert item["reference"] is None and "name" not in item
    assert "SENTINEL" not in response.get_data(as_text=True)


def test_DP7_a_restricted_case_shows_on_the_dashboard_of_an_unnamed_supervisor_masked(
        client, caseworker, supervisor, a_case):
    named = create_user("supervisor", agency=caseworker.agency)
    db.session.commit()
    reminders.plan_deadline(a_case.id, "safety_task",
                            datetime.now(timezone.utc) - timedelta(days=1), risk=3)
    restrict(named, a_case, named=[caseworker])
    body = client.get("/api/v1/supervision/overdue", headers=token_headers(supervisor)).json
    [item] = [o for o in body["overdue"] if o["kind"] == "safety_task"]
    assert item["case_reference"] is None and item["case_id"] is None
    body = client.get("/api/v1/supervision/overdue", headers=token_headers(named)).json
    [item] = [o for o in body["overdue"] if o["kind"] == "safety_task"]
    assert item["case_reference"] == a_case.reference


@pytest.mark.parametrize("path", ["consents", "referrals", "transitions", "decisions",
                                  "restriction", "retention"])
def test_DP3_every_read_of_a_cases_records_is_audited_against_the_case(
        client, a_case, cw_headers, path):
    before = audit_count(a_case.id)
    assert client.get(f"/api/v1/cases/{a_case.id}/{path}", headers=cw_headers) \
        .status_code == 200
    assert audit_count(a_case.id) == before + 1


@pytest.mark.parametrize("page", ["consents", "referrals", "reintegration"])
def test_DP3_every_page_of_a_cases_records_is_audited_against_the_case(
        client, a_case, page):
    from tests.web.conftest import login
    login(client, "caseworker")
    before = audit_count(a_case.id)
    assert client.get(f"/cases/{a_case.id}/{page}").status_code == 200
    assert audit_count(a_case.id) == before + 1


# -- input at the edge: a clear 4xx naming the field, never a 500 ---------------------------

@pytest.mark.parametrize("depth", [100, 1000, 100_000])
def test_json_nested_too_deeply_is_refused(client, cw_headers, a_case, depth):
    body = "[" * depth + "]" * depth
    for path in ("/api/v1/cases", f"/api/v1/cases/{a_case.id}/transitions"):
        response = client.post(path, headers={**cw_headers, "Content-Type": "application/json"},
                               data=body)
        assert 400 <= response.status_code < 500
        assert response.json["errors"]


def test_a_lone_surrogate_is_refused_naming_the_field(client, cw_headers):
    response = client.post("/api/v1/cases", headers={**cw_headers,
                                                     "Content-Type": "application/json"},
                           data='{"person": {"given_name": "\\ud800"}, "referred_by": "x"}')
    assert response.status_code == 422
    assert "person.given_name" in response.json["errors"]


@pytest.mark.parametrize("born", ["0001-01-01", "9999-12-31"])
def test_an_implausible_date_is_refused_naming_the_field(client, cw_headers, born):
    response = client.post("/api/v1/cases", headers=cw_headers, json={
        "person": {"date_of_birth": born}, "referred_by": "Helpline"})
    assert response.status_code == 422 and "person.date_of_birth" in response.json["errors"]


def test_an_implausible_hearing_date_is_refused(client, cw_headers, caseworker, a_case):
    from referral.legal import service as legal
    proceeding = legal.open_proceeding(caseworker, a_case, kind="criminal",
                                       person_role="victim", court_or_authority="Court A")
    db.session.commit()
    response = client.post(f"/api/v1/proceedings/{proceeding.id}/hearings",
                           headers=cw_headers,
                           json={"at": "9999-12-31T10:00:00+00:00", "place": "Court A"})
    assert response.status_code == 422 and "at" in response.json["errors"]


@pytest.mark.parametrize("version", ["9" * 30, "9" * 5000])
def test_an_integer_beyond_64_bits_is_refused(client, cw_headers, a_case, version):
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions",
                           headers={**cw_headers, "Content-Type": "application/json"},
                           data='{"track": "nrm", "event": "close", "version": %s}' % version)
    assert response.status_code == 422


def test_an_unknown_agency_is_a_field_error(client, caseworker):
    admin = create_user("admin", agency=caseworker.agency)
    db.session.commit()
    response = client.post("/api/v1/providers", headers=token_headers(admin), json={
        "name": "Rogue", "services": ["medical"],
        "agency_id": "993c662e-e515-37b1-a035-919b26fd204f"})
    assert response.status_code == 422 and "agency_id" in response.json["errors"]


def test_a_supervisor_cannot_bind_a_provider_to_another_agency(client, supervisor,
                                                              shelter_agency):
    """The provider's agency receives its referrals and what consent shares (F14)."""
    response = client.post("/api/v1/providers", headers=token_headers(supervisor), json={
        "name": "Rogue Provider", "services": ["accommodation"],
        "agency_id": str(shelter_agency.id)})
    assert response.status_code == 403 and "agency_id" in response.json["errors"]


@pytest.mark.parametrize("facts,field", [
    ({"person_view_declined": "false"}, "facts.person_view_declined"),
    ({"person_request": True}, "facts.person_request"),
    ({"person_view": 7}, "facts.person_view"),
    ({"invented": True}, "facts"),
])
def test_RP1_facts_are_typed_a_string_false_is_not_false(client, cw_headers, a_case, facts,
                                                         field):
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions", headers=cw_headers,
                           json={"track": "nrm", "event": "begin_assistance",
                                 "version": a_case.version, "facts": facts})
    assert response.status_code == 422 and field in response.json["errors"]
    assert db.session.get(type(a_case), a_case.id).nrm_state == "reflection_period"


def test_a_body_over_the_limit_is_413(client, cw_headers):
    response = client.post("/api/v1/cases", headers={**cw_headers,
                                                     "Content-Type": "application/json"},
                           data=b'{"referred_by": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    assert response.status_code == 413


@pytest.mark.parametrize("target", ["/\n/evil.example", "/\t/evil.example",
                                    "/\\evil.example", "//evil.example",
                                    "https://evil.example/"])
def test_a_redirect_target_off_the_site_is_never_followed(client, caseworker, target):
    from tests.web.conftest import login
    login(client, "caseworker")
    response = client.post("/drafts/referral:new/discard", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")
