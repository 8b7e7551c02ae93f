"""RR-2, LP-3, DP-5: asylum claims, permits and compensation claims move on, each step kept
as history (who, when, why, a sealed note) and audited, and the guards read the current
state: a decided or withdrawn asylum claim no longer blocks return; a compensation claim
paid, refused or withdrawn no longer holds the file against erasure."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from referral.audit.models import AuditEntry
from referral.cases.models import Case
from referral.database import utcnow
from referral.errors import Refused
from referral.extensions import db
from referral.legal import service as legal
from referral.legal.models import ClaimStep, CompensationClaim, ResidencePermit
from referral.privacy import service as privacy
from referral.reminders.models import Deadline, DeadlineStatus
from referral.returns import service as returns
from tests.cases.conftest import decide
from tests.factories import token_headers
from tests.web.conftest import login

FULL_CHECKS = {"risk_retaliation": "low", "risk_retrafficking": "medium",
               "risk_stigma": "low", "non_refoulement_checked": True,
               "asylum_information_given": True, "open_proceedings_checked": True}
LATER = (utcnow() + timedelta(days=400)).replace(microsecond=0)


def _assessed_return(caseworker, case):
    request = returns.request_return(caseworker, case, destination_country="RO",
                                     person_words="I want to go home to my mother")
    returns.assess(caseworker, request, **FULL_CHECKS)
    decide(caseworker, case)
    db.session.commit()
    return request


# --- RR-2: asylum claims ------------------------------------------------------------------

def test_RR2_a_pending_asylum_claim_blocks_return_and_a_refused_one_no_longer_does(
        client, caseworker, assigned, legal_user):
    request = _assessed_return(caseworker, assigned)
    headers = token_headers(legal_user)
    claim = client.post(f"/api/v1/cases/{assigned.id}/permits", headers=headers,
                        json={"kind": "asylum_claim", "status": "applied"}).json
    with pytest.raises(Refused) as refused:
        returns.return_step(caseworker, request, "approve")
    assert refused.value.rule == "RR-2" and "asylum" in refused.value.message
    db.session.rollback()
    response = client.post(f"/api/v1/permits/{claim['id']}/status", headers=headers, json={
        "status": "refused", "reason": "no well-founded fear found",
        "at": (utcnow() - timedelta(days=2)).isoformat()})
    assert response.status_code == 200 and response.json["status"] == "refused"
    steps = response.json["steps"]
    assert [(s["step"], s["from_status"], s["to_status"]) for s in steps] == [
        ("record", None, "applied"), ("refuse", "applied", "refused")]
    assert steps[1]["reason"] == "no well-founded fear found"
    assert steps[1]["actor_id"] == str(legal_user.id)
    db.session.expire_all()
    returns.return_step(caseworker, request, "approve")  # RR-2 reads the current status
    assert assigned.return_state == "approved"


def test_RR2_a_withdrawn_asylum_claim_takes_no_further_step(client, assigned, legal_user):
    headers = token_headers(legal_user)
    claim = client.post(f"/api/v1/cases/{assigned.id}/permits", headers=headers,
                        json={"kind": "asylum_claim", "status": "applied"}).json
    assert legal.asylum_claim_pending(assigned)
    url = f"/api/v1/permits/{claim['id']}/status"
    response = client.post(url, headers=headers, json={"status": "withdrawn",
                                                       "note": "the person chose to stop"})
    assert response.status_code == 200 and response.json["status"] == "withdrawn"
    assert not legal.asylum_claim_pending(assigned)
    again = client.post(url, headers=headers, json={"status": "granted"})
    assert again.status_code == 409 and "WF-STATE" in again.json["errors"]
    renewed = client.post(url, headers=headers, json={"status": "renewed",
                                                      "expires_at": LATER.isoformat()})
    assert renewed.status_code == 409  # an asylum claim is not renewed
    # The note is sealed at rest: the column holds no plain words.
    raw = db.session.execute(text("SELECT note_enc FROM claim_step WHERE note_enc IS NOT NULL"))
    stored = [row[0] for row in raw]
    assert len(stored) == 1 and "chose to stop" not in stored[0]
    step = db.session.scalar(select(ClaimStep).where(ClaimStep.note_enc.is_not(None)))
    assert step.note == "the person chose to stop"
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "legal.permit_update")).all()
    assert [a.details["to"] for a in audit] == ["withdrawn"]


def test_RR2_a_step_is_not_recorded_before_it_happened(client, assigned, legal_user):
    headers = token_headers(legal_user)
    claim = client.post(f"/api/v1/cases/{assigned.id}/permits", headers=headers,
                        json={"kind": "asylum_claim", "status": "applied"}).json
    response = client.post(f"/api/v1/permits/{claim['id']}/status", headers=headers, json={
        "status": "granted", "at": (utcnow() + timedelta(days=3)).isoformat()})
    assert response.status_code == 422 and "at" in response.json["errors"]
    assert legal.asylum_claim_pending(assigned)


# --- permits: granted, renewed, expired ------------------------------------------------------

def test_RR2_a_permit_is_granted_renewed_then_expires(client, assigned, legal_user):
    headers = token_headers(legal_user)
    permit = client.post(f"/api/v1/cases/{assigned.id}/permits", headers=headers,
                         json={"kind": "temporary_residence", "status": "applied"}).json
    url = f"/api/v1/permits/{permit['id']}/status"
    first = (utcnow() + timedelta(days=200)).replace(microsecond=0)
    granted = client.post(url, headers=headers, json={"status": "granted",
                                                      "expires_at": first.isoformat()})
    assert granted.status_code == 200 and granted.json["status"] == "granted"
    no_date = client.post(url, headers=headers, json={"status": "renewed"})
    assert no_date.status_code == 422 and "expires_at" in no_date.json["errors"]
    earlier = client.post(url, headers=headers, json={
        "status": "renewed", "expires_at": (first - timedelta(days=1)).isoformat()})
    assert earlier.status_code == 422 and "expires_at" in earlier.json["errors"]
    renewed = client.post(url, headers=headers, json={"status": "renewed",
                                                      "expires_at": LATER.isoformat()})
    assert renewed.status_code == 200 and renewed.json["status"] == "renewed"
    assert renewed.json["expires_at"].startswith(LATER.date().isoformat())
    reminder = db.session.scalar(select(Deadline).where(
        Deadline.kind == "permit_renewal", Deadline.status == DeadlineStatus.pending))
    assert reminder.due_at.date() == (LATER - timedelta(days=30)).date()  # the new expiry's
    expired = client.post(url, headers=headers, json={"status": "expired"})
    assert expired.status_code == 200 and [s["step"] for s in expired.json["steps"]] == [
        "record", "grant", "renew", "expire"]
    assert not db.session.scalars(select(Deadline).where(
        Deadline.kind == "permit_renewal", Deadline.status == DeadlineStatus.pending)).all()


# --- DP-5: compensation claims ----------------------------------------------------------------

def _close_long_ago(case):
    case.nrm_state = "closed"
    case.closed_at = utcnow() - timedelta(days=365 * 7)
    db.session.commit()


def _file(client, case, headers):
    return client.post(f"/api/v1/cases/{case.id}/compensation", headers=headers, json={
        "kind": "state_scheme", "amount_claimed": "5000.00", "currency": "EUR",
        "limitation_at": LATER.isoformat()})


def test_DP5_a_compensation_claim_holds_erasure_until_it_is_paid(client, assigned,
                                                                 legal_user, supervisor):
    headers = token_headers(legal_user)
    claim = _file(client, assigned, headers).json
    assert claim["status"] == "filed"
    _close_long_ago(assigned)
    url = f"/api/v1/compensation/{claim['id']}/status"
    assert privacy.legal_hold_reasons(assigned) == ["state scheme claim filed"]
    no_amount = client.post(url, headers=headers, json={"status": "awarded"})
    assert no_amount.status_code == 422 and "amount_awarded" in no_amount.json["errors"]
    awarded = client.post(url, headers=headers, json={"status": "awarded",
                                                      "amount_awarded": "3200.50"})
    assert awarded.status_code == 200 and awarded.json["amount_awarded"] == "3200.50"
    assert privacy.legal_hold_reasons(assigned) == ["state scheme claim awarded"]
    assert privacy.run_retention()["erased"] == []  # awarded and unpaid: still held
    db.session.rollback()
    paid = client.post(url, headers=headers, json={"status": "paid", "reason": "transfer"})
    assert paid.status_code == 200 and [s["step"] for s in paid.json["steps"]] == [
        "record", "award", "pay"]
    again = client.post(url, headers=headers, json={"status": "withdrawn"})
    assert again.status_code == 409 and "WF-STATE" in again.json["errors"]
    db.session.expire_all()
    assert privacy.legal_hold_reasons(assigned) == []
    assert privacy.run_retention()["erased"] == [assigned.reference]
    db.session.commit()
    assert db.session.get(Case, assigned.id) is None
    assert not db.session.scalars(select(ClaimStep)).all()  # erased with the case


@pytest.mark.parametrize("end", ["refused", "withdrawn"])
def test_DP5_a_refused_or_withdrawn_claim_no_longer_holds_erasure(client, assigned,
                                                                  legal_user, end):
    headers = token_headers(legal_user)
    claim = _file(client, assigned, headers).json
    assert db.session.scalar(select(Deadline).where(Deadline.kind == "limitation")).status \
        == DeadlineStatus.pending
    response = client.post(f"/api/v1/compensation/{claim['id']}/status", headers=headers,
                           json={"status": end})
    assert response.status_code == 200
    db.session.expire_all()
    assert privacy.legal_hold_reasons(assigned) == []
    # nothing left to claim: the limitation reminder stops
    assert db.session.scalar(select(Deadline).where(Deadline.kind == "limitation")).status \
        != DeadlineStatus.pending


def test_DP5_the_compensation_status_of_another_agency_is_not_reached(client, assigned,
                                                                      legal_user):
    from tests.factories import create_agency, create_user
    claim = _file(client, assigned, token_headers(legal_user)).json
    other = create_user("caseworker", agency=create_agency("Elsewhere"))
    db.session.commit()
    response = client.post(f"/api/v1/compensation/{claim['id']}/status",
                           headers=token_headers(other), json={"status": "withdrawn"})
    assert response.status_code == 404
    assert db.session.scalar(select(CompensationClaim)).status == "filed"


# --- the pages --------------------------------------------------------------------------------

def test_RR2_legal_aid_moves_an_asylum_claim_on_in_the_page(client, assigned, legal_user):
    login(client, "legal")
    page = client.get(f"/cases/{assigned.id}/legal/claims")
    assert page.status_code == 200
    client.post(f"/cases/{assigned.id}/legal/claims/permits",
                data={"kind": "asylum_claim", "status": "applied"})
    claim = db.session.scalar(select(ResidencePermit))
    assert claim.status == "applied" and legal.asylum_claim_pending(assigned)
    assert "return blocked while pending" in client.get(
        f"/cases/{assigned.id}/legal/claims").get_data(as_text=True)
    future = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%d")
    refused = client.post(f"/legal/permits/{claim.id}/status",
                          data={"status": "granted", "at": future}, follow_redirects=True)
    assert "not before" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert claim.status == "applied"
    client.post(f"/legal/permits/{claim.id}/status",
                data={"status": "granted", "reason": "recognised as a refugee",
                      "note": "letter of 2 December"})
    db.session.expire_all()
    assert claim.status == "granted" and not legal.asylum_claim_pending(assigned)
    html = client.get(f"/cases/{assigned.id}/legal/claims").get_data(as_text=True)
    assert "recognised as a refugee" in html and "letter of 2 December" in html
    assert "return blocked while pending" not in html


def test_DP5_a_caseworker_files_and_settles_a_compensation_claim_in_the_page(
        client, caseworker, assigned):
    login(client, "caseworker")
    limit = (utcnow() + timedelta(days=300)).strftime("%Y-%m-%d")
    bad = client.post(f"/cases/{assigned.id}/legal/claims/compensation", data={
        "kind": "civil_claim", "amount_claimed": "lots", "currency": "EUR",
        "limitation_at": limit}, follow_redirects=True)
    assert bad.status_code == 200 and "amount_claimed" in bad.get_data(as_text=True)
    assert not db.session.scalars(select(CompensationClaim)).all()
    client.post(f"/cases/{assigned.id}/legal/claims/compensation", data={
        "kind": "civil_claim", "amount_claimed": "1200,00", "currency": "eur",
        "limitation_at": limit})
    claim = db.session.scalar(select(CompensationClaim))
    assert claim.status == "filed" and str(claim.amount_claimed) == "1200.00"
    client.post(f"/legal/compensation/{claim.id}/status",
                data={"status": "awarded", "amount_awarded": "900"})
    client.post(f"/legal/compensation/{claim.id}/status", data={"status": "paid"})
    db.session.expire_all()
    assert claim.status == "paid" and str(claim.amount_awarded) == "900.00"
    assert privacy.legal_hold_reasons(assigned) == []
    html = client.get(f"/cases/{assigned.id}/legal/claims").get_data(as_text=True)
    assert "900.00" in html and "No further step" in html


def test_the_claims_page_is_not_for_shelter_staff(client, assigned):
    from tests.factories import create_agency, create_user
    from referral.accounts.models import AgencyKind
    create_user("shelter_staff", agency=create_agency("Safe House", AgencyKind.shelter),
                username="shelterer")
    db.session.commit()
    login(client, "shelterer")
    assert client.get(f"/cases/{assigned.id}/legal/claims").status_code == 403
