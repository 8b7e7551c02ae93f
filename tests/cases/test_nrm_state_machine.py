"""Random event sequences through the real services, with the clock moved to the edges of
every deadline (the day before, the day, the day after: the end of the reflection minimum,
of the period, of a negative decision's review window, of the guardian deadline), and the
rules' invariants checked after each step:

- ID-1: the presumption holds until a negative decision is final; assistance after the
  period only ever follows a positive final decision; every negative decision's review
  window is the jurisdiction's.
- RP-1: the period starts as the jurisdiction says (UK-style: only after a positive first
  decision), lasts the statutory minimum, and ends early only at the person's request or
  once they are no longer a presumed victim.
- RP-2: no removal while a presumed victim's case is open before identification.
- CH-3: a child case has its guardian deadline on the jurisdiction's day, with a reminder.
- CH-4: a child's case is never closed on a negative decision.
- NC-3: no assistance or stay was ever ended or cut for a reason tied to cooperation.
"""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

import workflows
from workflows import jurisdictions
from workflows.screening import cooperation_hit
from referral.cases import decisions
from referral.cases.models import CaseTransition, Decision
from referral.database import utcnow
from referral.errors import DomainError
from referral.extensions import db
from referral.reminders.models import Deadline
from referral.reminders.service import plan_deadline
from tests.cases.conftest import decide, transition
from tests.factories import create_case

EVENTS = [(name, event) for name, track in workflows.tracks().items()
          for event in track.events() if {t.owner for t in track.candidates(event)} == {"case"}]
EDGES = ("reflection_minimum", "reflection_end", "review_window", "guardian_deadline")
COOPERATION_CODES = {"non_cooperation", "refused_to_testify", "testimony_given", "no_charges",
                     "criminal_case_closed", "withdrew_complaint"}
CUTTING_STEPS = {("assistance", "suspend"), ("assistance", "end"), ("assistance", "decline"),
                 ("shelter", "end_stay")}


