"""Identification decisions, reviews, age assessments, guardians and the reflection period.

Decisions are records: superseded, never edited (ID-5). The person stays a presumed victim
until a negative decision is final: its review window passed with no review requested, or a
review upheld it (ID-1).
"""
import re
from datetime import timedelta

from sqlalchemy import select

from workflows import jurisdictions

from ..audit.service import record
from ..database import utcnow
from ..errors import Invalid, NotFound, Refused
from ..extensions import db
from ..labels import N_
from ..reminders.models import Deadline, DeadlineStatus
from ..reminders.service import cancel_deadlines, meet_deadline, plan_deadline
from ..signals import decision_recorded
from . import access
from .models import AgeStatus, Case, Decision

IDENTIFICATION_KINDS = ("identification", "reasonable_grounds", "conclusive_grounds")
OTHER_KINDS = ("age_assessment", "best_interests_assessment", "risk_assessment",
               "recovery_needs_assessment", "transition_plan", "adult_transition")
MOVE_ON_KINDS = ("recovery_needs_assessment", "transition_plan")  # NRM-4
OUTCOMES = {
    "identification": ("positive", "negative"),
    "reasonable_grounds": ("positive", "negative"),
    "conclusive_grounds": ("positive", "negative"),
    "age_assessment": ("child", "adult", "disputed"),
    "best_interests_assessment": ("completed",),
    "risk_assessment": ("low", "medium", "high"),
    "recovery_needs_assessment": ("longer_support", "move_on_only"),
    "transition_plan": ("agreed",),
    "adult_transition": ("moved_to_adult_support",),  # CH-6
    "review": ("upheld", "overturned"),
}
NEGATIVE_REASON_CODES = ("no_act", "no_means", "no_exploitation_purpose",
                         "insufficient_information", "consented", "other")
# ID-3: once any means was used (for a child, none needed) consent is irrelevant.
IRRELEVANT_REASON_CODES = frozenset({"consented"})
_CONSENT_ONLY = re.compile(r"^\W*(she|he|they|the person|person)?\W*(had\s+)?"
                           r"(consent(ed)?|agreed|was willing|went voluntarily|chose to go)"
                           r"[\w\s,.'-]*$", re.IGNORECASE)


def _jurisdiction(case):
    return jurisdictions.for_case(case)


def effective_identification(case: Case, now=None) -> str:
    """The identification status now: a negative decision whose review window has passed
    without a review request is final."""
    if case.identification != "negative_pending_review":
        return case.identification
    pending = _pending_negative(case)
    now = now or utcnow()
    if pending is not None and pending.review_requested_at is None \
            and pending.review_deadline and pending.review_deadline <= now:
        return "negative_final"
    return case.identification


def _pending_negative(case):
    return db.session.scalar(
        select(Decision).where(Decision.case_id == case.id,
                               Decision.kind.in_(IDENTIFICATION_KINDS),
                               Decision.outcome == "negative",
                               Decision.superseded_by_id.is_(None))
        .order_by(Decision.decided_at.desc()).limit(1))


def refresh_identification(case: Case):
    """Persist a negative decision becoming final once its review window has passed."""
    status = effective_identification(case)
    if status != case.identification:
        case.identification = status


def _require_text(value, field, message):
    if not (value and str(value).strip()):
        raise Invalid(field, message)


