"""ID-1..8: presumption, decisions with reasons, reviews, consent irrelevant."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

import workflows
from referral.cases import decisions
from referral.cases.models import AnonymousNotification, Decision
from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.reminders.models import Deadline
from tests.cases.conftest import decide, transition
from tests.factories import create_case, token_headers


def later(days):
    return datetime.now(timezone.utc) + timedelta(days=days)


def test_ID1_a_referral_makes_a_presumed_victim_at_once(a_case):
    assert a_case.is_presumed_victim
    assert a_case.identification == "pending"
    assert a_case.no_removal


def test_ID1_no_timeout_ends_the_presumption(caseworker, a_case):
    with freeze_time(later(3650)):
        decisions.refresh_identification(a_case)
        assert a_case.is_presumed_victim


def test_ID1_a_negative_decision_is_not_final_during_its_review_window(caseworker, a_case):
    decide(caseworker, a_case, outcome="negative")
    assert a_case.identification == "negative_pending_review"
    assert a_case.is_presumed_victim
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "nrm", "close", reason="negative decision")
    assert refused.value.rule == "ID-1"


def test_ID1_the_negative_decision_becomes_final_after_the_window(caseworker, a_case):
    decide(caseworker, a_case, outcome="negative")
    with freeze_time(later(31)):
        assert decisions.effective_identification(a_case) == "negative_final"
        decisions.refresh_identification(a_case)
        assert not a_case.is_presumed_victim


def test_ID3_a_negative_decision_resting_only_on_consent_is_refused(caseworker, a_case):
    with pytest.raises(Refused) as refused:
        decisions.record_decision(caseworker, a_case, kind="identification",
                                  outcome="negative", decision_maker="Authority",
                                  reasons="She consented to the work", reason_codes=[
                                      "consented"], language_explained_in="ro")
    assert refused.value.rule == "ID-3"
    with pytest.raises(Refused):
        decisions.record_decision(caseworker, a_case, kind="identification",
                                  outcome="negative", decision_maker="Authority",
                                  reasons="agreed to go", language_explained_in="ro")


def test_ID3_over_the_api_the_refusal_names_the_rule(client, a_case, cw_headers):
    response = client.post(f"/api/v1/cases/{a_case.id}/decisions", headers=cw_headers, json={
        "kind": "identification", "outcome": "negative", "decision_maker": "Authority",
        "reasons": "consented", "reason_codes": ["consented"], "language_explained_in": "en"})
    assert response.status_code == 409
    assert "ID-3" in response.json["errors"]


@pytest.mark.parametrize("missing", ["decision_maker", "reasons", "language_explained_in"])
def test_ID5_every_decision_records_maker_reasons_and_language(caseworker, a_case, missing):
    fields = {"decision_maker": "Authority", "reasons": "indicators present",
              "language_explained_in": "ro"}
    fields[missing] = " "
    with pytest.raises(Invalid) as invalid:
        decisions.record_decision(caseworker, a_case, kind="identification",
                                  outcome="positive", **fields)
    assert invalid.value.key == missing


def test_ID5_decisions_are_superseded_never_edited(caseworker, a_case):
    first = decide(caseworker, a_case, kind="risk_assessment", outcome="high")
    second = decide(caseworker, a_case, kind="risk_assessment", outcome="low")
    assert first.superseded_by_id == second.id
    assert first.outcome == "high"
    assert len(db.session.scalars(select(Decision)).all()) == 2


def test_ID5_the_rule_version_is_recorded_on_each_decision(caseworker, a_case):
    assert decide(caseworker, a_case).rule_version == "baseline@2026.2"


def test_ID6_a_review_request_gets_its_own_deadline(caseworker, a_case):
    negative = decide(caseworker, a_case, outcome="negative")
    decisions.request_review(caseworker, a_case, negative.id, "new evidence from the NGO")
    db.session.commit()
    kinds = set(db.session.scalars(select(Deadline.kind).where(
        Deadline.case_id == a_case.id, Deadline.status == "pending")))
    assert "review_decision" in kinds
    with freeze_time(later(60)):  # under review: never final by timeout
        assert decisions.effective_identification(a_case) == "negative_pending_review"


def test_ID6_an_overturned_review_gives_a_positive_identification(caseworker, a_case):
    negative = decide(caseworker, a_case, outcome="negative")
    decisions.request_review(caseworker, a_case, negative.id, "new evidence")
    decide(caseworker, a_case, kind="review", outcome="overturned", review_of=negative)
    assert a_case.identification == "positive"


def test_ID6_an_upheld_review_makes_the_negative_final(caseworker, a_case):
    negative = decide(caseworker, a_case, outcome="negative")
    decisions.request_review(caseworker, a_case, negative.id, "new evidence")
    decide(caseworker, a_case, kind="review", outcome="upheld", review_of=negative)
    assert a_case.identification == "negative_final"


def test_ID6_a_review_after_the_window_is_refused(caseworker, a_case):
    negative = decide(caseworker, a_case, outcome="negative")
    with freeze_time(later(31)):
        with pytest.raises(Refused) as refused:
            decisions.request_review(caseworker, a_case, negative.id, "too late")
    assert refused.value.rule == "ID-6"


def test_ID8_an_adult_may_decline_identification(caseworker, a_case):
    transition(caseworker, a_case, "nrm", "decline_identification",
               reason="does not want to be identified")
    assert a_case.nrm_state == "closed"


def test_ID8_an_anonymous_notification_holds_no_identity(client, cw_headers):
    response = client.post("/api/v1/notifications/anonymous", headers=cw_headers, json={
        "sex": "male", "age_group": "25-34", "nationality": "AL",
        "exploitation_forms": ["forced_labour"]})
    assert response.status_code == 201
    columns = set(AnonymousNotification.__table__.columns.keys())
    assert not columns & {"given_name", "family_name", "date_of_birth", "narrative",
                          "case_id", "person_id"}


def test_uk_a_positive_reasonable_grounds_decision_starts_the_recovery_period(caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    assert case.nrm_state == "presumed_victim"
    target = db.session.scalar(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "first_decision_target"))
    assert target is not None
    assert (target.due_at - case.referred_at) >= timedelta(days=5)  # 5 working days
    decide(caseworker, case, kind="reasonable_grounds", outcome="positive")
    assert case.nrm_state == "reflection_period"
    assert case.identification == "pending"  # conclusive grounds still to come
    decide(caseworker, case, kind="conclusive_grounds", outcome="positive")
    assert case.identification == "positive"


def test_uk_decision_kinds_follow_the_jurisdiction(caseworker, a_case):
    with pytest.raises(Invalid) as invalid:
        decide(caseworker, a_case, kind="reasonable_grounds")
    assert invalid.value.key == "kind"


def test_decisions_api_lists_them_oldest_first(client, caseworker, a_case, cw_headers):
    decide(caseworker, a_case, kind="risk_assessment", outcome="high")
    decide(caseworker, a_case, kind="identification", outcome="positive")
    body = client.get(f"/api/v1/cases/{a_case.id}/decisions", headers=cw_headers).json
    assert [d["kind"] for d in body] == ["risk_assessment", "identification"]
    history = client.get(f"/api/v1/cases/{a_case.id}/history", headers=cw_headers).json
    assert any(h["type"] == "decision" for h in history)


# -- ID-1: assistance after the reflection period follows a positive final decision -------

@pytest.mark.parametrize("outcome", [None, "negative"])
def test_ID1_assistance_after_the_period_needs_a_positive_final_decision(caseworker, a_case,
                                                                         outcome):
    if outcome:
        decide(caseworker, a_case, outcome=outcome)
    with freeze_time(a_case.reflection_minimum_ends_at + timedelta(days=1)):
        with pytest.raises(Refused) as refused:
            transition(caseworker, a_case, "nrm", "begin_assistance")
    assert refused.value.rule == "ID-1"
    assert refused.value.message == ("assistance after the reflection period follows a "
                                     "positive final decision")
    assert a_case.nrm_state == "reflection_period"


def test_ID1_a_positive_first_decision_alone_does_not_move_a_uk_case_to_assistance(
        client, caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    decide(caseworker, case, kind="reasonable_grounds")
    with freeze_time(case.reflection_minimum_ends_at + timedelta(days=1)):
        response = client.post(f"/api/v1/cases/{case.id}/transitions",
                               headers=token_headers(caseworker),
                               json={"track": "nrm", "event": "begin_assistance",
                                     "version": case.version})
    assert response.status_code == 409
    assert "ID-1" in response.json["errors"]


# -- ID-6: every adverse step records reasons and the person's view ---------------------

def _assistance_in_progress(caseworker, case):
    from tests.factories import give_consent
    give_consent(caseworker, case, "service")
    transition(caseworker, case, "assistance", "offer")
    transition(caseworker, case, "assistance", "accept")


def test_ID6_ending_a_service_without_a_reason_is_refused(client, caseworker, a_case,
                                                          cw_headers):
    _assistance_in_progress(caseworker, a_case)
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions", headers=cw_headers,
                           json={"track": "assistance", "event": "end",
                                 "version": a_case.version,
                                 "facts": {"person_view": "wants to continue"}})
    assert response.status_code == 409
    assert response.json["errors"]["ID-6"] == ["a reason is required for this step"]
    db.session.refresh(a_case)
    assert a_case.assistance_state == "in_progress"


@pytest.mark.parametrize("event", ["suspend", "end"])
def test_ID6_ending_or_suspending_a_service_records_the_persons_view(caseworker, a_case,
                                                                     event):
    _assistance_in_progress(caseworker, a_case)
    code = {"suspend": "person_asked_pause", "end": "goals_met"}[event]
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "assistance", event, reason="plan reviewed",
                   facts={"reason_code": code})
    assert refused.value.rule == "ID-6"
    assert refused.value.message == ("an adverse step records the person's view (or that "
                                     "they declined to give one)")
    assert a_case.assistance_state == "in_progress"
    transition(caseworker, a_case, "assistance", event, reason="plan reviewed",
               facts={"reason_code": code, "person_view_declined": True})
    assert a_case.assistance_state == {"suspend": "suspended", "end": "ended"}[event]


def test_ID6_ending_a_stay_is_adverse_with_reasons_and_the_persons_view(caseworker, admitted):
    from referral.shelter import service as shelter
    end_stay = workflows.tracks()["shelter"].find("end_stay", "staying")
    assert end_stay.reason_required and end_stay.adverse
    with pytest.raises(Refused) as refused:
        shelter.end_stay(caseworker, admitted, person_view="wants to stay")
    assert refused.value.rule == "ID-6"
    assert refused.value.message == "a reason is required for this step"
    with pytest.raises(Refused) as refused:
        shelter.end_stay(caseworker, admitted, reason="the agreed stay is over",
                         reason_code="stay_period_completed")
    assert refused.value.rule == "ID-6"
    db.session.rollback()
    shelter.end_stay(caseworker, admitted, reason="the agreed stay is over",
                     reason_code="stay_period_completed", person_view="ready to move on")
    db.session.commit()
    assert admitted.left_at is not None
