"""The children's pathway, per jurisdiction (issue 16): CH-3 guardian deadline, CH-1 an age
dispute keeps the child presumption until an age assessment, CH-2 best interests before
closure, CH-6 the move to adult support at 18 as an event."""
from datetime import date, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.cases.models import AgeStatus
from referral.errors import Refused
from referral.extensions import db
from referral.reminders.models import Deadline, DeadlineStatus
from tests.cases.conftest import decide, transition
from tests.factories import create_case
from workflows import jurisdictions

JURISDICTIONS = ("baseline", "uk")


def nearly_18():
    today = datetime.now(timezone.utc).date()
    return date(today.year - 18, today.month, today.day) + timedelta(days=20)


def deadline(case, kind):
    return db.session.scalar(select(Deadline).where(Deadline.case_id == case.id,
                                                    Deadline.kind == kind))


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_CH3_a_childs_guardian_has_the_jurisdictions_deadline(caseworker, code):
    case = create_case(caseworker, jurisdiction=code, person={"date_of_birth": None, "age_estimate": 15})
    row = deadline(case, "guardian_appointment")
    days = jurisdictions.get(code).guardian_deadline_days
    assert row.due_at - case.referred_at == timedelta(days=days)


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_CH1_an_age_dispute_keeps_the_child_presumption_until_assessed(caseworker, code):
    case = create_case(caseworker, jurisdiction=code, person={"date_of_birth": None, "age_estimate": 16})
    decide(caseworker, case, kind="age_assessment", outcome="disputed")
    assert case.age_status == AgeStatus.disputed and case.is_child
    with pytest.raises(Refused) as refused:  # no date of birth: no move at 18 by age
        decide(caseworker, case, kind="adult_transition", outcome="moved_to_adult_support")
    assert refused.value.rule == "CH-6"
    decide(caseworker, case, kind="age_assessment", outcome="adult")
    assert not case.is_child


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_CH6_the_move_to_adult_support_at_18_is_planned_and_recorded(caseworker, code):
    case = create_case(caseworker, jurisdiction=code,
                       person={"date_of_birth": nearly_18(), "given_name": "A",
                               "family_name": "B"})
    assert case.is_child
    turns = deadline(case, "turns_18")
    plan = deadline(case, "adult_transition")
    notice = jurisdictions.get(code).adult_transition_notice_days
    assert turns.due_at - plan.due_at == timedelta(days=notice)
    with pytest.raises(Refused) as refused:  # not yet 18
        decide(caseworker, case, kind="adult_transition", outcome="moved_to_adult_support")
    assert refused.value.rule == "CH-6"
    with freeze_time(turns.due_at + timedelta(days=1)):
        assert case.is_child  # turning 18 is not a silent change
        decide(caseworker, case, kind="adult_transition", outcome="moved_to_adult_support",
               reasons="turned 18; adult support agreed with the young person")
        assert not case.is_child
    db.session.refresh(turns)
    assert turns.status == DeadlineStatus.met


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_CH2_a_childs_case_is_closed_only_after_a_best_interests_determination(caseworker,
                                                                             code):
    case = create_case(caseworker, jurisdiction=code, person={"date_of_birth": None, "age_estimate": 15})
    if code == "uk":
        decide(caseworker, case, kind="reasonable_grounds", outcome="positive")
    decide(caseworker, case, kind=jurisdictions.get(code).final_decision, outcome="positive")
    with freeze_time(datetime.now(timezone.utc) + timedelta(days=31)):
        transition(caseworker, case, "nrm", "begin_assistance")
        decide(caseworker, case, kind="risk_assessment", outcome="low")
        from referral.reminders.service import plan_deadline
        plan_deadline(case.id, "reintegration_checkin",
                      datetime.now(timezone.utc) + timedelta(days=30))
        db.session.commit()
        with pytest.raises(Refused) as refused:
            transition(caseworker, case, "nrm", "close", reason="support completed")
        assert refused.value.rule == "CH-2"
        decide(caseworker, case, kind="best_interests_assessment", outcome="completed")
        transition(caseworker, case, "nrm", "close", reason="support completed",
                   facts={"reason_code": "reintegration_complete",
                          "person_view": "I am ready to go on alone"})
        assert case.nrm_state == "closed"