def record_decision(actor, case: Case, *, kind: str, outcome: str, decision_maker: str,
                    reasons: str, reason_codes=(), evidence=(), language_explained_in=None,
                    child_views=None, best_interests=None, deadline=None, review_of=None,
                    details=None, person_view=None, person_view_declined=False) -> Decision:
    access.require(access.can_record_decision(actor, case), "permission",
                   N_("only the competent authority's decision-makers, caseworkers and "
                      "supervisors record decisions"))
    if case.nrm_state == "closed":
        raise Refused("WF-STATE", N_("the case is closed: register a new referral linked to it "
                                     "(previous_case_id)"))
    jurisdiction = _jurisdiction(case)
    allowed_kinds = {jurisdiction.first_decision, jurisdiction.final_decision} | set(OTHER_KINDS)
    if review_of is not None:
        kind = "review"
    elif kind not in allowed_kinds:
        raise Invalid("kind", N_("one of %(choices)s in the %(jurisdiction)s"),
                      {"choices": ", ".join(sorted(allowed_kinds)),
                       "jurisdiction": jurisdiction.name})
    if outcome not in OUTCOMES[kind]:
        raise Invalid("outcome", N_("one of %(choices)s"), {"choices": ", ".join(OUTCOMES[kind])})
    _require_text(decision_maker, "decision_maker", N_("name who decided (ID-5)"))
    _require_text(reasons, "reasons", N_("every decision records its reasons (ID-5)"))
    is_identification = kind in IDENTIFICATION_KINDS
    if is_identification:
        _require_text(language_explained_in, "language_explained_in",
                      N_("record the language the decision was explained in (ID-5)"))
    if case.is_child:
        _require_text(child_views, "child_views", N_("a decision about a child records the "
                                                     "child's views (CH-2)"))
        if kind != "best_interests_assessment":
            _require_text(best_interests, "best_interests",
                          N_("a decision about a child records a best interests assessment (CH-2)"))
    details = dict(details or {})
    if is_identification or kind == "review":
        details.update(_who_decides(actor, jurisdiction))
    if kind == "adult_transition":
        _require_adult_by_age(case)
    if kind in MOVE_ON_KINDS and case.move_on_started_at is None:
        raise Refused("NRM-4", N_("a recovery needs assessment and a transition plan follow "
                                  "a positive final decision"))
    if kind == jurisdiction.final_decision and review_of is None:
        _require_decision_order(case, jurisdiction)
    reason_codes = list(dict.fromkeys(reason_codes or ()))
    unknown = [c for c in reason_codes if c not in NEGATIVE_REASON_CODES]
    if unknown:
        raise Invalid("reason_codes", N_("unknown codes: %(codes)s"),
                      {"codes": ", ".join(unknown)})
    if is_identification and outcome == "negative":
        substantive = [c for c in reason_codes if c not in IRRELEVANT_REASON_CODES]
        if not substantive and (reason_codes or _CONSENT_ONLY.match(reasons.strip())):
            raise Refused("ID-3", N_("the person's consent to the exploitation is irrelevant "
                                     "once any means was used (for a child, always): it cannot "
                                     "be the only reason for a negative decision"))
        if not reason_codes:
            raise Invalid("reason_codes", N_("a negative decision gives its coded reasons"))
        if not (person_view or "").strip() and person_view_declined is not True:
            raise Refused("ID-6", N_("a negative decision records the person's view (or that "
                                     "they declined to give one)"))
    if person_view or person_view_declined:  # ID-6, kept with the decision (the view sealed)
        details = {**(details or {}), "person_view_declined": bool(person_view_declined)}
    now = utcnow()
    decision = Decision(case_id=case.id, kind=kind, outcome=outcome,
                        decision_maker=decision_maker.strip(), reasons=reasons.strip(),
                        reason_codes=reason_codes, evidence=list(evidence or ()),
                        language_explained_in=language_explained_in,
                        child_views=child_views, best_interests=best_interests,
                        deadline=deadline, decided_at=now,
                        rule_version=jurisdiction.rule_version,
                        recorded_by_id=actor.id, details=details,
                        person_view=(person_view or "").strip() or None)
    if is_identification and outcome == "negative":
        # NRM-2: the reconsideration window is the jurisdiction's; protection holds until
        # it has passed (NRM-3).
        decision.review_deadline = now + timedelta(days=jurisdiction.review_window_days)
        case.protection_ends_at = max(decision.review_deadline,
                                      case.reflection_ends_at or decision.review_deadline)
    db.session.add(decision)
    db.session.flush()
    # Superseded, never edited: the newest of a kind replaces the one before.
    previous = db.session.scalars(select(Decision).where(
        Decision.case_id == case.id, Decision.kind == kind, Decision.id != decision.id,
        Decision.superseded_by_id.is_(None))).all()
    for old in previous:
        old.superseded_by_id = decision.id
    if review_of is not None:
        _apply_review(actor, case, review_of, decision)
    elif is_identification:
        _apply_identification(actor, case, decision, jurisdiction)
    elif kind == "age_assessment":
        _apply_age_assessment(case, decision)
    elif kind in MOVE_ON_KINDS:
        meet_deadline(case.id, kind)
    elif kind == "adult_transition":
        # CH-6: the move to adult support is an event with reasons, not a silent change.
        case.age_status = AgeStatus.stated_adult
        meet_deadline(case.id, "adult_transition")
        meet_deadline(case.id, "turns_18")
        meet_deadline(case.id, "guardian_appointment")
    record(actor, "decision.create", "decision", decision.id, case_id=case.id,
           purpose="identification and protection",
           details={"kind": kind, "outcome": outcome})
    decision_recorded.send(case, decision=decision, actor=actor)
    return decision


