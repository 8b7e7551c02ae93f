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


NC3_MESSAGE = ("assistance and shelter never depend on cooperation with police or prosecution, "
               "testimony, charges or the outcome of a criminal case")


def _in_progress(caseworker, case):
    give_consent(caseworker, case, "service")
    transition(caseworker, case, "assistance", "offer")
    transition(caseworker, case, "assistance", "accept")


# Written out, not read from the code: a code dropped from the guard's list fails here.
@pytest.mark.parametrize("code", ["non_cooperation", "refused_to_testify", "testimony_given",
                                  "no_charges", "criminal_case_closed", "withdrew_complaint"])
@pytest.mark.parametrize("event", ["suspend", "end"])
def test_NC3_every_cooperation_reason_code_is_refused(caseworker, a_case, code, event):
    _in_progress(caseworker, a_case)
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "assistance", event, reason="plan reviewed",
                   facts={"reason_code": code, "person_view": "wants support"})
    assert (refused.value.rule, refused.value.message) == ("NC-3", NC3_MESSAGE)
    assert a_case.assistance_state == "in_progress"


@pytest.mark.parametrize("reason", [
    "she will not be a witness", "refused to help the investigation",
    "the prosecution was dropped", "no longer a prosecution witness",
    "investigation closed", "withdrew her complaint",
])
def test_NC3_free_text_about_witnesses_investigations_and_prosecution_is_refused(
        caseworker, a_case, reason):
    _in_progress(caseworker, a_case)
    with pytest.raises(Refused) as refused:
        transition(caseworker, a_case, "assistance", "end", reason=reason,
                   facts={"reason_code": "goals_met", "person_view": "wants support"})
    assert (refused.value.rule, refused.value.message) == ("NC-3", NC3_MESSAGE)


@pytest.mark.parametrize("code,reason", [("safety_of_residents", "no charges were brought"),
                                         ("refused_to_testify", "stay over")])
def test_NC3_a_shelter_stay_is_not_ended_for_non_cooperation(caseworker, admitted, code,
                                                             reason):
    from referral.shelter import service as shelter
    with pytest.raises(Refused) as refused:
        shelter.end_stay(caseworker, admitted, reason=reason, reason_code=code,
                         person_view="wants to stay")
    assert (refused.value.rule, refused.value.message) == ("NC-3", NC3_MESSAGE)


def test_NC3_supervisors_are_shown_the_refused_attempt(client, caseworker, supervisor, a_case):
    from referral.supervision import service as supervision
    from tests.factories import token_headers
    _in_progress(caseworker, a_case)
    with pytest.raises(Refused):
        transition(caseworker, a_case, "assistance", "end", reason="refused to testify",
                   facts={"person_view": "wants support", "reason_code": "goals_met"})
    shown = supervision.dashboard(supervisor)["refused_attempts"]
    assert [(a["case_id"], a["rule"], a["event"], a["reason"]) for a in shown] == [
        (a_case.id, "NC-3", "end", "refused to testify")]
    body = client.get("/api/v1/supervision/overdue", headers=token_headers(supervisor)).json
    assert [(a["case_reference"], a["rule"], a["reason"]) for a in body["refused_attempts"]] \
        == [(a_case.reference, "NC-3", "refused to testify")]


def test_NC4_a_permit_tied_to_cooperation_never_reaches_another_track(caseworker, a_case):
    """Recording such a permit changes no fact any other track is given (NC-4)."""
    from referral.legal import service as legal
    before = {name: {k: v for k, v in facts_for(a_case, name).items() if k != "now"}
              for name in NON_LEGAL}
    legal.add_permit(caseworker, a_case, kind="temporary_residence", status="granted",
                     conditions="granted while she cooperates with the prosecution")
    db.session.commit()
    after = {name: {k: v for k, v in facts_for(a_case, name).items() if k != "now"}
             for name in NON_LEGAL}
    assert after == before
    assert "cooperates" not in repr(case_facts(a_case))

