"""CH-1..4: a possible child is a child; guardians; no closing on a negative decision."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from referral.cases import decisions
from referral.database import utcnow
from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.reminders.models import Deadline
from referral.reminders.service import plan_deadline
from tests.cases.conftest import decide, transition
from tests.factories import create_case

CLOSE_FACTS = {"reason_code": "negative_decision_final", "person_view": "wants to stay"}


@pytest.mark.parametrize("person,is_child", [
    ({"date_of_birth": None, "age_estimate": None}, True),      # unknown age
    ({"date_of_birth": None, "age_estimate": 16}, True),
    ({"date_of_birth": date(1990, 1, 1)}, False),
    ({"date_of_birth": None, "age_estimate": 30}, False),
])
def test_CH1_unknown_or_child_age_is_treated_as_a_child(caseworker, person, is_child):
    assert create_case(caseworker, person=person).is_child is is_child


def test_CH1_a_possible_child_flag_wins_over_a_stated_adult_age(caseworker):
    assert create_case(caseworker, is_child=True).is_child


def test_CH1_only_an_age_assessment_ends_the_presumption(caseworker, a_child_case):
    decide(caseworker, a_child_case, kind="age_assessment", outcome="disputed")
    assert a_child_case.is_child
    decide(caseworker, a_child_case, kind="age_assessment", outcome="adult")
    assert not a_child_case.is_child


def test_CH2_a_decision_about_a_child_records_views_and_best_interests(caseworker,
                                                                      a_child_case):
    with pytest.raises(Invalid) as invalid:
        decisions.record_decision(caseworker, a_child_case, kind="identification",
                                  outcome="positive", decision_maker="Authority",
                                  reasons="indicators", language_explained_in="ro")
    assert invalid.value.key == "child_views"
    with pytest.raises(Invalid) as invalid:
        decisions.record_decision(caseworker, a_child_case, kind="identification",
                                  outcome="positive", decision_maker="Authority",
                                  reasons="indicators", language_explained_in="ro",
                                  child_views="wants to stay")
    assert invalid.value.key == "best_interests"


def test_CH3_a_child_case_gets_a_guardian_deadline_met_on_appointment(client, a_child_case,
                                                                     cw_headers):
    deadline = db.session.scalar(select(Deadline).where(
        Deadline.case_id == a_child_case.id, Deadline.kind == "guardian_appointment"))
    assert deadline is not None and deadline.status == "pending"
    response = client.post(f"/api/v1/cases/{a_child_case.id}/guardian", headers=cw_headers,
                           json={"name": "M. Dupont", "organisation": "Child services"})
    assert response.status_code == 200
    assert response.json["guardian_appointed_at"]
    db.session.refresh(deadline)
    assert deadline.status == "met"


def test_CH3_an_adult_case_has_no_guardian_deadline(caseworker, a_case):
    assert db.session.scalar(select(Deadline).where(
        Deadline.case_id == a_case.id, Deadline.kind == "guardian_appointment")) is None


def _final_negative(caseworker, case):
    negative = decide(caseworker, case, outcome="negative")
    decisions.request_review(caseworker, case, negative.id, "asked")
    decide(caseworker, case, kind="review", outcome="upheld", review_of=negative)
    decide(caseworker, case, kind="risk_assessment", outcome="low")


def test_CH4_a_negative_decision_for_a_child_never_closes_the_case(caseworker, a_child_case):
    """Everything else a closing needs is there (a final negative decision, a risk review, a
    follow-up schedule, a listed reason, the child's view): CH-4 alone refuses."""
    _final_negative(caseworker, a_child_case)
    plan_deadline(a_child_case.id, "reintegration_checkin", utcnow() + timedelta(days=30))
    db.session.commit()
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_child_case, "nrm", "close", reason="negative decision",
                   facts=CLOSE_FACTS)
    assert refused.value.rule == "CH-4"
    assert refused.value.message == ("a negative decision for a child hands the case to "
                                     "child protection; it does not close it")
    assert a_child_case.nrm_state != "closed"


def test_CH4_the_same_closing_closes_an_adults_case(caseworker, a_case):
    """The control for the test above: only the child's age made the difference."""
    _final_negative(caseworker, a_case)
    plan_deadline(a_case.id, "reintegration_checkin", utcnow() + timedelta(days=30))
    db.session.commit()
    transition(caseworker, a_case, "nrm", "close", reason="negative decision",
               facts=CLOSE_FACTS)
    assert a_case.nrm_state == "closed"


def test_CH4_an_adults_case_is_not_handed_to_child_protection(caseworker, a_case):
    _final_negative(caseworker, a_case)
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "hand_to_child_protection",
                   reason="negative decision")
    assert refused.value.rule == "CH-4"
    assert refused.value.message == "only a child's case is handed to child protection"
    assert a_case.nrm_state == "reflection_period"


def test_CH4_it_hands_the_child_to_child_protection(caseworker, a_child_case):
    _final_negative(caseworker, a_child_case)
    transition(caseworker, a_child_case, "nrm", "hand_to_child_protection",
               reason="negative decision: child protection takes over")
    assert a_child_case.nrm_state == "child_protection"


def test_CH4_a_child_cannot_be_closed_by_declining_identification(caseworker, a_child_case):
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_child_case, "nrm", "decline_identification", reason="no")
    assert refused.value.rule == "ID-8"
    assert a_child_case.nrm_state != "closed"


@pytest.mark.parametrize("kind,outcome", [("age_assessment", "child"),
                                          ("risk_assessment", "low"),
                                          ("identification", "positive")])
def test_CH2_every_decision_about_a_child_records_a_best_interests_assessment(
        caseworker, a_child_case, kind, outcome):
    with pytest.raises(Invalid) as invalid:
        decisions.record_decision(caseworker, a_child_case, kind=kind, outcome=outcome,
                                  decision_maker="Authority", reasons="assessed",
                                  language_explained_in="ro", child_views="wants to stay")
    assert invalid.value.key == "best_interests"
    assert invalid.value.message == ("a decision about a child records a best interests "
                                     "assessment (CH-2)")


@pytest.mark.parametrize("code", ["baseline", "uk"])
@pytest.mark.parametrize("outcome", ["child", "disputed"])
def test_CH3_a_person_assessed_as_a_child_gets_a_guardian_deadline(caseworker, code, outcome):
    """An adult by their stated age whom an age assessment finds a child (or whose age it
    leaves in dispute) gets the guardian deadline from the assessment, with its reminder."""
    from workflows import jurisdictions
    case = create_case(caseworker, jurisdiction=code)
    assert not case.is_child
    assessment = decide(caseworker, case, kind="age_assessment", outcome=outcome,
                        child_views="wants to stay in school", best_interests="safe placement")
    assert case.is_child
    deadline = db.session.scalar(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "guardian_appointment"))
    assert deadline is not None and deadline.status == "pending"
    assert deadline.due_at - assessment.decided_at == timedelta(
        days=jurisdictions.for_case(case).guardian_deadline_days)
    assert deadline.remind_days == [1]
