"""RP-1..3: the reflection and recovery period."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.cases import decisions
from referral.errors import Refused
from referral.extensions import db
from referral.reminders.models import Deadline
from tests.cases.conftest import decide, transition


def test_RP1_the_baseline_period_starts_on_referral_and_lasts_30_days(a_case):
    assert a_case.nrm_state == "reflection_period"
    assert a_case.reflection_minimum_ends_at - a_case.reflection_started_at == timedelta(days=30)


def test_RP1_it_cannot_end_before_the_minimum(caseworker, a_case):
    decide(caseworker, a_case)
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "begin_assistance")
    assert refused.value.rule == "RP-1"


def test_RP1_it_may_end_early_when_the_person_asks(caseworker, a_case):
    decide(caseworker, a_case)
    transition(caseworker, a_case, "nrm", "begin_assistance",
               facts={"person_request": "I want to start training now"}, reason="asked to start work training")
    assert a_case.nrm_state == "assistance"


def test_RP1_after_the_minimum_it_may_end(caseworker, a_case):
    decide(caseworker, a_case)
    with freeze_time(datetime.now(timezone.utc) + timedelta(days=31)):
        transition(caseworker, a_case, "nrm", "begin_assistance")
    assert a_case.nrm_state == "assistance"


def test_RP1_it_is_extended_with_reasons_and_never_shortened(client, a_case, cw_headers):
    ends = a_case.reflection_ends_at
    response = client.post(f"/api/v1/cases/{a_case.id}/reflection-period/extend",
                           headers=cw_headers, json={"days": 14, "reason": "still in hospital"})
    assert response.status_code == 200
    db.session.refresh(a_case)
    assert a_case.reflection_ends_at == ends + timedelta(days=14)
    for bad in ({"days": -5, "reason": "x"}, {"days": 0, "reason": "x"}, {"days": 5}):
        response = client.post(f"/api/v1/cases/{a_case.id}/reflection-period/extend",
                               headers=cw_headers, json=bad)
        assert response.status_code == 422


def test_RP1_a_jurisdiction_cannot_be_defined_with_a_shorter_period():
    from workflows.jurisdictions import BASELINE
    import dataclasses
    with pytest.raises(ValueError, match="RP-1"):
        dataclasses.replace(BASELINE, code="short", reflection_min_days=20)


def test_RP2_no_removal_shows_to_every_role_during_the_period(client, a_case, cw_headers):
    assert client.get(f"/api/v1/cases/{a_case.id}", headers=cw_headers).json["no_removal"]


def test_RP3_the_end_of_the_period_is_a_deadline_with_reminders(a_case):
    deadline = db.session.scalar(select(Deadline).where(Deadline.case_id == a_case.id,
                                                        Deadline.kind == "reflection_end"))
    assert deadline.due_at == a_case.reflection_ends_at
    assert deadline.remind_days == [7, 1]


def test_RP3_an_extension_replans_the_same_deadline(caseworker, a_case):
    decisions.extend_reflection_period(caseworker, a_case, days=10, reason="needs time")
    db.session.commit()
    rows = db.session.scalars(select(Deadline).where(Deadline.case_id == a_case.id,
                                                     Deadline.kind == "reflection_end")).all()
    assert len(rows) == 1 and rows[0].due_at == a_case.reflection_ends_at


def test_RP1_in_a_uk_style_jurisdiction_the_period_waits_for_a_positive_first_decision(
        client, caseworker):
    from tests.factories import create_case, token_headers
    case = create_case(caseworker, jurisdiction="uk")
    message = "in this jurisdiction the period starts on a positive first decision"
    with pytest.raises(Refused) as refused:
        transition(caseworker, case, "nrm", "start_reflection_period")
    assert (refused.value.rule, refused.value.message) == ("RP-1", message)
    decide(caseworker, case, kind="reasonable_grounds", outcome="negative")
    response = client.post(f"/api/v1/cases/{case.id}/transitions",
                           headers=token_headers(caseworker),
                           json={"track": "nrm", "event": "start_reflection_period",
                                 "version": case.version})
    assert response.status_code == 409
    assert response.json["errors"]["RP-1"] == [message]
    db.session.refresh(case)
    assert case.nrm_state == "presumed_victim" and case.reflection_started_at is None


@pytest.mark.parametrize("days", [0, -1, -30])
def test_RP1_the_service_never_shortens_the_period(caseworker, a_case, days):
    from referral.errors import Invalid
    ends = a_case.reflection_ends_at
    with pytest.raises(Invalid) as invalid:
        decisions.extend_reflection_period(caseworker, a_case, days=days, reason="x")
    assert invalid.value.key == "days"
    assert a_case.reflection_ends_at == ends


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_RP1_the_service_extends_only_with_reasons(caseworker, a_case, reason):
    from referral.errors import Invalid
    ends = a_case.reflection_ends_at
    with pytest.raises(Invalid) as invalid:
        decisions.extend_reflection_period(caseworker, a_case, days=7, reason=reason)
    assert invalid.value.key == "reason"
    assert a_case.reflection_ends_at == ends


def test_RP1_one_day_is_the_shortest_extension(caseworker, a_case):
    ends = a_case.reflection_ends_at
    decisions.extend_reflection_period(caseworker, a_case, days=1, reason="one more day")
    assert a_case.reflection_ends_at == ends + timedelta(days=1)


def test_RP2_a_presumed_victim_is_not_removed_before_a_uk_style_period_starts(client,
                                                                             caseworker):
    from tests.factories import create_case, token_headers
    case = create_case(caseworker, jurisdiction="uk")
    assert case.nrm_state == "presumed_victim" and case.reflection_started_at is None
    assert case.no_removal is True
    body = client.get(f"/api/v1/cases/{case.id}", headers=token_headers(caseworker)).json
    assert body["no_removal"] is True


def test_RP2_the_supervisor_sees_the_no_removal_flag_too(client, supervisor, a_case):
    from tests.factories import token_headers
    body = client.get(f"/api/v1/cases/{a_case.id}", headers=token_headers(supervisor)).json
    assert body["no_removal"] is True


def test_RP2_an_extended_period_protects_after_the_move_on_period_has_ended(caseworker, a_case):
    """Identified on the day of referral, the move-on period (NRM-4) ends with the 30-day
    minimum; the period, extended, still runs: no removal until it ends (RP-2)."""
    decide(caseworker, a_case)
    assert a_case.move_on_ends_at is not None
    decisions.extend_reflection_period(caseworker, a_case, days=14, reason="in hospital")
    db.session.commit()
    with freeze_time(a_case.move_on_ends_at + timedelta(days=1)):
        assert a_case.nrm_state == "reflection_period"
        assert a_case.no_removal is True
    with freeze_time(a_case.reflection_ends_at + timedelta(days=1)):
        assert a_case.no_removal is False
