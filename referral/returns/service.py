"""Return and reintegration rules."""
from sqlalchemy import bindparam, select

from workflows import jurisdictions

from ..audit.service import record
from ..cases import access
from ..cases.facts import register_facts
from ..cases.service import apply_transition
from ..database import utcnow
from ..errors import Invalid, NotFound, Refused
from ..extensions import db
from ..labels import N_
from ..reminders.models import Deadline, DeadlineStatus
from ..reminders.service import meet_deadline, plan_deadline
from .models import (MISSED_REASONS, OUTCOMES, RISK_LEVELS, CheckIn, ReintegrationPlan,
                     ReturnAssessment, ReturnRequest)

REQUIRED_CHECKS = {
    "risk_retaliation": "a retaliation risk assessment",
    "risk_retrafficking": "a re-trafficking risk assessment",
    "risk_stigma": "a stigma risk assessment",
    "non_refoulement_checked": "a non-refoulement check",
    "asylum_information_given": "information on asylum",
    "open_proceedings_checked": "a check of open proceedings",
}


def current_return(case) -> ReturnRequest | None:
    return db.session.scalars(_CURRENT_RETURN, {"case_id": case.id}).first()


# Built once: the return track's facts run it on every look at a case's transitions.
_CURRENT_RETURN = (select(ReturnRequest)
                   .where(ReturnRequest.case_id == bindparam("case_id"),
                          ReturnRequest.closed_at.is_(None))
                   .order_by(ReturnRequest.requested_at.desc()).limit(1))


def request_return(actor, case, *, destination_country, person_words,
                   receiving_organisation=None) -> ReturnRequest:
    """RR-1: the person asks, for themselves; one person per return."""
    access.require(access.can_edit_case(actor, case))
    if not (person_words or "").strip():
        raise Invalid("person_words", N_("record the request in the person's own words"))
    if current_return(case) is not None:
        raise Refused("RR-1", N_("this person already has a return request open"))
    row = ReturnRequest(case_id=case.id, destination_country=destination_country,
                        person_words=person_words.strip(),
                        receiving_organisation=receiving_organisation)
    db.session.add(row)
    db.session.flush()
    apply_transition(actor, case, "return", "request", via="return",
                     reason="the person asked to return")
    record(actor, "return.request", "return_request", row.id, case_id=case.id,
           purpose="return")
    return row


def assess(actor, request: ReturnRequest, **checks) -> ReturnAssessment:
    """Who may: ``access.get_return_for`` (the case's agency)."""
    case = request.case
    for key in ("risk_retaliation", "risk_retrafficking", "risk_stigma"):
        if checks.get(key) is not None and checks[key] not in RISK_LEVELS:
            raise Invalid(key, N_("one of %(choices)s"), {"choices": ", ".join(RISK_LEVELS)})
    assessment = ReturnAssessment(return_id=request.id, assessed_by_id=actor.id, **checks)
    db.session.add(assessment)
    db.session.flush()
    db.session.refresh(request)
    record(actor, "return.assess", "return_assessment", assessment.id, case_id=case.id,
           purpose="return")
    if case.return_state == "requested" and _allowed(case, "assess"):
        apply_transition(actor, case, "return", "assess", via="return",
                         reason="assessment complete")
    return assessment


def _allowed(case, event) -> bool:
    """Whether the return track would take ``event`` now (no side effects)."""
    import workflows
    from ..cases.facts import facts_for
    track = workflows.tracks()["return"]
    _, refusal = workflows.evaluate(track, case.return_state, event, facts_for(case, "return"))
    return refusal is None


def return_step(actor, request: ReturnRequest, step, reason=None, facts=None):
    if step not in ("approve", "refuse", "travel", "withdraw", "start_follow_up"):
        raise NotFound("step")
    case = apply_transition(actor, request.case_id, "return", step, via="return", reason=reason,
                            facts=facts)
    if step in ("refuse", "withdraw"):
        request.closed_at = utcnow()
    return case


@register_facts(tracks=("return",))
def return_facts(case) -> dict:
    from ..legal.service import asylum_claim_pending
    request = current_return(case)
    latest = request.latest_assessment if request else None
    missing = [label for field, label in REQUIRED_CHECKS.items()
               if latest is None or not getattr(latest, field)]
    return {
        "requested_by_person": bool(request and request.requested_by_person),
        "return_checks_missing": missing,
        "asylum_claim_pending": asylum_claim_pending(case),
        "best_interests_determined": bool(latest and (latest.best_interests_determination
                                                      or "").strip()),
        "family_tracing_done": bool(latest and latest.family_tracing_done
                                    and latest.family_involved in ("yes", "no")),
    }


def create_plan(actor, case, *, outcome, wellbeing, economic, social, cultural, political):
    """RR-3, RR-4: a plan in the person's words, for return, local integration or
    resettlement alike, and the check-in schedule that outlasts assistance."""
    access.require(access.can_edit_case(actor, case))
    if outcome not in OUTCOMES:
        raise Invalid("outcome", N_("one of %(choices)s"), {"choices": ", ".join(OUTCOMES)})
    areas = {"wellbeing": wellbeing, "economic": economic, "social": social,
             "cultural": cultural, "political": political}
    for field, value in areas.items():
        if not (value or "").strip():
            raise Invalid(field, N_("write the person's own words for every area (or that they "
                                    "chose not to say)"))
    plan = ReintegrationPlan(case_id=case.id, outcome=outcome,
                             **{k: v.strip() for k, v in areas.items()})
    db.session.add(plan)
    db.session.flush()
    now = utcnow()
    for months in jurisdictions.for_case(case).checkin_months:
        plan_deadline(case.id, "reintegration_checkin", jurisdictions.add_months(now, months),
                      source_key=f"{months}m", remind_days=(7,),
                      assignee_id=case.assigned_to_id)
    record(actor, "reintegration.plan", "reintegration_plan", plan.id, case_id=case.id,
           purpose="reintegration")
    return plan


def record_checkin(actor, case, *, held, missed_reason=None, inclusion_notes=None):
    """RR-4: a missed check-in records a coded reason and escalates."""
    access.require(access.can_edit_case(actor, case))
    if not held and missed_reason not in MISSED_REASONS:
        raise Invalid("missed_reason", N_("one of %(choices)s"),
                      {"choices": ", ".join(MISSED_REASONS)})
    due = db.session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "reintegration_checkin",
        Deadline.status == DeadlineStatus.pending).order_by(Deadline.due_at).limit(1)).first()
    checkin = CheckIn(case_id=case.id, schedule_key=due.source_key if due else None,
                      held=held, missed_reason=None if held else missed_reason,
                      inclusion_notes=inclusion_notes)
    db.session.add(checkin)
    db.session.flush()
    if due is not None:
        meet_deadline(case.id, "reintegration_checkin", due.source_key)
    if not held:
        plan_deadline(case.id, "missed_checkin", utcnow(), source_key=str(checkin.id),
                      remind_days=(), risk=2, assignee_id=case.assigned_to_id)
    record(actor, "reintegration.checkin", "check_in", checkin.id, case_id=case.id,
           purpose="reintegration", details={"held": held, "missed_reason": missed_reason})
    return checkin
