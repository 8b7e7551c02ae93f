"""RR-1, RR-2, RR-3, RR-4, RR-6 as the rules say them, each refusal with its own rule id and
reason: a return starts from the person's own request; every assessment named before
approval; a negative decision under review blocks return until its window has passed; the
NRM moves to return only on an approved return, while local integration and resettlement
need none; check-ins fall on calendar months; a case closes only on a current risk review
(its validity the day before, of and after) and a follow-up still to come. In each
jurisdiction where a number is involved.

Each test fails when the guard it names is removed or weakened (docs/mutation-kills-b.md).
"""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.errors import Refused
from referral.extensions import db
from referral.reminders import service as reminders
from referral.reminders.models import Deadline, DeadlineStatus, Notification
from referral.returns import service as returns
from referral.returns.models import ReturnRequest
from tests.cases.conftest import decide, transition
from tests.factories import create_case
from workflows import jurisdictions

JURISDICTIONS = ("baseline", "uk")
DAY = timedelta(days=1)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
FULL_CHECKS = {"risk_retaliation": "low", "risk_retrafficking": "medium",
               "risk_stigma": "low", "non_refoulement_checked": True,
               "asylum_information_given": True, "open_proceedings_checked": True}
CLOSE_FACTS = {"reason_code": "integrated_locally", "person_view": "glad to move on"}
PLAN = dict(wellbeing="sleep better", economic="a job in a bakery", social="see my sister",
            cultural="church on Sundays", political="vote one day")


def ask(caseworker, case):
    request = returns.request_return(caseworker, case, destination_country="RO",
                                     person_words="I want to go home to my mother")
    db.session.commit()
    return request


def identified(caseworker, case):
    """A positive final decision, in the jurisdiction's order."""
    j = jurisdictions.for_case(case)
    if j.first_decision != j.final_decision:
        decide(caseworker, case, kind=j.first_decision, outcome="positive")
    decide(caseworker, case, kind=j.final_decision, outcome="positive")


def in_assistance(caseworker, case):
    identified(caseworker, case)
    transition(caseworker, case, "nrm", "begin_assistance",
               facts={"person_request": "I want help now, not later"})
    assert case.nrm_state == "assistance"


def approved_return(caseworker, case):
    request = ask(caseworker, case)
    returns.assess(caseworker, request, **FULL_CHECKS)
    returns.return_step(caseworker, request, "approve")
    db.session.commit()
    assert case.return_state == "approved"
    return request


# -- RR-1: the person's own request --------------------------------------------------------

def test_RR1_the_return_track_moves_only_on_the_persons_request(caseworker, a_case):
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "return", "request", via="return")
    assert refused.value.rule == "RR-1"
    assert refused.value.message == "a return is requested by the person, individually"
    assert a_case.return_state == "none"


def test_RR1_a_request_not_made_by_the_person_moves_nothing(caseworker, a_case):
    db.session.add(ReturnRequest(case_id=a_case.id, destination_country="RO",
                                 person_words="the agency proposes it",
                                 requested_by_person=False))
    db.session.commit()
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "return", "request", via="return")
    assert refused.value.rule == "RR-1"
    assert refused.value.message == "a return is requested by the person, individually"


# -- RR-2: every assessment before approval -------------------------------------------------

# As RR-2 lists them, spelled out here so that a check dropped from the code is missed here.
RR2_CHECKS = {
    "risk_retaliation": "a retaliation risk assessment",
    "risk_retrafficking": "a re-trafficking risk assessment",
    "risk_stigma": "a stigma risk assessment",
    "non_refoulement_checked": "a non-refoulement check",
    "asylum_information_given": "information on asylum",
    "open_proceedings_checked": "a check of open proceedings",
}


@pytest.mark.parametrize("check", sorted(RR2_CHECKS))
def test_RR2_each_assessment_is_needed_before_approval(caseworker, a_case, check):
    """Retaliation, re-trafficking and stigma risk, non-refoulement, asylum information, open
    proceedings: the one left out is named, and the return is not assessed without it."""
    request = ask(caseworker, a_case)
    returns.assess(caseworker, request, **{**FULL_CHECKS, check: None})
    db.session.commit()
    assert a_case.return_state == "requested"
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "return", "assess", via="return")
    assert refused.value.rule == "RR-2"
    assert refused.value.message == "before approval, record: " + RR2_CHECKS[check]


