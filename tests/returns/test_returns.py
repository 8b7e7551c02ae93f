"""RR-1..6, CH-5: return, equal outcomes, reintegration and closure."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.legal import service as legal
from referral.reminders import service as reminders
from referral.reminders.models import Deadline, Notification
from referral.returns import service as returns
from referral.returns.schemas import ReturnInSchema
from tests.cases.conftest import decide, transition
from tests.factories import give_consent

FULL_CHECKS = {"risk_retaliation": "low", "risk_retrafficking": "medium",
               "risk_stigma": "low", "non_refoulement_checked": True,
               "asylum_information_given": True, "open_proceedings_checked": True}

CLOSE_FACTS = {"reason_code": "integrated_locally", "person_view": "glad to move on"}


def ask(caseworker, case):
    request = returns.request_return(caseworker, case, destination_country="RO",
                                     person_words="I want to go home to my mother")
    db.session.commit()
    return request


def test_RR1_a_return_is_one_persons_request(client, caseworker, a_case, cw_headers):
    assert set(ReturnInSchema().fields) == {"destination_country", "person_words",
                                            "receiving_organisation"}  # no list of people
    response = client.post(f"/api/v1/cases/{a_case.id}/returns", headers=cw_headers,
                           json={"destination_country": "RO", "person_words": "home"})
    assert response.status_code == 201 and response.json["state"] == "requested"
    again = client.post(f"/api/v1/cases/{a_case.id}/returns", headers=cw_headers,
                        json={"destination_country": "RO", "person_words": "again"})
    assert again.status_code == 409 and "RR-1" in again.json["errors"]


def test_RR2_approval_needs_every_assessment(caseworker, a_case):
    request = ask(caseworker, a_case)
    returns.assess(caseworker, request, risk_retaliation="low")
    db.session.commit()
    assert a_case.return_state == "requested"  # the assessment is incomplete
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "return", "assess", via="return")
    assert refused.value.rule == "RR-2"
    assert refused.value.message == (  # every check still missing, by name
        "before approval, record: a re-trafficking risk assessment, a stigma risk assessment, "
        "a non-refoulement check, information on asylum, a check of open proceedings")
    returns.assess(caseworker, request, **FULL_CHECKS)
    db.session.commit()
    assert a_case.return_state == "assessed"


def test_RR2_a_pending_asylum_claim_or_identification_blocks_return(caseworker, a_case):
    request = ask(caseworker, a_case)
    returns.assess(caseworker, request, **FULL_CHECKS)
    db.session.commit()
    with pytest.raises(Refused) as refused:
        returns.return_step(caseworker, request, "approve")
    assert refused.value.rule == "RR-2" and "identification" in refused.value.message
    decide(caseworker, a_case)
    legal.add_permit(caseworker, a_case, kind="asylum_claim", status="applied")
    db.session.commit()
    with pytest.raises(Refused) as refused:
        returns.return_step(caseworker, request, "approve")
    assert "asylum" in refused.value.message


def test_RR2_an_approved_return_travels_with_handover_consent(caseworker, a_case):
    request = ask(caseworker, a_case)
    returns.assess(caseworker, request, **FULL_CHECKS)
    decide(caseworker, a_case)
    returns.return_step(caseworker, request, "approve")
    db.session.commit()
    with pytest.raises(Refused) as refused:
        returns.return_step(caseworker, request, "travel")
    assert refused.value.rule == "CO-1"
    give_consent(caseworker, a_case, "cross_border_transfer",
                 recipient_name="Receiving NGO, Bucharest", recipient_category="ngo")
    returns.return_step(caseworker, request, "travel")
    assert a_case.return_state == "travelled"


def test_CH5_a_childs_return_needs_best_interests_and_family_tracing(caseworker, a_child_case):
    request = ask(caseworker, a_child_case)
    returns.assess(caseworker, request, **FULL_CHECKS)
    db.session.commit()
    assert a_child_case.return_state == "requested"
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_child_case, "return", "assess", via="return")
    assert refused.value.rule == "CH-5"
    returns.assess(caseworker, request, **FULL_CHECKS,
                   best_interests_determination="return to grandmother is in her interest",
                   family_tracing_done=True, family_involved="no")
    db.session.commit()
    assert a_child_case.return_state == "assessed"


@pytest.mark.parametrize("outcome", ["return", "local_integration", "third_country"])
def test_RR3_RR4_every_outcome_gets_the_same_plan_and_check_ins(caseworker, a_case, outcome):
    returns.create_plan(caseworker, a_case, outcome=outcome, wellbeing="sleep better",
                        economic="a job in a bakery", social="see my sister",
                        cultural="church on Sundays", political="vote one day")
    db.session.commit()
    due = db.session.scalars(select(Deadline.source_key).where(
        Deadline.kind == "reintegration_checkin")).all()
    assert sorted(due) == ["12m", "1m", "3m", "6m"]


def test_RR4_the_plan_is_in_the_persons_words_for_every_area(caseworker, a_case):
    with pytest.raises(Invalid) as invalid:
        returns.create_plan(caseworker, a_case, outcome="return", wellbeing="ok",
                            economic="", social="x", cultural="x", political="x")
    assert invalid.value.key == "economic"


def test_RR4_a_missed_check_in_has_a_coded_reason_and_escalates(caseworker, supervisor,
                                                               a_case):
    caseworker.supervisor_id = supervisor.id
    returns.create_plan(caseworker, a_case, outcome="local_integration", wellbeing="a",
                        economic="b", social="c", cultural="d", political="e")
    with pytest.raises(Invalid):
        returns.record_checkin(caseworker, a_case, held=False)
    returns.record_checkin(caseworker, a_case, held=False, missed_reason="unreachable")
    db.session.commit()
    with freeze_time(datetime.now(timezone.utc) + timedelta(days=3)):
        reminders.sweep_due()
    kinds = {n.kind for n in db.session.scalars(select(Notification).where(
        Notification.deadline_kind == "missed_checkin"))}
    assert kinds == {"overdue", "escalation"}


def test_RR4_check_ins_continue_after_assistance_ends(caseworker, a_case):
    returns.create_plan(caseworker, a_case, outcome="return", wellbeing="a", economic="b",
                        social="c", cultural="d", political="e")
    give_consent(caseworker, a_case, "service")
    for event in ("offer", "accept"):
        transition(caseworker, a_case, "assistance", event)
    transition(caseworker, a_case, "assistance", "end", reason="goals reached",
               facts={"person_view": "agrees", "reason_code": "goals_met"})
    pending = db.session.scalars(select(Deadline).where(
        Deadline.kind == "reintegration_checkin", Deadline.status == "pending")).all()
    assert len(pending) == 4


def test_RR5_a_new_referral_of_a_known_person_links_the_earlier_case(client, caseworker,
                                                                    a_case, cw_headers):
    response = client.post("/api/v1/cases", headers=cw_headers, json={
        "person": {"given_name": "Test", "date_of_birth": "1990-05-17"},
        "referred_by": "Outreach", "previous_case_id": str(a_case.id)})
    assert response.status_code == 201
    assert response.json["previous_case_id"] == str(a_case.id)


def test_RR6_a_case_closes_only_with_a_risk_review_and_a_follow_up_schedule(caseworker,
                                                                           a_case):
    decide(caseworker, a_case)
    transition(caseworker, a_case, "nrm", "begin_assistance", facts={"person_request": "I want to go on now"})
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "close", reason="plan complete",
                   facts=CLOSE_FACTS)
    assert refused.value.rule == "RR-6"
    decide(caseworker, a_case, kind="risk_assessment", outcome="low")
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "close", reason="plan complete",
                   facts=CLOSE_FACTS)
    assert "follow-up" in refused.value.message
    returns.create_plan(caseworker, a_case, outcome="local_integration", wellbeing="a",
                        economic="b", social="c", cultural="d", political="e")
    transition(caseworker, a_case, "nrm", "close", reason="plan complete",
                   facts=CLOSE_FACTS)
    assert a_case.nrm_state == "closed"


def test_RR4_the_reintegration_page_records_a_missed_check_in(client, caseworker, a_case):
    returns.create_plan(caseworker, a_case, outcome="local_integration", wellbeing="calm",
                        economic="work", social="friends", cultural="music", political="vote")
    db.session.commit()
    from tests.web.conftest import login
    login(client, "caseworker")
    page = client.get(f"/cases/{a_case.id}/reintegration").get_data(as_text=True)
    assert "calm" in page and "1m" in page
    client.post(f"/cases/{a_case.id}/reintegration", data={"held": "no"})
    assert not db.session.scalars(select(returns.CheckIn)).all()  # a reason is required
    client.post(f"/cases/{a_case.id}/reintegration",
                data={"held": "no", "missed_reason": "moved"})
    assert db.session.scalars(select(returns.CheckIn)).one().missed_reason == "moved"
