"""CO-1..5 and DP-1: the consent ledger."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import inspect, select

from referral.consent import service as consent_service
from referral.consent.models import Consent, RecipientNotice
from referral.errors import Forbidden, Invalid, Refused
from referral.boundary import unit_of_work
from referral.extensions import db
from referral.services import service as services
from referral.services.models import Referral
from tests.cases.conftest import transition
from tests.factories import create_provider, create_user, give_consent, token_headers

BASE = {"language": "ro", "information_given": "purpose, recipient, rights"}


def test_CO1_consent_records_who_when_language_information_and_until_when(client, a_case,
                                                                         cw_headers):
    provider = create_provider(services=("medical",))
    db.session.commit()
    expires = (datetime.now(timezone.utc) + timedelta(days=90)).isoformat()
    response = client.post(f"/api/v1/cases/{a_case.id}/consents", headers=cw_headers, json={
        "purpose": "referral", "provider_id": str(provider.id), "data_categories": ["needs"],
        "language": "ro", "information_given": "what is shared and why",
        "expires_at": expires})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["given_by"] == "person" and body["language"] == "ro" and body["is_valid"]
    assert body["recipient_name"] == provider.name and body["given_at"]


@pytest.mark.parametrize("missing", ["language", "information_given"])
def test_CO1_uninformed_consent_is_refused(client, a_case, cw_headers, missing):
    data = {"purpose": "service", "recipient_name": "Us", **BASE}
    data.pop(missing)
    response = client.post(f"/api/v1/cases/{a_case.id}/consents", headers=cw_headers,
                           json=data)
    assert response.status_code == 422 and missing in response.json["errors"]


def test_CO1_a_referral_needs_consent_for_that_very_provider(caseworker, a_case):
    clinic, other = create_provider(services=("medical",)), create_provider(
        services=("medical",))
    give_consent(caseworker, a_case, "referral", other)
    with pytest.raises(Refused) as refused:
        services.make_referral(caseworker, a_case, provider_id=clinic.id, service="medical")
    assert refused.value.rule == "CO-1"
    give_consent(caseworker, a_case, "referral", clinic)
    assert services.make_referral(caseworker, a_case, provider_id=clinic.id,
                                  service="medical").status == "requested"


def test_CO1_assistance_starts_only_with_service_consent(caseworker, a_case):
    transition(caseworker, a_case, "assistance", "offer")
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "assistance", "accept")
    assert refused.value.rule == "CO-1"
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "accept")
    assert a_case.assistance_state == "in_progress"


def test_CO2_withdrawal_revokes_open_referrals_and_tells_the_recipient(client, caseworker,
                                                                      a_case, cw_headers):
    provider = create_provider(services=("medical",))
    consent = give_consent(caseworker, a_case, "referral", provider)
    referral = services.make_referral(caseworker, a_case, provider_id=provider.id,
                                      service="medical")
    db.session.commit()
    response = client.post(f"/api/v1/consents/{consent.id}/withdraw", headers=cw_headers,
                           json={})
    assert response.status_code == 200 and response.json["withdrawn_at"]
    db.session.refresh(referral)
    assert referral.status == "revoked"
    notice = db.session.scalar(select(RecipientNotice))
    assert notice.case_reference == a_case.reference and notice.kind == "consent_withdrawn"
    assert db.session.get(Consent, consent.id) is not None  # history kept


def test_CO2_an_expired_consent_closes_the_referral_on_its_next_step(caseworker, a_case,
                                                                    shelter_agency):
    provider = create_provider(services=("medical",), agency=shelter_agency)
    staff = create_user("shelter_staff", agency=shelter_agency)
    give_consent(caseworker, a_case, "referral", provider,
                 expires_at=datetime.now(timezone.utc) + timedelta(days=2))
    referral = services.make_referral(caseworker, a_case, provider_id=provider.id,
                                      service="medical")
    db.session.commit()
    with freeze_time(datetime.now(timezone.utc) + timedelta(days=3)):
        with pytest.raises(Refused) as refused, unit_of_work():
            services.referral_step(staff, referral, "accept")
    assert refused.value.rule == "CO-2"
    assert db.session.get(Referral, referral.id).status == "revoked"


def test_CO2_withdrawing_is_as_easy_as_giving_one_call(caseworker, a_case):
    consent = give_consent(caseworker, a_case, "photograph")
    consent_service.withdraw_consent(caseworker, consent)
    assert not consent_service.has_valid_consent(a_case, "photograph")


def test_CO3_declining_one_service_changes_nothing_else(client, caseworker, a_case,
                                                       cw_headers):
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    transition(caseworker, a_case, "assistance", "accept")
    offers = [client.post(f"/api/v1/cases/{a_case.id}/offers", headers=cw_headers,
                          json={"service": s}).json for s in ("medical", "psychological")]
    before = (a_case.tracks, a_case.identification)
    response = client.post(f"/api/v1/offers/{offers[0]['id']}/decline", headers=cw_headers,
                           json={"reason_code": "person_declined",
                                 "person_view": "has her own doctor"})
    assert response.status_code == 200 and response.json["status"] == "declined"
    db.session.refresh(a_case)
    assert (a_case.tracks, a_case.identification) == before
    accept = client.post(f"/api/v1/offers/{offers[1]['id']}/accept", headers=cw_headers,
                         json={})
    assert accept.json["status"] == "accepted"


def test_CO3_no_health_results_or_mandatory_tests_in_the_case_file():
    from referral import import_models
    from referral.extensions import db as _db
    import_models()
    columns = {c.name for table in _db.metadata.tables.values() for c in table.columns}
    assert not {c for c in columns if "hiv" in c or "test_result" in c or "diagnos" in c}


def test_CO4_an_override_needs_a_reason_and_a_supervisors_approval(caseworker, supervisor,
                                                                  a_case):
    provider = create_provider(services=("medical",))
    with pytest.raises(Invalid):
        consent_service.request_override(caseworker, a_case, purpose="referral",
                                         grounds="danger_to_life", reason=" ",
                                         provider_id=provider.id)
    override = consent_service.request_override(
        caseworker, a_case, purpose="referral", grounds="danger_to_life",
        reason="unconscious after assault; emergency care", provider_id=provider.id)
    assert not consent_service.has_valid_consent(a_case, "referral", provider.id)
    with pytest.raises(Forbidden):
        consent_service.approve_override(caseworker, override)
    consent_service.approve_override(supervisor, override)
    assert consent_service.has_valid_consent(a_case, "referral", provider.id)


def test_CO4_the_requester_cannot_approve_their_own_override(supervisor, a_case):
    override = consent_service.request_override(supervisor, a_case, purpose="service",
                                                grounds="danger_to_life", reason="urgent")
    with pytest.raises(Refused) as refused:
        consent_service.approve_override(supervisor, override)
    assert refused.value.rule == "CO-4"


def test_CO5_consent_to_exploitation_is_never_a_field():
    columns = set(inspect(Consent).columns.keys())
    assert not {c for c in columns if "exploitation" in c}
    from referral.cases.models import Case
    assert not {c for c in inspect(Case).columns.keys() if "consent" in c}


def test_CH3_consent_for_a_child_is_the_guardians_with_the_childs_views(caseworker,
                                                                       a_child_case):
    with pytest.raises(Invalid) as invalid:
        consent_service.give_consent(caseworker, a_child_case, purpose="service",
                                     recipient_name="Us", **BASE)
    assert invalid.value.key == "given_by"
    with pytest.raises(Refused) as refused:
        consent_service.give_consent(caseworker, a_child_case, purpose="service",
                                     recipient_name="Us", given_by="guardian",
                                     child_views="ok", **BASE)
    assert refused.value.rule == "CH-3"
    from referral.cases import decisions
    decisions.appoint_guardian(caseworker, a_child_case, name="Guardian G")
    consent = consent_service.give_consent(caseworker, a_child_case, purpose="service",
                                           recipient_name="Us", given_by="guardian",
                                           child_views="wants to stay with sister", **BASE)
    assert consent.guardian_name == "Guardian G"


@pytest.mark.parametrize("recipient", ["media", "Local TV", "the press", "Media"])
def test_DP1_the_media_is_never_a_recipient(caseworker, a_case, recipient):
    with pytest.raises(Refused) as refused:
        consent_service.give_consent(caseworker, a_case, purpose="data_share",
                                     recipient_name=recipient, **BASE)
    assert refused.value.rule == "DP-1"


def test_a_recipient_sees_only_what_the_consent_allows(caseworker, a_case, shelter_agency):
    provider = create_provider(services=("medical",), agency=shelter_agency)
    staff = create_user("shelter_staff", agency=shelter_agency)
    a_case.narrative = "SENTINEL-NARRATIVE-71"
    give_consent(caseworker, a_case, "referral", provider, data_categories=["needs"])
    services.make_referral(caseworker, a_case, provider_id=provider.id, service="medical")
    db.session.commit()
    from flask import current_app
    client = current_app.test_client()
    body = client.get("/api/v1/referrals/received", headers=token_headers(staff)).get_data(
        as_text=True)
    assert a_case.reference in body
    for secret in ("SENTINEL-NARRATIVE-71", "Test", "Person", "1990-05-17"):
        assert secret not in body


def test_a_rejected_referral_records_its_reasons(caseworker, a_case, shelter_agency):
    provider = create_provider(services=("medical",), agency=shelter_agency)
    staff = create_user("shelter_staff", agency=shelter_agency)
    give_consent(caseworker, a_case, "referral", provider)
    referral = services.make_referral(caseworker, a_case, provider_id=provider.id,
                                      service="medical")
    with pytest.raises(Refused) as refused:
        services.referral_step(staff, referral, "reject")
    assert refused.value.rule == "ID-6"
    with pytest.raises(Refused) as refused:  # a code, but not the person's view
        services.referral_step(staff, referral, "reject", reason="no capacity this month",
                               reason_code="no_capacity")
    assert refused.value.rule == "ID-6"
    services.referral_step(staff, referral, "reject", reason="no capacity this month",
                           reason_code="no_capacity", person_view_declined=True)
    assert referral.reason_code == "no_capacity"
    assert referral.status == "rejected"
    with pytest.raises(Refused):
        services.referral_step(staff, referral, "complete")


@pytest.mark.parametrize("recipient", ["Daily Herald", "Channel 5 documentary team",
                                       "Ms Smith (freelance)"])
def test_DP1_the_media_is_refused_by_category_whatever_the_name(client, cw_headers, a_case,
                                                                recipient):
    response = client.post(f"/api/v1/cases/{a_case.id}/consents", headers=cw_headers, json={
        "purpose": "data_share", "recipient_name": recipient, "recipient_category": "media",
        **BASE})
    assert response.status_code == 409 and "DP-1" in response.json["errors"]


def test_DP1_a_data_share_names_the_kind_of_recipient(client, cw_headers, a_case):
    url = f"/api/v1/cases/{a_case.id}/consents"
    body = {"purpose": "data_share", "recipient_name": "Daily Herald", **BASE}
    response = client.post(url, headers=cw_headers, json=body)
    assert response.status_code == 422 and "recipient_category" in response.json["errors"]
    response = client.post(url, headers=cw_headers, json={**body, "recipient_category": "x"})
    assert response.status_code == 422 and "recipient_category" in response.json["errors"]
    response = client.post(url, headers=cw_headers, json={
        **body, "recipient_name": "Regional court", "recipient_category": "court"})
    assert response.status_code == 201 and response.json["recipient_category"] == "court"


def test_DP1_directory_entries_carry_their_category(client, supervisor, caseworker, a_case):
    headers = token_headers(supervisor)
    refused = client.post("/api/v1/providers", headers=headers, json={
        "name": "City News", "services": ["medical"], "category": "media"})
    assert refused.status_code == 422 and "category" in refused.json["errors"]
    made = client.post("/api/v1/providers", headers=headers, json={
        "name": "Free Clinic", "services": ["medical"], "category": "health"})
    assert made.status_code == 201 and made.json["category"] == "health"
    from referral.services.models import Provider
    provider = db.session.get(Provider, uuid.UUID(made.json["id"]))
    consent = give_consent(caseworker, a_case, "referral", provider)
    assert consent.recipient_category == "health"


def test_DP1_the_consent_form_refuses_the_media_by_category(client, caseworker, a_case):
    from tests.web.conftest import login
    login(client, "caseworker")
    page = client.post(f"/cases/{a_case.id}/consents", data={
        "purpose": "data_share", "recipient_name": "Daily Herald", "recipient_category": "media",
        "given_by": "person", "language": "ro", "information_given": "who, what, why"},
        follow_redirects=True).get_data(as_text=True)
    assert "DP-1" in page or "never a recipient" in page
    from referral.consent.models import Consent
    assert db.session.query(Consent).count() == 0


# -- the service checks behind the API schema (web forms and other callers use them) ------

@pytest.mark.parametrize("missing", ["language", "information_given"])
@pytest.mark.parametrize("blank", [None, "", "  "])
def test_CO1_the_service_refuses_uninformed_consent_whoever_calls_it(caseworker, a_case,
                                                                     missing, blank):
    fields = {**BASE, missing: blank}
    with pytest.raises(Invalid) as invalid:
        consent_service.give_consent(caseworker, a_case, purpose="service",
                                     recipient_name="Our agency", **fields)
    assert invalid.value.key == missing
    assert consent_service.consents_of(a_case) == []


def test_CO1_consent_for_one_purpose_is_not_consent_for_another(caseworker, a_case):
    give_consent(caseworker, a_case, "photograph")
    assert consent_service.has_valid_consent(a_case, "photograph")
    assert not consent_service.has_valid_consent(a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "assistance", "accept")
    assert refused.value.rule == "CO-1"
    assert refused.value.message == ("assistance starts with the person's informed consent "
                                     "to the service")


def test_CO2_withdrawal_stops_the_consents_pending_expiry_reminder(caseworker, a_case):
    from referral.reminders.models import Deadline
    consent = give_consent(caseworker, a_case, "photograph",
                           expires_at=datetime.now(timezone.utc) + timedelta(days=30))
    deadline = db.session.scalar(select(Deadline).where(
        Deadline.case_id == a_case.id, Deadline.kind == "consent_expiry",
        Deadline.source_key == str(consent.id)))
    assert deadline.status == "pending"
    consent_service.withdraw_consent(caseworker, consent)
    db.session.commit()
    db.session.refresh(deadline)
    assert deadline.status == "cancelled"


def test_CO4_only_a_supervisor_approves_an_override_not_another_caseworker(caseworker,
                                                                           supervisor, a_case):
    colleague = create_user("caseworker", agency=caseworker.agency)
    override = consent_service.request_override(
        supervisor, a_case, purpose="service", grounds="danger_to_life",
        reason="unconscious after assault; emergency care")
    with pytest.raises(Forbidden) as forbidden:
        consent_service.approve_override(colleague, override)
    assert forbidden.value.message == "a supervisor approves a consent override (CO-4)"
    assert override.approved_at is None


def test_CO4_an_override_request_and_its_approval_are_audited(caseworker, supervisor, a_case):
    from referral.audit.models import AuditEntry
    override = consent_service.request_override(
        caseworker, a_case, purpose="service", grounds="danger_to_life",
        reason="unconscious after assault; emergency care")
    consent_service.approve_override(supervisor, override)
    db.session.commit()
    entries = {(e.action, e.actor_id) for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_id == str(override.id), AuditEntry.case_id == a_case.id))}
    assert entries == {("consent.override_request", caseworker.id),
                       ("consent.override_approve", supervisor.id)}


def test_CO4_the_child_without_a_guardian_ground_is_only_for_such_a_child(caseworker, a_case,
                                                                          a_child_case):
    from referral.cases import decisions
    override = consent_service.request_override(
        caseworker, a_child_case, purpose="service", grounds="child_without_guardian",
        reason="medical care today; guardian appointed tomorrow")
    assert override.grounds == "child_without_guardian"
    decisions.appoint_guardian(caseworker, a_child_case, name="Guardian G")
    for case in (a_case, a_child_case):  # an adult; a child who has a guardian now
        with pytest.raises(Refused) as refused:
            consent_service.request_override(
                caseworker, case, purpose="service", grounds="child_without_guardian",
                reason="no time to ask")
        assert refused.value.rule == "CO-4"
        assert refused.value.message == ("this ground applies only to a child with no "
                                         "guardian yet")


def test_CH3_a_child_never_gives_consent_themselves_even_with_a_guardian(caseworker,
                                                                         a_child_case):
    from referral.cases import decisions
    decisions.appoint_guardian(caseworker, a_child_case, name="Guardian G")
    with pytest.raises(Invalid) as invalid:
        consent_service.give_consent(caseworker, a_child_case, purpose="service",
                                     recipient_name="Us", child_views="agrees", **BASE)
    assert invalid.value.key == "given_by"
    assert invalid.value.message == "for a child, consent is given by the guardian (CH-3)"


@pytest.mark.parametrize("views", [None, "", "   "])
def test_CH3_the_guardians_consent_records_the_childs_views(caseworker, a_child_case, views):
    from referral.cases import decisions
    decisions.appoint_guardian(caseworker, a_child_case, name="Guardian G")
    with pytest.raises(Invalid) as invalid:
        consent_service.give_consent(caseworker, a_child_case, purpose="service",
                                     recipient_name="Us", given_by="guardian",
                                     child_views=views, **BASE)
    assert invalid.value.key == "child_views"
    assert invalid.value.message == "record the child's views (CH-3)"


def test_CO5_no_table_has_a_field_for_consent_to_exploitation():
    """Consent to services is a record; 'consent' to exploitation is never a field, on any
    table (CO-5)."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            name = column.name.lower()
            assert not ("consent" in name and "exploit" in name), f"{table.name}.{name}"
            assert not name.startswith("consented"), f"{table.name}.{name}"