class NRMMachine(RuleBasedStateMachine):
    actor = None

    @initialize(child=st.booleans(), uk=st.booleans())
    def open(self, child, uk):
        self.freezer = freeze_time(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
        self.clock = self.freezer.start()
        person = {"date_of_birth": None, "age_estimate": 15} if child else {}
        self.case = create_case(self.actor, person=person,
                                jurisdiction="uk" if uk else "baseline")
        self.rules = jurisdictions.for_case(self.case)

    def teardown(self):
        if hasattr(self, "freezer"):
            self.freezer.stop()

    def _try(self, action, *args, **kwargs):
        try:
            action(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            db.session.refresh(self.case)

    # -- time --------------------------------------------------------------------------

    def _edge(self, name):
        case = self.case
        if name == "reflection_minimum":
            return case.reflection_minimum_ends_at
        if name == "reflection_end":
            return case.reflection_ends_at
        if name == "review_window":
            pending = decisions._pending_negative(case)
            return pending.review_deadline if pending is not None else None
        return db.session.scalar(select(Deadline.due_at).where(
            Deadline.case_id == case.id, Deadline.kind == "guardian_appointment"))

    @rule(edge=st.sampled_from(EDGES), offset=st.sampled_from([-1, 0, 1]))
    def clock_to_an_edge(self, edge, offset):
        """The day before, the day of, or the day after a deadline (never backwards)."""
        at = self._edge(edge)
        if at is None:
            return
        target = at + timedelta(days=offset)
        if target > utcnow():
            self.clock.move_to(target)

    @rule(days=st.sampled_from([1, 10, 29, 31, 45]))
    def time_passes(self, days):
        self.clock.tick(timedelta(days=days))

    # -- steps -------------------------------------------------------------------------

    @rule(event=st.sampled_from(EVENTS), person_requested=st.booleans(),
          person_view=st.sampled_from([None, "the person agrees"]),
          reason=st.sampled_from([None, "planned step", "did not cooperate with police",
                                  "refused to testify"]),
          code=st.sampled_from([None, "person_asked_to_close", "goals_met",
                                "no_charges"]))
    def apply_event(self, event, person_requested, person_view, reason, code):
        track, name = event
        facts = {"person_request": "I want to start now"} if person_requested else {}
        if person_view:
            facts["person_view"] = person_view
        if code:
            facts["reason_code"] = code
        self._try(transition, self.actor, self.case, track, name, reason=reason, facts=facts)

    @rule(event=st.sampled_from(workflows.tracks()["nrm"].events()),
          person_requested=st.booleans())
    def apply_nrm_event(self, event, person_requested):
        self._try(transition, self.actor, self.case, "nrm", event, reason="next step",
                  facts={"reason_code": "negative_decision_final",
                         "person_view_declined": True,
                         **({"person_request": "I asked"} if person_requested else {})})

    @rule()
    def person_asks_to_move_to_assistance(self):
        """RP-1: the person may end the period early; ID-1 still asks for a positive
        final decision."""
        self._try(transition, self.actor, self.case, "nrm", "begin_assistance",
                  facts={"person_request": "I want to start work training now"})

    @rule(view=st.sampled_from(["wants to stay", None]))
    def close_on_a_negative_decision(self, view):
        self._try(transition, self.actor, self.case, "nrm", "close",
                  reason="the negative decision is final",
                  facts={"reason_code": "negative_decision_final",
                         **({"person_view": view} if view else {"person_view_declined": True})})

    @rule()
    def plan_follow_up(self):
        plan_deadline(self.case.id, "reintegration_checkin", utcnow() + timedelta(days=30))
        db.session.commit()

    @rule(days=st.integers(min_value=1, max_value=20))
    def extend_the_period(self, days):
        self._try(decisions.extend_reflection_period, self.actor, self.case, days=days,
                  reason="the person needs more time")
        db.session.commit()

    @rule()
    def appoint_guardian(self):
        if self.case.is_child and self.case.guardian_appointed_at is None:
            self._try(decisions.appoint_guardian, self.actor, self.case, name="Guardian G")
            db.session.commit()

    @rule(kind=st.sampled_from(["first", "final", "age_assessment", "risk_assessment"]),
          pick=st.integers(min_value=0, max_value=2))
    def decide(self, kind, pick):
        kind = {"first": self.rules.first_decision,
                "final": self.rules.final_decision}.get(kind, kind)
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

    # -- invariants --------------------------------------------------------------------

    def _history(self, **where):
        query = select(CaseTransition).where(CaseTransition.case_id == self.case.id)
        for key, value in where.items():
            query = query.where(getattr(CaseTransition, key) == value)
        return db.session.scalars(query.order_by(CaseTransition.at)).all()

    def _decisions(self, kind, outcome):
        return db.session.scalars(select(Decision).where(
            Decision.case_id == self.case.id, Decision.kind == kind,
            Decision.outcome == outcome)).all()

    def _closings(self):
        return [t for t in self._history(track="nrm", event="close", to_state="closed")
                if t.from_state in ("presumed_victim", "reflection_period")]

    @invariant()
    def ID1_presumption_holds_until_a_final_negative_decision(self):
        if not hasattr(self, "case"):
            return
        if self._closings():
            assert self.case.identification == "negative_final"
        if self.case.identification != "negative_final":
            assert self.case.is_presumed_victim

    @invariant()
    def ID1_assistance_after_the_period_follows_a_positive_final_decision(self):
        if not hasattr(self, "case"):
            return
        positives = self._decisions(self.rules.final_decision, "positive")
        for step in self._history(track="nrm", event="begin_assistance"):
            assert any(d.decided_at <= step.at for d in positives), \
                "assistance began with no positive final decision (ID-1)"

    @invariant()
    def ID1_every_review_window_is_the_jurisdictions(self):
        if not hasattr(self, "case"):
            return
        window = timedelta(days=self.rules.review_window_days)
        for kind in {self.rules.first_decision, self.rules.final_decision}:
            for negative in self._decisions(kind, "negative"):
                assert negative.review_deadline - negative.decided_at == window

    @invariant()
    def RP1_the_period_starts_as_the_jurisdiction_says(self):
        if not hasattr(self, "case") or self.case.reflection_started_at is None:
            return
        started = self.case.reflection_started_at
        if self.rules.reflection_trigger == "positive_first_decision":
            assert any(d.decided_at <= started for d in self._decisions(
                self.rules.first_decision, "positive")), \
                "a UK-style period started before a positive first decision (RP-1)"
        else:
            assert started == self.case.referred_at

    @invariant()
    def RP1_the_period_is_never_shorter_than_the_minimum(self):
        if not hasattr(self, "case") or self.case.reflection_started_at is None:
            return
        minimum = timedelta(days=self.rules.reflection_min_days)
        case = self.case
        assert case.reflection_minimum_ends_at - case.reflection_started_at == minimum
        if case.nrm_state == "reflection_period":
            assert case.reflection_ends_at - case.reflection_started_at >= minimum
        else:
            left = next(iter(self._history(track="nrm", from_state="reflection_period")),
                        None)
            if left is not None and left.at < case.reflection_minimum_ends_at:
                # Early only at the person's request, or once the person is no longer a
                # presumed victim (a final negative decision) or declines identification.
                assert (left.person_view
                        or case.identification == "negative_final"
                        or left.event == "decline_identification")

    @invariant()
    def RP2_no_removal_while_a_presumed_victims_case_is_open(self):
        if not hasattr(self, "case"):
            return
        case = self.case
        status = decisions.effective_identification(case)
        if case.nrm_state in ("presumed_victim", "reflection_period") \
                and status in ("pending", "negative_pending_review"):
            assert case.no_removal, f"a presumed victim: {case.nrm_state}, {status}"
        if case.nrm_state == "reflection_period" and utcnow() < case.reflection_ends_at \
                and status != "negative_final":
            assert case.no_removal, f"during the period: {status}"

    @invariant()
    def CH3_a_child_case_has_its_guardian_deadline(self):
        if not hasattr(self, "case") or not self.case.is_child:
            return
        row = db.session.scalar(select(Deadline).where(
            Deadline.case_id == self.case.id, Deadline.kind == "guardian_appointment"))
        assert row is not None and row.remind_days == [1]
        # From the referral, or from the age assessment that found a child.
        starts = [self.case.referred_at] + [d.decided_at for d in self._decisions(
            "age_assessment", "child") + self._decisions("age_assessment", "disputed")]
        assert row.due_at - timedelta(days=self.rules.guardian_deadline_days) in starts

    @invariant()
    def CH4_a_child_is_never_closed_on_a_negative_decision(self):
        if hasattr(self, "case") and self.case.is_child:
            assert not self._closings()
            assert not (self.case.nrm_state == "closed"
                        and self.case.identification == "negative_final")

    @invariant()
    def NC3_nothing_was_cut_for_a_reason_tied_to_cooperation(self):
        if not hasattr(self, "case"):
            return
        for step in self._history():
            if (step.track, step.event) in CUTTING_STEPS:
                assert not cooperation_hit(step.reason or "")
                assert (step.reason_code or "") not in COOPERATION_CODES


def test_random_event_sequences_keep_the_invariants(caseworker):
    NRMMachine.actor = caseworker
    NRMMachine.TestCase.settings = settings(
        max_examples=60, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    NRMMachine.TestCase().runTest()
