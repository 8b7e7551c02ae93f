"""Transfer: a case moves to another agency by request and acceptance, on consent (CO-1),
with its history and follow-ups; the sending agency keeps its audit and a closed stub."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from referral.agencies import service
from referral.agencies.models import CaseTransfer
from referral.audit.models import AuditEntry
from referral.cases.access import get_case_for
from referral.cases.models import CaseTransition
from referral.consent import service as consent_service
from referral.errors import Forbidden, Invalid, NotFound, Refused
from referral.extensions import db
from referral.supervision import service as supervision
from referral.reminders import service as reminders
from tests.factories import token_headers
from tests.web.conftest import login

from .conftest import share_consent


def _request(case, agencies, consent=None):
    actor = agencies["a_caseworker"]
    consent = consent or share_consent(actor, case, agencies["b"])
    transfer = service.request_transfer(actor, case, to_agency_id=agencies["b"].id,
                                        consent_id=consent.id, reason="the person moved north")
    db.session.commit()
    return transfer


def test_co1_a_transfer_needs_consent_naming_the_receiving_agency(agencies, case_a):
    wrong = share_consent(agencies["a_caseworker"], case_a, agencies["shelter"])
    with pytest.raises(Refused) as refused:
        service.request_transfer(agencies["a_caseworker"], case_a,
                                 to_agency_id=agencies["b"].id, consent_id=wrong.id,
                                 reason="moving")
    assert refused.value.key == "CO-1"


def test_accepted_transfer_moves_the_case_history_and_follow_ups(agencies, case_a):
    due = datetime.now(timezone.utc) + timedelta(days=10)
    reminders.plan_deadline(case_a.id, "hearing", due, assignee_id=agencies["a_caseworker"].id)
    overdue = datetime.now(timezone.utc) - timedelta(days=3)
    reminders.plan_deadline(case_a.id, "check_in", overdue,
                            assignee_id=agencies["a_caseworker"].id)
    db.session.commit()

    def on_dashboard(supervisor):
        return [row["case_id"] for row in supervision.overdue(supervisor)]

    assert on_dashboard(agencies["a_supervisor"]) == [case_a.id]
    history_before = db.session.scalars(select(CaseTransition.id).where(
        CaseTransition.case_id == case_a.id)).all()
    transfer = _request(case_a, agencies)
    # Until accepted, the case stays with the sending agency.
    assert get_case_for(agencies["a_caseworker"], case_a.id)
    with pytest.raises(NotFound):
        get_case_for(agencies["b_caseworker"], case_a.id)
    with pytest.raises(Forbidden):  # only the receiving agency decides
        service.decide_transfer(agencies["a_supervisor"], transfer, accept=True)
    service.decide_transfer(agencies["b_caseworker"], transfer, accept=True)
    db.session.commit()
    assert case_a.agency_id == agencies["b"].id
    assert case_a.assigned_to_id == agencies["b_caseworker"].id
    # follow-ups move: the receiving agency's dashboards, its caseworker
    from referral.reminders.models import Deadline
    rows = db.session.scalars(select(Deadline).where(Deadline.case_id == case_a.id,
                                                     Deadline.status == "pending")).all()
    assert rows and all(r.agency_id == agencies["b"].id for r in rows)
    assert all(r.assignee_id == agencies["b_caseworker"].id for r in rows)
    assert transfer.moved_follow_ups == len(rows)
    # ... so the overdue one is on the receiving supervisor's dashboard, not the sender's
    assert on_dashboard(agencies["b_supervisor"]) == [case_a.id]
    assert on_dashboard(agencies["a_supervisor"]) == []
    # the history moves with the case
    assert db.session.scalars(select(CaseTransition.id).where(
        CaseTransition.case_id == case_a.id)).all() == history_before
    # the sending agency lost the file, the receiving one has it
    with pytest.raises(NotFound):
        get_case_for(agencies["a_caseworker"], case_a.id)
    assert get_case_for(agencies["b_caseworker"], case_a.id, need="file")
    # every step audited
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.case_id == case_a.id)))
    assert {"transfer.request", "transfer.accept"} <= actions


def test_sending_agency_keeps_a_closed_stub_without_personal_data(app, agencies, case_a):
    transfer = _request(case_a, agencies)
    service.decide_transfer(agencies["b_supervisor"], transfer, accept=True)
    db.session.commit()
    client = app.test_client()
    response = client.get("/api/v1/transfers", headers=token_headers(agencies["a_caseworker"]))
    assert response.status_code == 200
    sent = response.get_json()["sent"]
    assert [s["case_reference"] for s in sent] == [case_a.reference]
    assert sent[0]["to_agency"] == "North Star NGO" and sent[0]["status"] == "accepted"
    assert "Sentinelpd" not in response.get_data(as_text=True)
    assert client.get(f"/api/v1/cases/{case_a.id}", headers=token_headers(
        agencies["a_caseworker"])).status_code == 404


def test_declining_needs_a_reason_and_leaves_the_case(agencies, case_a):
    transfer = _request(case_a, agencies)
    with pytest.raises(Invalid):
        service.decide_transfer(agencies["b_caseworker"], transfer, accept=False, reason="")
    db.session.rollback()
    service.decide_transfer(agencies["b_caseworker"], transfer, accept=False,
                            reason="no capacity in the region")
    db.session.commit()
    assert case_a.agency_id == agencies["a"].id and transfer.status == "declined"


def test_co2_withdrawing_consent_cancels_the_pending_transfer(agencies, case_a):
    consent = share_consent(agencies["a_caseworker"], case_a, agencies["b"])
    transfer = _request(case_a, agencies, consent)
    consent_service.withdraw_consent(agencies["a_caseworker"], consent)
    db.session.commit()
    assert transfer.status == "cancelled"
    with pytest.raises(Refused):
        service.decide_transfer(agencies["b_caseworker"], transfer, accept=True)


def test_transfer_api_request_and_accept(app, agencies, case_a):
    consent = share_consent(agencies["a_caseworker"], case_a, agencies["b"])
    client = app.test_client()
    response = client.post(f"/api/v1/cases/{case_a.id}/transfers",
                           headers=token_headers(agencies["a_caseworker"]),
                           json={"to_agency_id": str(agencies["b"].id),
                                 "consent_id": str(consent.id), "reason": "moved"})
    assert response.status_code == 201, response.get_json()
    transfer_id = response.get_json()["id"]
    incoming = client.get("/api/v1/transfers", headers=token_headers(agencies["b_caseworker"]))
    assert [t["id"] for t in incoming.get_json()["incoming"]] == [transfer_id]
    home = login(app.test_client(), "north-cw").get("/")
    assert b"1 transfer waiting for your agency" in home.data
    assert client.post(f"/api/v1/transfers/{transfer_id}/decision",
                       headers=token_headers(agencies["a_caseworker"]),
                       json={"accept": True}).status_code == 403  # the sender sees, never decides
    response = client.post(f"/api/v1/transfers/{transfer_id}/decision",
                           headers=token_headers(agencies["b_caseworker"]),
                           json={"accept": True})
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    assert db.session.get(CaseTransfer, uuid.UUID(transfer_id)).status == "accepted"
    bad = client.post(f"/api/v1/cases/{case_a.id}/transfers",
                      headers=token_headers(agencies["b_caseworker"]),
                      json={"to_agency_id": "nope"})
    assert bad.status_code == 422 and "to_agency_id" in str(bad.get_json())


def test_dp7_a_restricted_case_does_not_move(agencies, case_a):
    from referral.boundary import unit_of_work
    from referral.privacy import service as privacy
    consent = share_consent(agencies["a_caseworker"], case_a, agencies["b"])
    with unit_of_work():
        privacy.restrict_case(agencies["a_supervisor"], case_a.id, reason="suspected official "
                              "involvement", named_staff=[agencies["a_caseworker"].id])
    with pytest.raises(Refused) as refused:
        service.request_transfer(agencies["a_caseworker"], case_a,
                                 to_agency_id=agencies["b"].id, consent_id=consent.id,
                                 reason="moved")
    assert refused.value.key == "DP-7"
