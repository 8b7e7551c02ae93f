"""NC-1..4: assistance never depends on cooperation with police or prosecution."""
import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select

import workflows
from workflows import COOPERATION_FACTS
from referral.cases.facts import case_facts, facts_for, register_facts, _providers
from referral.cases.models import RefusedAttempt
from referral.audit.models import AuditEntry
from referral.errors import Refused
from referral.extensions import db
from tests.cases.conftest import transition
from tests.factories import give_consent

NON_LEGAL = [name for name in workflows.tracks() if name != "legal"]


def test_NC2_no_guard_of_a_non_legal_track_declares_a_cooperation_fact():
    for name in NON_LEGAL:
        for g in workflows.tracks()[name].guards():
            assert not g.reads & COOPERATION_FACTS, f"{name}.{g.name} reads {g.reads}"


def test_NC2_the_facts_handed_to_non_legal_tracks_hold_no_cooperation_data(a_case):
    for name in NON_LEGAL:
        assert not set(facts_for(a_case, name)) & COOPERATION_FACTS


def test_NC2_a_provider_that_leaks_cooperation_breaks_loudly(a_case):
    leak = lambda case: {"willing_to_testify": False}  # noqa: E731
    register_facts(tracks=("assistance",))(leak)
    try:
        with pytest.raises(RuntimeError, match="cooperation"):
            facts_for(a_case, "assistance")
    finally:
        _providers.pop()


cooperation_values = st.fixed_dictionaries({
    key: st.one_of(st.none(), st.booleans(), st.sampled_from(
        ["refused", "given", "withdrawn", "closed", "no_charges", "willing", "unwilling"]))
    for key in sorted(COOPERATION_FACTS)})


@settings(max_examples=200, deadline=None)
@given(coop=cooperation_values, state_index=st.integers(min_value=0, max_value=20),
       base=st.fixed_dictionaries({
           "is_child": st.booleans(), "identification": st.sampled_from(
               ["pending", "positive", "negative_pending_review", "negative_final"]),
           "has_service_consent": st.booleans(), "has_admission_consent": st.booleans(),
           "reflection_minimum_elapsed": st.booleans(), "person_request": st.sampled_from([None, "I ask"]),
           "has_current_risk_review": st.booleans(), "has_followup_schedule": st.booleans(),
       }))
def test_NC1_NC2_flipping_every_cooperation_value_never_changes_allowed_events(
        coop, state_index, base):
    facts = {"reflection_trigger": "referral", "first_decision_outcome": "positive",
             "return_state": "approved", "reason": None, "reason_code": None,
             "person_view": "ok", "requested_by_person": True, "return_checks_missing": [],
             "asylum_claim_pending": False, "best_interests_determined": True,
             "family_tracing_done": True, "has_handover_consent": True, **base}
    for name in NON_LEGAL:
        track = workflows.tracks()[name]
        state = track.states[state_index % len(track.states)]
        without = workflows.allowed_events(track, state, facts)
        with_coop = workflows.allowed_events(track, state, {**facts, **coop})
        assert without[0] == with_coop[0]
        assert without[1].keys() == with_coop[1].keys()


@pytest.mark.parametrize("reason,code", [
    ("did not cooperate with the police", None),
    ("refused to testify", None),
    ("testimony given, case over", None),
    ("no charges were brought", None),
    ("criminal case closed", None),
    ("plan ended", "non_cooperation"),
    ("plan ended", "criminal_case_closed"),
])
def test_NC3_ending_assistance_for_non_cooperation_is_refused_audited_and_listed(
        caseworker, a_case, reason, code):
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    transition(caseworker, a_case, "assistance", "accept")
    facts = {"person_view": "wants support to continue"}
    if code:
        facts["reason_code"] = code
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "assistance", "end", reason=reason, facts=facts)
    assert refused.value.rule == "NC-3"
    assert a_case.assistance_state == "in_progress"
    attempt = db.session.scalar(select(RefusedAttempt).where(RefusedAttempt.rule == "NC-3"))
    assert attempt is not None and attempt.case_id == a_case.id
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "transition.refused", AuditEntry.case_id == a_case.id))


def test_NC3_suspending_for_non_cooperation_is_refused_too(client, caseworker, a_case,
                                                          cw_headers):
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    transition(caseworker, a_case, "assistance", "accept")
    response = client.post(f"/api/v1/cases/{a_case.id}/transitions", headers=cw_headers, json={
        "track": "assistance", "event": "suspend", "version": a_case.version,
        "reason": "will not give a statement to police", "facts": {"person_view": "no"}})
    assert response.status_code == 409 and "NC-3" in response.json["errors"]


def test_NC3_other_reasons_still_end_assistance(caseworker, a_case):
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    transition(caseworker, a_case, "assistance", "accept")
    transition(caseworker, a_case, "assistance", "end", reason="goals of the plan reached",
               facts={"person_view": "agrees it is time", "reason_code": "goals_met"})
    assert a_case.assistance_state == "ended"


def test_NC4_the_case_facts_carry_no_permit_conditions(a_case):
    assert "cooperation_permit_conditions" not in case_facts(a_case)
