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