# -- RR-2: pending identification, including a negative decision under review ---------------

@pytest.mark.parametrize("code", JURISDICTIONS)
def test_RR2_a_negative_decision_blocks_return_until_its_review_window_has_passed(caseworker,
                                                                                code):
    j = jurisdictions.get(code)
    with freeze_time(T0):
        case = create_case(caseworker, jurisdiction=code)
        negative = decide(caseworker, case, kind=j.first_decision, outcome="negative")
        assert negative.review_deadline == T0 + timedelta(days=j.review_window_days)
        request = ask(caseworker, case)
        returns.assess(caseworker, request, **FULL_CHECKS)
        db.session.commit()
        assert case.return_state == "assessed"
    for moment in (negative.review_deadline - DAY, negative.review_deadline - timedelta(seconds=1)):
        with freeze_time(moment):
            with pytest.raises(Refused) as refused:
                returns.return_step(caseworker, request, "approve")
            assert refused.value.rule == "RR-2"
            assert refused.value.message == "a pending identification blocks return"
    with freeze_time(negative.review_deadline):
        returns.return_step(caseworker, request, "approve")
        assert case.return_state == "approved"


def test_RR2_a_negative_decision_under_review_blocks_return(caseworker, a_case):
    negative = decide(caseworker, a_case, outcome="negative")
    from referral.cases import decisions
    decisions.request_review(caseworker, a_case, negative.id, "new evidence of debt bondage",
                             grounds="new_evidence")
    request = ask(caseworker, a_case)
    returns.assess(caseworker, request, **FULL_CHECKS)
    db.session.commit()
    with freeze_time(negative.review_deadline + timedelta(days=30)):  # a review stays pending
        with pytest.raises(Refused) as refused:
            returns.return_step(caseworker, request, "approve")
    assert refused.value.rule == "RR-2"
    assert refused.value.message == "a pending identification blocks return"


# -- RR-2 and RR-3: the NRM's outcomes ------------------------------------------------------

def test_RR2_the_nrm_moves_to_return_only_on_an_approved_return(caseworker, a_case):
    in_assistance(caseworker, a_case)
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "begin_return")
    assert refused.value.rule == "RR-2"
    assert refused.value.message == ("return starts only once an individual return has been "
                                     "approved")
    request = ask(caseworker, a_case)
    returns.assess(caseworker, request, **FULL_CHECKS)
    db.session.commit()
    with pytest.raises(Refused):  # assessed is not approved
        transition(caseworker, a_case, "nrm", "begin_return")
    returns.return_step(caseworker, request, "approve")
    transition(caseworker, a_case, "nrm", "begin_return")
    assert a_case.nrm_state == "return_reintegration"


@pytest.mark.parametrize("event, state", [("integrate_locally", "local_integration"),
                                          ("resettle", "third_country")])
def test_RR3_staying_or_resettling_needs_no_return(caseworker, a_case, event, state):
    """Outcomes equal to return: no return request, assessment or approval before them."""
    in_assistance(caseworker, a_case)
    assert a_case.return_state == "none"
    transition(caseworker, a_case, "nrm", event)
    assert a_case.nrm_state == state


# -- RR-4: check-ins on calendar months ------------------------------------------------------

CALENDAR = [
    # planned on         1 month          3 months         6 months         12 months
    ("2026-01-15", ("2026-02-15", "2026-04-15", "2026-07-15", "2027-01-15")),
    ("2026-01-31", ("2026-02-28", "2026-04-30", "2026-07-31", "2027-01-31")),  # 28-day month
    ("2028-01-31", ("2028-02-29", "2028-04-30", "2028-07-31", "2029-01-31")),  # 29-day month
    ("2026-03-31", ("2026-04-30", "2026-06-30", "2026-09-30", "2027-03-31")),  # 30-day month
    ("2026-07-31", ("2026-08-31", "2026-10-31", "2027-01-31", "2027-07-31")),  # 31-day month
    ("2028-02-29", ("2028-03-29", "2028-05-29", "2028-08-29", "2029-02-28")),
]


