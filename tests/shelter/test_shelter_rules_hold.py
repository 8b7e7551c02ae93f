"""SH-2, SH-3, SH-4 at their edges: a restriction's maximum length and its review date the
day before, the day and the day after, in every jurisdiction, through the service and the
API; a restriction is never stacked on one in force; the shelter's reach ends when the person
leaves; held items are logged, audited and returned even under a restriction.

Each test fails when the guard it names is removed or weakened (see docs/mutation-kills-b.md).
"""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.audit.models import AuditEntry
from referral.cases import access
from referral.errors import Invalid, NotFound, Refused
from referral.extensions import db
from referral.shelter import service as shelter
from referral.shelter.models import HeldItem, Restriction
from tests.factories import create_case, give_consent, token_headers
from workflows import jurisdictions

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
JURISDICTIONS = ("baseline", "uk")
DAY = timedelta(days=1)


@pytest.fixture(params=JURISDICTIONS)
def stay(request, caseworker, shelter_agency, shelter_provider):
    """A consented stay at Harbour House, for a case opened under each jurisdiction."""
    with freeze_time(T0):
        case = create_case(caseworker, jurisdiction=request.param)
        give_consent(caseworker, case, "service", shelter_provider)
        admitted = shelter.admit(caseworker, case, shelter_id=shelter_agency.id, room="3B")
        db.session.commit()
    return admitted


def maximum(stay):
    return jurisdictions.for_case(stay.case).restriction_max_days


def impose(shelter_user, stay, *, expires_at, review_at, **overrides):
    fields = dict(legal_basis="Court protection order 12/2026", decision_maker="Judge A",
                  grounds="safety", reason="trafficker seen near the shelter",
                  expires_at=expires_at, review_at=review_at, reason_code="trafficker_nearby",
                  person_view="understands and agrees")
    fields.update(overrides)
    return shelter.impose_restriction(shelter_user, stay, **fields)


def api_body(*, expires_at, review_at, **overrides):
    body = {"legal_basis": "Court protection order 12/2026", "decision_maker": "Judge A",
            "grounds": "safety", "reason": "trafficker seen near the shelter",
            "expires_at": expires_at.isoformat(), "review_at": review_at.isoformat(),
            "reason_code": "trafficker_nearby", "person_view": "understands and agrees"}
    body.update(overrides)
    return body


# -- SH-2: a fixed expiry, at most the jurisdiction's maximum --------------------------------

@pytest.mark.parametrize("offset, allowed", [(-DAY, True), (timedelta(0), True),
                                             (timedelta(seconds=1), False), (DAY, False)])
def test_SH2_a_restriction_lasts_at_most_the_jurisdictions_maximum(shelter_user, stay, offset,
                                                                  allowed):
    """The day before the maximum and the maximum itself are allowed; a second or a day
    beyond it needs a new decision."""
    with freeze_time(T0):
        expires = T0 + timedelta(days=maximum(stay)) + offset
        if allowed:
            restriction = impose(shelter_user, stay, expires_at=expires, review_at=T0 + DAY)
            assert restriction.expires_at == expires
        else:
            with pytest.raises(Invalid) as invalid:
                impose(shelter_user, stay, expires_at=expires, review_at=T0 + DAY)
            assert invalid.value.key == "expires_at"
            assert invalid.value.message == (f"a restriction lasts at most {maximum(stay)} days;"
                                             " a new decision is needed to go on")
            assert not db.session.scalars(select(Restriction)).all()


@pytest.mark.parametrize("offset, status", [(-DAY, 201), (timedelta(0), 201), (DAY, 422)])
def test_SH2_the_api_refuses_a_restriction_beyond_the_maximum(client, shelter_user, stay,
                                                              offset, status):
    with freeze_time(T0):
        expires = T0 + timedelta(days=maximum(stay)) + offset
        response = client.post(f"/api/v1/stays/{stay.id}/restrictions",
                               headers=token_headers(shelter_user),
                               json=api_body(expires_at=expires, review_at=T0 + DAY))
    assert response.status_code == status, response.json
    if status == 422:
        assert response.json["errors"]["expires_at"] == [
            f"a restriction lasts at most {maximum(stay)} days; a new decision is needed to go on"]


# -- SH-2: a review date before the expiry -------------------------------------------------