def _apply_identification(actor, case, decision, jurisdiction):
    from .service import apply_transition
    first = decision.kind == jurisdiction.first_decision
    final = decision.kind == jurisdiction.final_decision
    if first:
        meet_deadline(case.id, "first_decision_target")
    if decision.outcome == "negative":
        case.identification = "negative_pending_review"
        if first:
            case.first_decision_outcome = "negative"
        _plan_reconsideration_deadlines(case, decision)
        return
    if first:
        case.first_decision_outcome = "positive"
    case.protection_ends_at = None
    if final:
        case.identification = "positive"
        start_move_on(case, jurisdiction, decision.decided_at)
    else:
        case.identification = "pending"
        plan_deadline(case.id, "final_decision_target",
                      decision.decided_at + timedelta(days=jurisdiction.reflection_min_days
                                                      + 15),
                      assignee_id=case.assigned_to_id)
    if first and case.nrm_state == "presumed_victim" \
            and jurisdiction.reflection_trigger == "positive_first_decision":
        apply_transition(actor, case, "nrm", "start_reflection_period",
                         reason="positive first decision starts the reflection period")


def _who_decides(actor, jurisdiction) -> dict:
    """NRM-6: the competent authority decides. Its decision-maker records the decision; a
    caseworker or supervisor records one received on paper, where the jurisdiction lets an
    NGO do so, and the record says so."""
    if actor.has_role("decision_maker"):
        return {"recorded_by_competent_authority": True}
    if not jurisdiction.paper_decisions:
        raise Refused("NRM-6", N_("in this jurisdiction the competent authority records its "
                                  "own decisions; ask for a review instead"))
    return {"received_on_paper": True}


def _require_decision_order(case, jurisdiction):
    """NRM-1: a final (conclusive) decision needs a positive first decision before it."""
    if jurisdiction.first_decision == jurisdiction.final_decision \
            or not jurisdiction.final_needs_positive_first:
        return
    if case.first_decision_outcome != "positive":
        raise Refused("NRM-1", N_("a final decision needs a positive first decision before "
                                  "it (%(first)s)"), {"first": jurisdiction.first_decision})


def _plan_reconsideration_deadlines(case, decision):
    """NRM-2: the last day to ask for reconsideration is a follow-up for the caseworker and
    for each legal adviser assigned to the case."""
    plan_deadline(case.id, "decision_review_window", decision.review_deadline,
                  source_key=str(decision.id), remind_days=(7,),
                  assignee_id=case.assigned_to_id)
    from ..legal.models import LegalAidAssignment
    for user_id in db.session.scalars(select(LegalAidAssignment.user_id).where(
            LegalAidAssignment.case_id == case.id)):
        # One per adviser (source_key fits 64 characters): a later negative decision on the
        # case re-plans it for its own window, the one that counts now.
        plan_deadline(case.id, "reconsideration_legal_aid", decision.review_deadline,
                      source_key=str(user_id), remind_days=(7, 2), assignee_id=user_id,
                      details={"decision_id": str(decision.id)})


