"""Every number in the identification, children and reflection rules at its boundary: the
day before, the day, the day after, in each jurisdiction, through the service and the API.

A rule read one day short or one day long fails here: ID-1's review window, RP-1's
statutory minimum and floor, CH-1's eighteenth birthday, CH-3's guardian deadline and RP-3's
supervision horizon."""
import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from workflows import jurisdictions
from referral.cases import decisions
from referral.errors import Refused
from referral.extensions import db
from referral.reminders.models import Deadline
from referral.supervision import service as supervision
from tests.cases.conftest import decide, transition
from tests.factories import create_case, token_headers

JURISDICTIONS = sorted(jurisdictions.REGISTRY)
# The day before (still inside), the day itself, the day after.
EDGES = pytest.mark.parametrize("offset", [-1, 0, 1], ids=["day_before", "the_day",
                                                          "day_after"])


def days(n):
    return timedelta(days=n)


def identified(actor, case):
    """A positive final decision, through the jurisdiction's decision order."""
    j = jurisdictions.for_case(case)
    if j.first_decision != j.final_decision:
        decide(actor, case, kind=j.first_decision)  # UK-style: starts the period
    decide(actor, case, kind=j.final_decision)
    assert case.identification == "positive"


# -- ID-1: a negative decision is final only once its review window has passed -------------

@pytest.mark.parametrize("code", JURISDICTIONS)
@EDGES
def test_ID1_a_negative_decision_is_final_only_from_the_day_its_review_window_ends(
        caseworker, code, offset):
    case = create_case(caseworker, jurisdiction=code)
    j = jurisdictions.for_case(case)
    negative = decide(caseworker, case, kind=j.first_decision, outcome="negative")
    assert negative.review_deadline - negative.decided_at == days(j.review_window_days)
    with freeze_time(negative.decided_at + days(j.review_window_days + offset)):
        expected = "negative_pending_review" if offset < 0 else "negative_final"
        assert decisions.effective_identification(case) == expected
        decisions.refresh_identification(case)
        assert case.is_presumed_victim is (offset < 0)


@pytest.mark.parametrize("code", JURISDICTIONS)
@EDGES
def test_ID1_ID6_a_review_is_asked_until_the_window_ends_over_the_api(
        client, caseworker, code, offset):
    case = create_case(caseworker, jurisdiction=code)
    j = jurisdictions.for_case(case)
    negative = decide(caseworker, case, kind=j.first_decision, outcome="negative")
    with freeze_time(negative.decided_at + days(j.review_window_days + offset)):
        response = client.post(f"/api/v1/cases/{case.id}/decisions/{negative.id}/review",
                               headers=token_headers(caseworker),
                               json={"reason": "new evidence from the NGO"})
    if offset < 0:
        assert response.status_code == 201, response.json
    else:
        assert response.status_code == 409
        assert response.json["errors"]["ID-6"] == [
            "the review window of this decision has passed"]


# -- RP-1: the period lasts at least the jurisdiction's statutory minimum ----------------

@pytest.mark.parametrize("code", JURISDICTIONS)
@EDGES
def test_RP1_the_period_ends_no_earlier_than_its_statutory_minimum(caseworker, code, offset):
    case = create_case(caseworker, jurisdiction=code)
    identified(caseworker, case)
    j = jurisdictions.for_case(case)
    assert case.reflection_minimum_ends_at - case.reflection_started_at == days(
        j.reflection_min_days)
    with freeze_time(case.reflection_started_at + days(j.reflection_min_days + offset)):
        if offset < 0:
            with pytest.raises(Refused) as refused:
                transition(caseworker, case, "nrm", "begin_assistance")
            assert refused.value.rule == "RP-1"
            assert "cannot end before its statutory minimum" in refused.value.message
            assert case.nrm_state == "reflection_period"
        else:
            transition(caseworker, case, "nrm", "begin_assistance")
            assert case.nrm_state == "assistance"


@pytest.mark.parametrize("code", JURISDICTIONS)
@EDGES
def test_RP1_the_minimum_holds_over_the_api(client, caseworker, code, offset):
    case = create_case(caseworker, jurisdiction=code)
    identified(caseworker, case)
    j = jurisdictions.for_case(case)
    with freeze_time(case.reflection_started_at + days(j.reflection_min_days + offset)):
        response = client.post(f"/api/v1/cases/{case.id}/transitions",
                               headers=token_headers(caseworker),
                               json={"track": "nrm", "event": "begin_assistance",
                                     "version": case.version})
    if offset < 0:
        assert response.status_code == 409
        assert "RP-1" in response.json["errors"]
    else:
        assert response.status_code == 200, response.json
        assert response.json["tracks"]["nrm"] == "assistance"