@pytest.mark.parametrize("offset, allowed", [(-DAY, True), (timedelta(0), True),
                                             (timedelta(seconds=1), False), (DAY, False)])
def test_SH2_the_review_date_falls_before_the_expiry(shelter_user, stay, offset, allowed):
    """Reviewed the day before expiry or at the latest on it; a review set after the
    expiry would never happen while the restriction is in force."""
    with freeze_time(T0):
        expires = T0 + timedelta(days=7)
        if allowed:
            assert impose(shelter_user, stay, expires_at=expires,
                          review_at=expires + offset).review_at == expires + offset
        else:
            with pytest.raises(Invalid) as invalid:
                impose(shelter_user, stay, expires_at=expires, review_at=expires + offset)
            assert invalid.value.key == "review_at"
            assert invalid.value.message == "review before the restriction expires"


def test_SH2_the_review_date_is_in_the_future(shelter_user, stay):
    with freeze_time(T0):
        for review_at in (T0 - DAY, T0):
            with pytest.raises(Invalid) as invalid:
                impose(shelter_user, stay, expires_at=T0 + timedelta(days=7),
                       review_at=review_at)
            assert invalid.value.key == "review_at"


@pytest.mark.parametrize("offset, status", [(timedelta(0), 201), (DAY, 422)])
def test_SH2_the_api_refuses_a_review_after_the_expiry(client, shelter_user, stay, offset,
                                                       status):
    with freeze_time(T0):
        expires = T0 + timedelta(days=7)
        response = client.post(f"/api/v1/stays/{stay.id}/restrictions",
                               headers=token_headers(shelter_user),
                               json=api_body(expires_at=expires, review_at=expires + offset))
    assert response.status_code == status, response.json
    if status == 422:
        assert response.json["errors"]["review_at"] == ["review before the restriction expires"]


# -- SH-2: legal basis, decision-maker and reason, checked by the service ------------------

@pytest.mark.parametrize("field", ["legal_basis", "decision_maker", "reason"])
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_SH2_the_service_requires_basis_maker_and_reason(shelter_user, stay, field, blank):
    """Web forms and other callers reach the service without the API schema."""
    with freeze_time(T0):
        with pytest.raises(Invalid) as invalid:
            impose(shelter_user, stay, expires_at=T0 + timedelta(days=7),
                   review_at=T0 + DAY, **{field: blank})
    assert invalid.value.key == field
    assert invalid.value.message == "required for a restriction of movement (SH-2)"
    assert not db.session.scalars(select(Restriction)).all()


# -- SH-2: never stacked or renewed while one is in force ----------------------------------

def test_SH2_a_restriction_is_never_stacked_on_one_in_force(shelter_user, stay):
    with freeze_time(T0):
        first = impose(shelter_user, stay, expires_at=T0 + timedelta(days=5),
                       review_at=T0 + DAY)
        db.session.commit()
    for moment in (first.expires_at - DAY, first.expires_at - timedelta(seconds=1)):
        with freeze_time(moment):
            with pytest.raises(Refused) as refused:
                impose(shelter_user, stay, expires_at=moment + timedelta(days=5),
                       review_at=moment + DAY)
            assert refused.value.rule == "SH-2"
            assert refused.value.message == ("a restriction is already in force: review it, "
                                             "do not stack or renew it")
    # It lapses at its expiry; a new decision may follow from then on, never before.
    for moment in (first.expires_at, first.expires_at + DAY):
        with freeze_time(moment):
            again = impose(shelter_user, stay, expires_at=moment + timedelta(days=5),
                           review_at=moment + DAY)
            db.session.rollback()
            assert again.expires_at == moment + timedelta(days=5)


def test_SH2_the_api_refuses_a_second_restriction_in_force(client, shelter_user, stay):
    headers = token_headers(shelter_user)
    with freeze_time(T0):
        url = f"/api/v1/stays/{stay.id}/restrictions"
        body = api_body(expires_at=T0 + timedelta(days=5), review_at=T0 + DAY)
        assert client.post(url, headers=headers, json=body).status_code == 201
        response = client.post(url, headers=headers, json=body)
    assert response.status_code == 409
    assert response.json["errors"]["SH-2"] == [
        "a restriction is already in force: review it, do not stack or renew it"]