@pytest.mark.parametrize("code", JURISDICTIONS)
@pytest.mark.parametrize("planned, due", CALENDAR)
def test_RR4_check_ins_fall_on_calendar_months(caseworker, code, planned, due):
    case = create_case(caseworker, jurisdiction=code)
    assert jurisdictions.for_case(case).checkin_months == (1, 3, 6, 12)
    start = datetime.fromisoformat(planned).replace(hour=9, tzinfo=timezone.utc)
    with freeze_time(start):
        returns.create_plan(caseworker, case, outcome="return", **PLAN)
        db.session.commit()
    rows = {d.source_key: d.due_at for d in db.session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "reintegration_checkin"))}
    assert {key: rows[key].date().isoformat() for key in ("1m", "3m", "6m", "12m")} == dict(
        zip(("1m", "3m", "6m", "12m"), due))
    assert all(at.time() == start.time() for at in rows.values())


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_RR4_a_check_in_is_overdue_from_its_day_not_before(caseworker, code):
    """The 1-month check-in of a plan made on 31 January falls on 28 February: not overdue
    on the 27th, overdue on the 28th and after."""
    case = create_case(caseworker, jurisdiction=code)
    start = datetime(2026, 1, 31, 9, 0, tzinfo=timezone.utc)
    with freeze_time(start):
        returns.create_plan(caseworker, case, outcome="local_integration", **PLAN)
        db.session.commit()
    due = datetime(2026, 2, 28, 9, 0, tzinfo=timezone.utc)

    def overdue():
        return db.session.scalars(select(Notification).where(
            Notification.deadline_kind == "reintegration_checkin",
            Notification.kind == "overdue")).all()
    reminders.sweep_due(due - DAY)
    assert not overdue()
    reminders.sweep_due(due)
    assert len(overdue()) == 1
    reminders.sweep_due(due + DAY)
    assert len(overdue()) == 1  # once


# -- RR-6: a current risk review and a follow-up schedule ------------------------------------

@pytest.mark.parametrize("code", JURISDICTIONS)
@pytest.mark.parametrize("offset, closes", [(-DAY, True), (timedelta(0), True),
                                            (timedelta(seconds=1), False), (DAY, False)])
def test_RR6_a_risk_review_is_current_for_the_jurisdictions_validity(caseworker, code, offset,
                                                                   closes):
    j = jurisdictions.get(code)
    with freeze_time(T0):
        case = create_case(caseworker, jurisdiction=code)
        in_assistance(caseworker, case)
        decide(caseworker, case, kind="risk_assessment", outcome="low")
        returns.create_plan(caseworker, case, outcome="local_integration", **PLAN)
        db.session.commit()
    with freeze_time(T0 + timedelta(days=j.risk_review_valid_days) + offset):
        if closes:
            transition(caseworker, case, "nrm", "close", reason="plan complete",
                       facts=CLOSE_FACTS)
            assert case.nrm_state == "closed"
        else:
            with pytest.raises(Refused) as refused:
                transition(caseworker, case, "nrm", "close", reason="plan complete",
                           facts=CLOSE_FACTS)
            assert refused.value.rule == "RR-6"
            assert refused.value.message == ("a case is closed only after a current "
                                             "re-trafficking risk review")
            assert case.nrm_state == "assistance"


def test_RR6_no_risk_review_no_closing_even_with_a_schedule(caseworker, a_case):
    in_assistance(caseworker, a_case)
    returns.create_plan(caseworker, a_case, outcome="local_integration", **PLAN)
    db.session.commit()
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "close", reason="plan complete", facts=CLOSE_FACTS)
    assert refused.value.rule == "RR-6"
    assert refused.value.message == ("a case is closed only after a current re-trafficking "
                                     "risk review")


@pytest.mark.parametrize("how", ["met", "cancelled"])
def test_RR6_a_follow_up_already_met_or_cancelled_is_no_schedule(caseworker, a_case, how):
    in_assistance(caseworker, a_case)
    decide(caseworker, a_case, kind="risk_assessment", outcome="low")
    returns.create_plan(caseworker, a_case, outcome="local_integration", **PLAN)
    if how == "met":
        for _ in range(4):
            returns.record_checkin(caseworker, a_case, held=True)
    else:
        reminders.cancel_deadlines(a_case.id, "reintegration_checkin")
    db.session.commit()
    assert not db.session.scalars(select(Deadline).where(
        Deadline.case_id == a_case.id, Deadline.status == DeadlineStatus.pending,
        Deadline.kind.in_(("reintegration_checkin", "missed_checkin")))).all()
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "close", reason="plan complete", facts=CLOSE_FACTS)
    assert refused.value.rule == "RR-6"
    assert refused.value.message == "a case is closed only with a follow-up schedule"