@pytest.mark.parametrize("minimum,accepted", [(29, False), (30, True), (31, True)])
def test_RP1_no_jurisdiction_is_defined_below_the_30_day_floor(minimum, accepted):
    for published in jurisdictions.REGISTRY.values():
        if accepted:
            assert dataclasses.replace(published, code="x",
                                       reflection_min_days=minimum).reflection_min_days == minimum
        else:
            with pytest.raises(ValueError, match="RP-1"):
                dataclasses.replace(published, code="x", reflection_min_days=minimum)


# -- CH-1: a child until 18 -------------------------------------------------------------

TODAY = datetime(2026, 6, 15, 9, tzinfo=timezone.utc)


@pytest.mark.parametrize("code", JURISDICTIONS)
@pytest.mark.parametrize("birthday_offset,is_child", [(1, True), (0, False), (-1, False)],
                         ids=["turns_18_tomorrow", "turns_18_today", "turned_18_yesterday"])
def test_CH1_a_person_born_18_years_ago_tomorrow_is_a_child(caseworker, code,
                                                            birthday_offset, is_child):
    born = date(2008, 6, 15) + timedelta(days=birthday_offset)
    with freeze_time(TODAY):
        case = create_case(caseworker, jurisdiction=code, person={"date_of_birth": born})
    assert case.is_child is is_child


@pytest.mark.parametrize("code", JURISDICTIONS)
@pytest.mark.parametrize("estimate,is_child", [(17, True), (18, False), (19, False)])
def test_CH1_an_age_estimate_under_18_is_a_child(caseworker, code, estimate, is_child):
    case = create_case(caseworker, jurisdiction=code,
                       person={"date_of_birth": None, "age_estimate": estimate})
    assert case.is_child is is_child


@pytest.mark.parametrize("person,is_child", [
    ({"date_of_birth": "2008-06-16"}, True), ({"date_of_birth": "2008-06-15"}, False),
    ({"age_estimate": 17}, True), ({"age_estimate": 18}, False)])
def test_CH1_the_api_treats_a_17_year_old_as_a_child(client, caseworker, person, is_child):
    with freeze_time(TODAY):
        response = client.post("/api/v1/cases", headers=token_headers(caseworker), json={
            "person": {"given_name": "Test", **person}, "referred_by": "Labour inspectorate",
            "indicators": ["debt_bondage"]})
    assert response.status_code == 201, response.json
    assert response.json["is_child"] is is_child


# -- CH-3: a guardian deadline with a reminder -------------------------------------------

@pytest.mark.parametrize("code", JURISDICTIONS)
@EDGES
def test_CH3_the_guardian_deadline_falls_on_the_jurisdictions_day_with_a_reminder(
        caseworker, supervisor, code, offset):
    case = create_case(caseworker, jurisdiction=code,
                       person={"date_of_birth": None, "age_estimate": 15})
    j = jurisdictions.for_case(case)
    deadline = db.session.scalar(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "guardian_appointment"))
    assert deadline.due_at - case.referred_at == days(j.guardian_deadline_days)
    assert deadline.remind_days == [1]
    with freeze_time(case.referred_at + days(j.guardian_deadline_days + offset)):
        overdue = {row["kind"] for row in supervision.overdue(supervisor)
                   if row["case_id"] == case.id}
    assert ("guardian_appointment" in overdue) is (offset >= 0)


# -- RP-3: supervisors see periods ending within the horizon with no next step ----------

@pytest.mark.parametrize("code", JURISDICTIONS)
@pytest.mark.parametrize("ends_in,listed", [(8, False), (7, True), (6, True)])
def test_RP3_a_period_ending_within_a_week_with_no_decision_is_shown_to_supervisors(
        client, caseworker, supervisor, code, ends_in, listed):
    case = create_case(caseworker, jurisdiction=code)
    j = jurisdictions.for_case(case)
    if j.first_decision != j.final_decision:  # UK-style: a positive first decision starts it
        decide(caseworker, case, kind=j.first_decision)
    assert case.identification == "pending"
    with freeze_time(case.reflection_ends_at - days(ends_in)):
        shown = [row["case_id"] for row in supervision.reflection_ending(supervisor)]
        response = client.get("/api/v1/supervision/overdue", headers=token_headers(supervisor))
    assert response.status_code == 200, response.json
    body = response.json
    assert (case.id in shown) is listed
    api_shown = [row["case_id"] for row in body["reflection_ending"]]
    assert (str(case.id) in api_shown) is listed


def test_RP3_a_period_with_a_decision_is_not_shown_as_lacking_a_next_step(
        caseworker, supervisor):
    case = create_case(caseworker)
    decide(caseworker, case)
    with freeze_time(case.reflection_ends_at - days(1)):
        assert case.id not in [r["case_id"] for r in supervision.reflection_ending(supervisor)]