def start_move_on(case, jurisdiction, start):
    """NRM-4: after a positive final decision, the move-on period with a recovery needs
    assessment and a transition plan as follow-ups; protection lasts to its end (NRM-3)."""
    if not jurisdiction.move_on_days:
        return
    case.move_on_started_at = start
    case.move_on_ends_at = start + timedelta(days=jurisdiction.move_on_days)
    case.protection_ends_at = case.move_on_ends_at
    plan_deadline(case.id, "move_on_end", case.move_on_ends_at, remind_days=(14, 7),
                  risk=2, assignee_id=case.assigned_to_id)
    plan_deadline(case.id, "recovery_needs_assessment",
                  start + timedelta(days=jurisdiction.recovery_needs_assessment_days),
                  remind_days=(3, 1), assignee_id=case.assigned_to_id)
    plan_deadline(case.id, "transition_plan",
                  case.move_on_ends_at
                  - timedelta(days=jurisdiction.transition_plan_before_end_days),
                  remind_days=(7, 1), assignee_id=case.assigned_to_id)


def request_review(actor, case: Case, decision_id, reason: str, *, grounds=None,
                   evidence=()) -> Decision:
    """ID-6, NRM-2: a negative decision can be reconsidered if asked within the
    jurisdiction's window, on its grounds, with the evidence listed; protection holds while
    it is reconsidered."""
    access.require(access.can_request_review(actor, case))
    _require_text(reason, "reason", N_("say why a review is requested"))
    jurisdiction = _jurisdiction(case)
    if grounds is not None and grounds not in jurisdiction.reconsideration_grounds:
        raise Invalid("grounds", N_("one of %(choices)s"),
                      {"choices": ", ".join(jurisdiction.reconsideration_grounds)})
    decision = _decision_of(case, decision_id)
    if decision.kind not in IDENTIFICATION_KINDS or decision.outcome != "negative":
        raise Refused("ID-6", N_("only a negative identification decision is reviewed here"))
    if decision.superseded_by_id is not None or decision.review_requested_at is not None:
        raise Refused("ID-6", N_("this decision is already under review or superseded"))
    if effective_identification(case) == "negative_final":
        raise Refused("ID-6", N_("the review window of this decision has passed"))
    now = utcnow()
    decision.review_requested_at = now
    decision.details = {**(decision.details or {}), "review_reason": reason.strip(),
                        "review_grounds": grounds,
                        "review_evidence": [str(e).strip() for e in evidence or ()
                                            if str(e).strip()]}
    case.protection_ends_at = None  # NRM-3: it holds while the decision is reconsidered
    meet_deadline(case.id, "decision_review_window", str(decision.id))
    cancel_deadlines(case.id, "reconsideration_legal_aid")
    plan_deadline(case.id, "review_decision",
                  now + timedelta(days=jurisdiction.review_decision_target_days),
                  source_key=str(decision.id), assignee_id=case.assigned_to_id)
    record(actor, "decision.review_requested", "decision", decision.id, case_id=case.id,
           purpose="identification and protection")
    return decision


