"""MI-1, MI-2: missing episodes, per jurisdiction, adult and child."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from referral.cases import decisions
from referral.errors import Refused
from referral.extensions import db
from referral.missing import service as missing
from referral.reminders.models import Notification
from referral.reminders.service import sweep_due
from tests.cases.conftest import decide, transition
from tests.factories import create_case, create_user
from workflows import jurisdictions

JURISDICTIONS = ("baseline", "uk")
CHILD = {"date_of_birth": None, "age_estimate": 15}


def now():
    return datetime.now(timezone.utc)


def report(actor, case, **extra):
    fields = {"missing_since": now() - timedelta(hours=2), "last_seen_where": "bus station",
              "told": ["police"]}
    fields.update(extra)
    episode = missing.report_missing(actor, case, **fields)
    db.session.commit()
    return episode


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_MI1_an_adult_who_goes_missing_keeps_an_open_case_and_protection(caseworker, code):
    case = create_case(caseworker, jurisdiction=code)
    episode = report(caseworker, case)
    assert episode.is_open and not episode.is_child
    assert case.nrm_state != "closed" and case.no_removal
    with pytest.raises(Refused) as refused:
        transition(caseworker, case, "nrm", "decline_identification", reason="went missing")
    assert refused.value.rule == "MI-1"
    missing.report_found(caseworker, episode, found_at=now(), found_where="a friend's flat",
                         told=["police"])
    db.session.commit()
    assert not episode.is_open
    transition(caseworker, case, "nrm", "decline_identification", reason="declines now")
    assert case.nrm_state == "closed"


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_MI1_a_final_negative_case_is_not_closed_while_the_person_is_missing(caseworker,
                                                                             code):
    case = create_case(caseworker, jurisdiction=code)
    j = jurisdictions.get(code)
    if code == "uk":
        decide(caseworker, case, kind="reasonable_grounds", outcome="positive")
    decide(caseworker, case, kind=j.final_decision, outcome="negative")
    report(caseworker, case)
    with freeze_time(now() + timedelta(days=j.review_window_days + 1)):
        decisions.refresh_identification(case)
        with pytest.raises(Refused) as refused:
            transition(caseworker, case, "nrm", "refer_on", reason="asylum",
                       facts={"reason_code": "asylum"})
        assert refused.value.rule == "MI-1"


def test_MI1_one_open_episode_at_a_time(caseworker, a_case):
    report(caseworker, a_case)
    with pytest.raises(Refused) as refused:
        report(caseworker, a_case)
    assert refused.value.rule == "MI-1"


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_MI2_a_missing_child_alerts_caseworker_and_supervisor_at_once_and_escalates_until_found(
        caseworker, supervisor, code):
    case = create_case(caseworker, jurisdiction=code, person=CHILD)
    decisions.appoint_guardian(caseworker, case, name="A. Guardian")
    db.session.commit()
    assert case.is_child
    with pytest.raises(Refused) as refused:
        report(caseworker, case, told=["police"])
    assert refused.value.rule == "MI-2"
    db.session.rollback()
    episode = report(caseworker, case, told=["police", "guardian"])
    sweep_due()
    sweep_due()  # exactly once: a second sweep sends nothing new

    def alerts(kind):
        return db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.case_id == case.id, Notification.deadline_kind == "missing_child",
            Notification.kind == kind))
    assert alerts("overdue") == 1  # the caseworker, at once
    assert alerts("escalation") == 1  # the supervisor, at once
    hours = jurisdictions.get(code).missing_child_escalation_hours
    with freeze_time(now() + timedelta(hours=hours + 1)):
        assert missing.escalate_open_episodes() == 1
        db.session.commit()
        sweep_due()
        assert missing.escalate_open_episodes() == 0  # not again within the interval
    assert alerts("escalation") == 2
    missing.report_found(caseworker, episode, found_at=now(), told=["guardian"])
    db.session.commit()
    with freeze_time(now() + timedelta(hours=3 * hours)):
        assert missing.escalate_open_episodes() == 0
        sweep_due()
    assert alerts("escalation") == 2


def test_MI1_over_the_api_and_the_page(client, caseworker, cw_headers, a_case):
    response = client.post(f"/api/v1/cases/{a_case.id}/missing", headers=cw_headers, json={
        "missing_since": (now() - timedelta(hours=1)).isoformat(), "told": ["nobody"]})
    assert response.status_code == 422
    response = client.post(f"/api/v1/cases/{a_case.id}/missing", headers=cw_headers, json={
        "missing_since": (now() - timedelta(hours=1)).isoformat(), "told": ["police"],
        "last_seen_where": "station"})
    assert response.status_code == 201, response.json
    episode_id = response.json["id"]
    listed = client.get(f"/api/v1/cases/{a_case.id}/missing", headers=cw_headers).json
    assert listed[0]["last_seen_where"] == "station"
    response = client.post(f"/api/v1/missing/{episode_id}/found", headers=cw_headers, json={
        "found_at": now().isoformat()})
    assert response.status_code == 200 and response.json["status"] == "found"


def test_MI1_another_agency_cannot_see_the_episodes(client, a_case):
    from tests.factories import token_headers
    stranger = create_user("caseworker")
    db.session.commit()
    response = client.get(f"/api/v1/cases/{a_case.id}/missing", headers=token_headers(stranger))
    assert response.status_code == 404


def test_MI1_statistics_count_episodes_not_people(caseworker, a_case):
    from referral.statistics import service as statistics
    first = report(caseworker, a_case)
    missing.report_found(caseworker, first, found_at=now())
    db.session.commit()
    report(caseworker, a_case)
    rows = list(missing.statistics_rows())
    counted = {kind: count for _, _, [kind], count in rows}
    assert counted == {"adult_found": 1, "adult_still_missing": 1}
    assert "missing" in statistics.COLUMNS