def test_RR4_RR6_the_check_ins_closure_required_outlive_it(caseworker, a_case):
    in_assistance(caseworker, a_case)
    decide(caseworker, a_case, kind="risk_assessment", outcome="low")
    returns.create_plan(caseworker, a_case, outcome="local_integration", **PLAN)
    transition(caseworker, a_case, "nrm", "close", reason="plan complete", facts=CLOSE_FACTS)
    pending = db.session.scalars(select(Deadline.source_key).where(
        Deadline.case_id == a_case.id, Deadline.kind == "reintegration_checkin",
        Deadline.status == DeadlineStatus.pending)).all()
    assert sorted(pending) == ["12m", "1m", "3m", "6m"]


# -- The same edges through the API ----------------------------------------------------------

@pytest.mark.parametrize("code", JURISDICTIONS)
def test_RR2_the_api_refuses_approval_inside_the_review_window(client, caseworker, code):
    from tests.factories import token_headers
    j = jurisdictions.get(code)
    with freeze_time(T0):
        case = create_case(caseworker, jurisdiction=code)
        negative = decide(caseworker, case, kind=j.first_decision, outcome="negative")
        request = ask(caseworker, case)
        returns.assess(caseworker, request, **FULL_CHECKS)
        db.session.commit()
    url = f"/api/v1/returns/{request.id}/approve"
    with freeze_time(negative.review_deadline - DAY):
        response = client.post(url, headers=token_headers(caseworker), json={})
    assert response.status_code == 409
    assert response.json["errors"] == {"RR-2": ["a pending identification blocks return"]}
    with freeze_time(negative.review_deadline):
        response = client.post(url, headers=token_headers(caseworker), json={})
    assert response.status_code == 200, response.json


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_RR4_the_api_plans_check_ins_on_calendar_months(client, caseworker, code):
    from tests.factories import token_headers
    case = create_case(caseworker, jurisdiction=code)
    with freeze_time(datetime(2026, 1, 31, 9, 0, tzinfo=timezone.utc)):
        response = client.post(f"/api/v1/cases/{case.id}/reintegration-plan",
                               headers=token_headers(caseworker),
                               json={"outcome": "local_integration", **PLAN})
    assert response.status_code == 201, response.json
    rows = {d.source_key: d.due_at.date().isoformat() for d in db.session.scalars(
        select(Deadline).where(Deadline.case_id == case.id,
                               Deadline.kind == "reintegration_checkin"))}
    assert rows == {"1m": "2026-02-28", "3m": "2026-04-30", "6m": "2026-07-31",
                    "12m": "2027-01-31"}


@pytest.mark.parametrize("code", JURISDICTIONS)
@pytest.mark.parametrize("offset, status", [(timedelta(0), 200), (DAY, 409)])
def test_RR6_the_api_closes_only_on_a_current_risk_review(client, caseworker, code, offset,
                                                         status):
    from tests.factories import token_headers
    j = jurisdictions.get(code)
    with freeze_time(T0):
        case = create_case(caseworker, jurisdiction=code)
        in_assistance(caseworker, case)
        decide(caseworker, case, kind="risk_assessment", outcome="low")
        returns.create_plan(caseworker, case, outcome="local_integration", **PLAN)
        db.session.commit()
    with freeze_time(T0 + timedelta(days=j.risk_review_valid_days) + offset):
        response = client.post(f"/api/v1/cases/{case.id}/transitions",
                               headers=token_headers(caseworker),
                               json={"track": "nrm", "event": "close", "version": case.version,
                                     "reason": "plan complete", "facts": CLOSE_FACTS})
    assert response.status_code == status, response.json
    if status == 409:
        assert response.json["errors"] == {
            "RR-6": ["a case is closed only after a current re-trafficking risk review"]}
