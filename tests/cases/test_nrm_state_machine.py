"""Random event sequences through the real services, with the invariants checked after each:
ID-1 presumption holds until a final negative decision; CH-4 a child is never closed on a
negative decision; RP-1 the reflection period is never shorter than the minimum."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

import workflows
from workflows import jurisdictions
from referral.cases import decisions
from referral.cases.models import CaseTransition
from referral.errors import DomainError
from referral.extensions import db
from referral.reminders.service import plan_deadline
from tests.cases.conftest import decide, transition
from tests.factories import create_case

EVENTS = [(name, event) for name, track in workflows.tracks().items()
          for event in track.events()]


class NRMMachine(RuleBasedStateMachine):
    actor = None

    @initialize(child=st.booleans(), uk=st.booleans())
    def open(self, child, uk):
        self.freezer = freeze_time(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
        self.clock = self.freezer.start()
        person = {"date_of_birth": None, "age_estimate": 15} if child else {}
        self.case = create_case(self.actor, person=person,
                                jurisdiction="uk" if uk else "baseline")

    def teardown(self):
        if hasattr(self, "freezer"):
            self.freezer.stop()

    def _try(self, action, *args, **kwargs):
        try:
            action(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            db.session.refresh(self.case)

    @rule(days=st.sampled_from([1, 10, 29, 31, 45]))
    def time_passes(self, days):
        self.clock.tick(timedelta(days=days))

    @rule(event=st.sampled_from(EVENTS), person_requested=st.booleans(),
          person_view=st.sampled_from([None, "the person agrees"]),
          reason=st.sampled_from([None, "planned step", "did not cooperate with police"]))
    def apply_event(self, event, person_requested, person_view, reason):
        track, name = event
        facts = {"person_request": "I want to start now"} if person_requested else {}
        if person_view:
            facts["person_view"] = person_view
        facts["reason_code"] = "person_asked_to_close"
        self._try(transition, self.actor, self.case, track, name, reason=reason, facts=facts)

    @rule(event=st.sampled_from(workflows.tracks()["nrm"].events()),
          person_requested=st.booleans())
    def apply_nrm_event(self, event, person_requested):
        self._try(transition, self.actor, self.case, "nrm", event, reason="next step",
                  facts={"reason_code": "negative_decision_final",
                         "person_view_declined": True,
                         **({"person_request": "I asked"} if person_requested else {})})

    @rule()
    def plan_follow_up(self):
        plan_deadline(self.case.id, "reintegration_checkin",
                      datetime.now(timezone.utc) + timedelta(days=30))
        db.session.commit()

    @rule(kind=st.sampled_from(["first", "final", "age_assessment", "risk_assessment"]),
          pick=st.integers(min_value=0, max_value=2))
    def decide(self, kind, pick):
        j = jurisdictions.get(self.case.jurisdiction)
        kind = {"first": j.first_decision, "final": j.final_decision}.get(kind, kind)
        allowed = decisions.OUTCOMES[kind]
        self._try(decide, self.actor, self.case, kind=kind, outcome=allowed[pick % len(allowed)])

    @rule(upheld=st.booleans())
    def review(self, upheld):
        negative = decisions._pending_negative(self.case)
        if negative is None:
            return
        self._try(decisions.request_review, self.actor, self.case, negative.id, "asked")
        db.session.commit()
        if negative.review_requested_at is not None:
            self._try(decide, self.actor, self.case, kind="review",
                      outcome="upheld" if upheld else "overturned", review_of=negative)

    def _closings(self):
        return db.session.scalars(select(CaseTransition).where(
            CaseTransition.case_id == self.case.id, CaseTransition.to_state == "closed",
            CaseTransition.event == "close",
            CaseTransition.from_state.in_(("presumed_victim", "reflection_period")))).all()

    @invariant()
    def ID1_presumption_holds_until_a_final_negative_decision(self):
        if not hasattr(self, "case"):
            return
        if self._closings():
            assert self.case.identification == "negative_final"
        if self.case.identification != "negative_final":
            assert self.case.is_presumed_victim

    @invariant()
    def CH4_a_child_is_never_closed_on_a_negative_decision(self):
        if hasattr(self, "case") and self.case.is_child:
            assert not self._closings()
            assert not (self.case.nrm_state == "closed"
                        and self.case.identification == "negative_final")

    @invariant()
    def RP1_the_period_is_never_shorter_than_the_minimum(self):
        if not hasattr(self, "case") or self.case.reflection_started_at is None:
            return
        minimum = timedelta(days=jurisdictions.get(self.case.jurisdiction).reflection_min_days)
        case = self.case
        assert case.reflection_minimum_ends_at - case.reflection_started_at == minimum
        if case.nrm_state == "reflection_period":
            assert case.reflection_ends_at - case.reflection_started_at >= minimum
        else:
            left = db.session.scalar(select(CaseTransition).where(
                CaseTransition.case_id == case.id, CaseTransition.from_state ==
                "reflection_period", CaseTransition.track == "nrm"))
            if left is not None and left.at < case.reflection_minimum_ends_at:
                # Early only at the person's request, or once the person is no longer a
                # presumed victim (a final negative decision) or declines identification.
                assert (left.person_view
                        or case.identification == "negative_final"
                        or left.event == "decline_identification")


def test_random_event_sequences_keep_the_invariants(caseworker):
    NRMMachine.actor = caseworker
    NRMMachine.TestCase.settings = settings(
        max_examples=80, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    NRMMachine.TestCase().runTest()
