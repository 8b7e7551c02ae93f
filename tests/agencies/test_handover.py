"""Cross-border handover: a consented (CO-1), minimal package to a partner abroad, its steps
tracked; the partner role reaches only the handovers sent to it and records their steps."""
import pytest
from sqlalchemy import select

from referral.agencies import service
from referral.consent import service as consent_service
from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.reminders.models import Deadline
from tests.factories import create_agency, create_user, token_headers
from tests.web.conftest import login

from .conftest import share_consent, soon


def _send(agencies, case, categories=("identity", "needs")):
    consent = share_consent(agencies["a_caseworker"], case, agencies["partner_org"],
                            purpose="cross_border_transfer",
                            data_categories=["identity", "needs"])
    handover = service.send_handover(
        agencies["a_caseworker"], case, partner_agency_id=agencies["partner_org"].id,
        country="ro", legal_basis="consent", categories=list(categories),
        response_due_at=soon(10), consent_id=consent.id)
    db.session.commit()
    return handover, consent


def test_co1_only_what_the_consent_covers_is_packed(agencies, case_a):
    with pytest.raises(Refused) as refused:
        _send(agencies, case_a, categories=("identity", "contact"))
    assert refused.value.key == "CO-1"
    db.session.rollback()
    handover, _ = _send(agencies, case_a)
    assert set(handover.package) == {"case_reference", "identity", "needs"}
    assert "narrative" not in str(handover.package)
    with pytest.raises(Invalid):
        service.send_handover(agencies["a_caseworker"], case_a,
                              partner_agency_id=agencies["b"].id, country="RO",
                              legal_basis="consent", categories=["identity"],
                              response_due_at=soon(), consent_id=handover.consent_id)


def test_the_partner_records_received_and_first_contact(app, agencies, case_a):
    handover, _ = _send(agencies, case_a)
    client = app.test_client()
    partner = token_headers(agencies["partner"])
    listed = client.get("/api/v1/handovers", headers=partner).get_json()
    assert [h["id"] for h in listed] == [str(handover.id)]
    assert listed[0]["format"] == "referral-handover/1"
    assert listed[0]["package"]["identity"]["given_name"] == "Test"
    assert client.post(f"/api/v1/handovers/{handover.id}/events", headers=partner,
                       json={"kind": "first_contact"}).status_code == 409  # not received yet
    for kind in ("received", "first_contact", "check_in"):
        response = client.post(f"/api/v1/handovers/{handover.id}/events", headers=partner,
                               json={"kind": kind, "note": f"{kind} noted"})
        assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "first_contact"
    row = db.session.scalar(select(Deadline).where(Deadline.kind == "handover_response"))
    assert row.status == "met"
    # the sending agency follows the status
    mine = client.get(f"/api/v1/cases/{case_a.id}/handovers",
                      headers=token_headers(agencies["a_caseworker"])).get_json()
    assert [e["kind"] for e in mine[0]["events"]] == ["received", "first_contact", "check_in"]


def test_the_partner_reaches_nothing_else(app, agencies, case_a):
    handover, _ = _send(agencies, case_a)
    client = app.test_client()
    partner = token_headers(agencies["partner"])
    assert client.get(f"/api/v1/cases/{case_a.id}", headers=partner).status_code == 403
    assert client.get(f"/api/v1/cases/{case_a.id}/notes", headers=partner).status_code == 403
    assert client.get("/api/v1/cases", headers=partner).status_code == 403
    # staff may not record the partner's steps
    assert client.post(f"/api/v1/handovers/{handover.id}/events", headers=token_headers(
        agencies["a_caseworker"]), json={"kind": "received"}).status_code == 403
    # another partner organisation does not see it
    other = create_user("partner", agency=create_agency("Elsewhere", agencies["partner_org"].kind))
    db.session.commit()
    assert client.get(f"/api/v1/handovers/{handover.id}",
                      headers=token_headers(other)).status_code == 404
    # the partner signs in and lands on its home page
    page = login(app.test_client(), "partner-1")
    home = page.get("/", follow_redirects=True)
    assert home.status_code == 200 and case_a.reference.encode() in home.data
    assert page.get("/partner/handovers").status_code == 200
    assert page.get(f"/cases/{case_a.id}").status_code == 403


def test_co2_withdrawal_ends_the_partners_access(app, agencies, case_a):
    handover, consent = _send(agencies, case_a)
    consent_service.withdraw_consent(agencies["a_caseworker"], consent)
    db.session.commit()
    assert handover.status == "withdrawn"
    assert app.test_client().get(f"/api/v1/handovers/{handover.id}", headers=token_headers(
        agencies["partner"])).status_code == 404