# -- SH-3: the shelter's reach into the case ends when the person leaves ------------------

def test_SH3_shelter_staff_lose_the_case_when_the_person_leaves(client, shelter_user, stay):
    case_id = stay.case_id
    headers = token_headers(shelter_user)
    assert access.get_case_for(shelter_user, case_id).id == case_id
    assert client.get(f"/api/v1/cases/{case_id}/notes", headers=headers).status_code == 200
    shelter.leave(shelter_user, stay)
    db.session.commit()
    with pytest.raises(NotFound):
        access.get_case_for(shelter_user, case_id)
    assert not db.session.scalars(select(access.Case.id).where(
        access.case_scope(shelter_user))).all()
    response = client.get(f"/api/v1/cases/{case_id}/notes", headers=headers)
    assert response.status_code == 404


def test_SH3_the_api_shelter_view_shows_no_case_reference(client, shelter_user, stay):
    """The shelter view names the person the shelter looks after, never the case (SH-3):
    pages and API alike."""
    response = client.get("/api/v1/stays", query_string={"shelter": str(shelter_user.agency_id)},
                          headers=token_headers(shelter_user))
    assert response.status_code == 200 and response.json[0]["name"] == "Test"
    assert "case_reference" not in response.json[0]
    assert stay.case.reference not in response.get_data(as_text=True)
    assert stay.case.reference not in str(shelter.shelter_view(shelter_user,
                                                               shelter_user.agency_id))


# -- SH-4: held items are logged and returned on request -----------------------------------

def test_SH4_a_held_item_is_logged_and_audited(client, shelter_user, stay):
    response = client.post(f"/api/v1/stays/{stay.id}/held-items",
                           headers=token_headers(shelter_user),
                           json={"kind": "document", "description": "passport"})
    assert response.status_code == 201
    item = db.session.get(HeldItem, uuid.UUID(response.json["id"]))
    assert (item.stay_id, item.kind, item.returned_at) == (stay.id, "document", None)
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "stay.item_held")).one()
    assert (entry.object_id, entry.case_id, entry.actor_id) == (
        str(item.id), stay.case_id, shelter_user.id)
    view = shelter.shelter_view(shelter_user, shelter_user.agency_id)
    assert view[0]["held_items"] == [{"id": item.id, "kind": "document", "returned": False}]


def test_SH4_a_held_item_is_returned_even_under_a_restriction(client, shelter_user, stay):
    headers = token_headers(shelter_user)
    with freeze_time(T0):
        item = client.post(f"/api/v1/stays/{stay.id}/held-items", headers=headers,
                           json={"kind": "phone"}).json
        assert client.post(f"/api/v1/stays/{stay.id}/restrictions", headers=headers, json=api_body(
            expires_at=T0 + timedelta(days=5), review_at=T0 + DAY)).status_code == 201
        assert not db.session.get(type(stay), stay.id).is_voluntary
        response = client.post(f"/api/v1/held-items/{item['id']}/return", headers=headers)
    assert response.status_code == 200 and response.json["returned_at"]
    assert db.session.get(HeldItem, uuid.UUID(item["id"])).returned_at is not None
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "stay.item_returned")).one().object_id == item["id"]


# -- SH-1: admission records consent, at both layers -------------------------------------

def test_SH1_the_admission_step_itself_needs_the_persons_consent(caseworker, a_case):
    """The shelter track's own guard, whatever the caller: no consent, no admission."""
    from tests.cases.conftest import transition
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "shelter", "admit", via="shelter")
    assert refused.value.rule == "SH-1"
    assert refused.value.message == "admission to a shelter records the person's consent"
    assert a_case.shelter_state == "not_in_shelter"


def test_SH1_the_shelter_admits_only_on_consent_to_this_shelter(client, caseworker, a_case,
                                                               shelter_agency, cw_headers):
    from referral.shelter.models import Stay
    response = client.post(f"/api/v1/cases/{a_case.id}/stays", headers=cw_headers,
                           json={"shelter_id": str(shelter_agency.id)})
    assert response.status_code == 409
    assert response.json["errors"] == {
        "SH-1": ["admission records the person's consent to stay at this shelter"]}
    assert not db.session.scalars(select(Stay)).all()