def _apply_review(actor, case, reviewed: Decision, review: Decision):
    review.review_of_id = reviewed.id
    meet_deadline(case.id, "review_decision", str(reviewed.id))
    if review.outcome == "upheld":
        case.identification = "negative_final"
        return
    reviewed.superseded_by_id = review.id
    jurisdiction = _jurisdiction(case)
    positive = Decision(case_id=case.id, kind=reviewed.kind, outcome="positive",
                        decision_maker=review.decision_maker,
                        reasons=f"review overturned the negative decision: {review.reasons}",
                        reason_codes=[], evidence=review.evidence,
                        language_explained_in=review.language_explained_in or
                        reviewed.language_explained_in,
                        child_views=review.child_views, best_interests=review.best_interests,
                        decided_at=utcnow(), review_of_id=reviewed.id,
                        rule_version=jurisdiction.rule_version, recorded_by_id=actor.id)
    db.session.add(positive)
    db.session.flush()
    _apply_identification(actor, case, positive, jurisdiction)


def _decision_of(case, decision_id) -> Decision:
    import uuid
    try:
        decision_id = uuid.UUID(str(decision_id))
    except ValueError:
        raise NotFound("decision")
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.case_id != case.id:
        raise NotFound("decision")
    return decision


def _apply_age_assessment(case, decision):
    """CH-1: only an age assessment ends the presumption that a possible child is a child."""
    if decision.outcome == "adult":
        case.age_status = AgeStatus.assessed_adult
        meet_deadline(case.id, "guardian_appointment")
        return
    case.age_status = AgeStatus.assessed_child if decision.outcome == "child" \
        else AgeStatus.disputed
    # CH-3: a person assessed as a child (or whose age is in dispute) who has no guardian
    # gets the guardian deadline from now, unless one is already running.
    pending = db.session.scalar(select(Deadline.id).where(
        Deadline.case_id == case.id, Deadline.kind == "guardian_appointment",
        Deadline.status == DeadlineStatus.pending))
    if case.guardian_appointed_at is None and pending is None:
        _plan_guardian_deadline(case, decision.decided_at)


def appoint_guardian(actor, case: Case, *, name: str, organisation: str | None = None):
    """CH-3: a child's guardian or representative; consent for the child is theirs."""
    access.require(access.can_edit_case(actor, case))
    _require_text(name, "name", N_("name the guardian or representative"))
    case.guardian_name = name.strip()
    case.guardian_organisation = (organisation or "").strip() or None
    case.guardian_appointed_at = utcnow()
    meet_deadline(case.id, "guardian_appointment")
    record(actor, "case.guardian_appointed", "case", case.id, case_id=case.id,
           purpose="child protection")
    return case


def eighteenth_birthday(case: Case):
    """The day a child with a recorded date of birth turns 18, or None."""
    from datetime import datetime, timezone
    dob = case.person.date_of_birth
    if dob is None:
        return None
    try:
        day = dob.replace(year=dob.year + 18)
    except ValueError:  # born on 29 February
        day = dob.replace(year=dob.year + 18, day=28)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _require_adult_by_age(case):
    """CH-6 (with CH-1): a child moves to adult support at 18 by the recorded date of birth;
    a disputed age waits for an age assessment."""
    birthday = eighteenth_birthday(case)
    if not case.is_child:
        raise Refused("CH-6", N_("the person is already supported as an adult"))
    if birthday is None or birthday > utcnow():
        raise Refused("CH-6", N_("a child moves to adult support at 18 by the recorded date "
                                 "of birth; an age in dispute waits for an age assessment "
                                 "(CH-1)"))


def plan_adult_transition(case: Case):
    """CH-6: for a child with a date of birth, the move to adult support is planned ahead
    (the jurisdiction's notice) and due on the 18th birthday."""
    birthday = eighteenth_birthday(case)
    if birthday is None or not case.is_child:
        return
    notice = _jurisdiction(case).adult_transition_notice_days
    plan_deadline(case.id, "adult_transition", birthday - timedelta(days=notice),
                  remind_days=(14,), assignee_id=case.assigned_to_id)
    plan_deadline(case.id, "turns_18", birthday, remind_days=(7, 1), risk=2,
                  assignee_id=case.assigned_to_id)


def plan_opening_deadlines(case: Case):
    """At referral: the first decision target and, for a child, the guardian deadline."""
    jurisdiction = _jurisdiction(case)
    due = jurisdictions.add_days(case.referred_at, jurisdiction.first_decision_target_days,
                                 jurisdiction.first_decision_working_days)
    plan_deadline(case.id, "first_decision_target", due, remind_days=(2, 1),
                  assignee_id=case.assigned_to_id)
    plan_adult_transition(case)
    if case.is_child and case.guardian_appointed_at is None:
        _plan_guardian_deadline(case, case.referred_at)


def _plan_guardian_deadline(case: Case, start):
    """CH-3: a child's guardian is appointed within the jurisdiction's days, with a
    reminder the day before."""
    plan_deadline(case.id, "guardian_appointment",
                  start + timedelta(days=_jurisdiction(case).guardian_deadline_days),
                  remind_days=(1,), risk=2, assignee_id=case.assigned_to_id)


def plan_reflection_end(case: Case):
    """RP-3: the end of the period is a deadline with reminders before it."""
    jurisdiction = _jurisdiction(case)
    plan_deadline(case.id, "reflection_end", case.reflection_ends_at,
                  remind_days=jurisdiction.reflection_reminder_days, risk=2,
                  assignee_id=case.assigned_to_id)


def extend_reflection_period(actor, case: Case, *, days: int, reason: str):
    """RP-1: the period can be extended with reasons, never shortened."""
    access.require(access.can_edit_case(actor, case))
    if case.nrm_state != "reflection_period":
        raise Refused("RP-1", N_("only a running reflection period can be extended"))
    if not isinstance(days, int) or days < 1:
        raise Invalid("days", N_("extend by at least one day; the period is never shortened"))
    _require_text(reason, "reason", N_("an extension records its reasons"))
    case.reflection_ends_at = case.reflection_ends_at + timedelta(days=days)
    plan_reflection_end(case)
    record(actor, "case.reflection_extended", "case", case.id, case_id=case.id,
           purpose="case management", details={"days": days})
    return case


def decisions_of(case) -> list[Decision]:
    """Decisions on the case, oldest first, superseded ones included (ID-5)."""
    return db.session.scalars(select(Decision).where(Decision.case_id == case.id)
                              .order_by(Decision.decided_at)).all()


def decide_review(actor, case, decision_id, **fields) -> Decision:
    """Decide a requested review (ID-6): upheld (the negative is final) or overturned. Only a
    decision whose review was requested can be decided."""
    reviewed = _decision_of(case, decision_id)
    if reviewed.review_requested_at is None:
        raise Refused("ID-6", N_("no review was requested for this decision"))
    fields["kind"] = "review"
    return record_decision(actor, case, review_of=reviewed, **fields)


def letter_languages() -> tuple:
    """The letter is written with the pages' catalogs: every language shipped has it."""
    from ..i18n import LANGUAGES
    return tuple(LANGUAGES)


def decision_letter(actor, case, decision_id) -> dict:
    """NRM-2: the letter served on the person in their language. For a negative
    identification decision it states the right to ask for reconsideration and the last day
    to ask."""
    from flask import render_template
    from flask_babel import force_locale, format_date

    from ..i18n import person_language, text_direction
    decision = _decision_of(case, decision_id)
    if decision.kind not in IDENTIFICATION_KINDS:
        raise Refused("NRM-2", N_("letters are written for identification decisions"))
    lang = person_language(case.person, letter_languages())
    with force_locale(lang):
        html = render_template("cases/decision_letter.html", case=case, decision=decision,
                               lang=lang, direction=text_direction(lang),
                               format_date=format_date, move_on_ends_at=case.move_on_ends_at
                               if decision.outcome == "positive" else None)
    record(actor, "decision.letter", "decision", decision.id, case_id=case.id,
           purpose="identification and protection")
    return {"decision_id": decision.id, "language": lang, "outcome": decision.outcome,
            "reconsideration_deadline": decision.review_deadline
            if decision.outcome == "negative" else None, "html": html}
