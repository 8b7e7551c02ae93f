"""The individual assistance plan: the rules. Pages, API and the stage-change listener call
these; they flush, the request (or task) boundary commits.

- SVC-02 a needs assessment over every domain, in the person's words with their priority,
  repeatable; a goal answers a need of the latest assessment, never a fixed package.
- SVC-03 an immediate danger raises a flag that escalates to a supervisor at once (a safety
  follow-up, risk 3, sent exactly once like every reminder) and stays until cleared with a
  reason.
- RTF-01 a re-trafficking risk assessment is on file before the plan is agreed.
- CNS-12 the plan is agreed with the person: no plan is in force without a participation
  record (present, agreed or not and with which goals, in their words and language); each
  agreement and review is a version kept as it was. Reviews fall due at the jurisdiction's
  interval and after each change of NRM stage.
- CNS-13 feedback and complaints, at any time or at closure, routed to a supervisor and
  counted in statistics without identifying anyone.

Every free text is sealed at rest; every read and write of it is audited.
"""
import json
import logging
import uuid
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

import workflows.plans as rules
from workflows import jurisdictions

from ..accounts.models import Agency, Role, User, UserRole
from ..audit.service import record
from ..cases.models import Case, Person
from ..database import utcnow
from ..errors import Invalid, Refused
from ..extensions import db
from ..labels import N_
from ..privacy.service import register_person_section
from ..reminders.models import Deadline, DeadlineStatus
from ..reminders.service import cancel_deadlines, meet_deadline, plan_deadline, process_due
from ..signals import transition_applied
from . import access
from .models import (AssistancePlan, DangerFlag, NeedItem, NeedsAssessment, PersonFeedback,
                     PlanAction, PlanGoal, PlanVersion, RiskAssessment)

logger = logging.getLogger(__name__)

PURPOSE = "assistance plan"
MAX_TEXT = 5000
# A due date, review date or next review given as a day falls due at noon UTC that day.
DUE_TIME = time(12, 0, tzinfo=timezone.utc)


# ---- small checks -----------------------------------------------------------------------

def _text(value, field, *, required=True, message=N_("is required")) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise Invalid(field, message)
        return None
    if len(value) > MAX_TEXT:
        raise Invalid(field, N_("at most %(count)s characters"), {"count": MAX_TEXT})
    return value


def _code(value, choices, field) -> str:
    if value not in choices:
        raise Invalid(field, N_("one of %(choices)s"), {"choices": ", ".join(choices)})
    return value


def _day(value, field, *, required=True) -> datetime | None:
    """A day from today on, as the moment it falls due."""
    if value is None:
        if required:
            raise Invalid(field, N_("is required"))
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise Invalid(field, N_("a date"))
    if value < utcnow().date():
        raise Invalid(field, N_("a date from today on"))
    return datetime.combine(value, DUE_TIME)


def _language(value, field="language") -> str:
    value = _text(value, field, message=N_("say which language the person used"))
    if len(value) > 40:
        raise Invalid(field, N_("at most %(count)s characters"), {"count": 40})
    return value


def _actor_id(actor):
    return getattr(actor, "id", None)


# ---- needs (SVC-02) -----------------------------------------------------------------------

def latest_needs(case_id) -> NeedsAssessment | None:
    return db.session.scalars(select(NeedsAssessment).where(NeedsAssessment.case_id == case_id)
                              .order_by(NeedsAssessment.assessed_at.desc()).limit(1)).first()


def assess_needs(actor, case, *, items: dict, language, interpreter_used=False
                 ) -> NeedsAssessment:
    """A new needs assessment over every domain. Each domain has the priority the person
    gives it; a need (urgent to low) is written in the person's own words. Earlier
    assessments stay as they were."""
    access.require_edit(actor, case)
    items = dict(items or {})
    unknown = sorted(set(items) - set(rules.NEED_DOMAINS))
    if unknown:
        raise Invalid("items", N_("unknown domains: %(domains)s; the domains are %(choices)s"),
                      {"domains": ", ".join(unknown),
                       "choices": ", ".join(rules.NEED_DOMAINS)})
    missing = [d for d in rules.NEED_DOMAINS if d not in items]
    if missing:
        raise Invalid("items", N_("every domain is assessed (%(domains)s missing); a domain "
                                  "not talked about is 'not_discussed'"),
                      {"domains": ", ".join(missing)})
    assessment = NeedsAssessment(case_id=case.id, language=_language(language),
                                 interpreter_used=bool(interpreter_used),
                                 assessed_by_id=_actor_id(actor))
    for position, domain in enumerate(rules.NEED_DOMAINS):
        item = items[domain] or {}
        field = f"items.{domain}"
        priority = _code(item.get("priority"), tuple(rules.PRIORITIES), f"{field}.priority")
        words = _text(item.get("person_words"), f"{field}.person_words",
                      required=priority in rules.PRIORITIES_WITH_NEED,
                      message=N_("write the need in the person's own words"))
        assessment.items.append(NeedItem(domain=domain, position=position, priority=priority,
                                         person_words=words,
                                         notes=_text(item.get("notes"), f"{field}.notes",
                                                     required=False)))
    db.session.add(assessment)
    db.session.flush()
    record(actor, "needs.assess", "needs_assessment", assessment.id, case_id=case.id,
           purpose=PURPOSE)
    return assessment


def needs_to_plan_for(actor, case) -> list[NeedItem]:
    """The needs of the latest assessment a goal may answer (the read is audited)."""
    latest = latest_needs(case.id)
    if latest is None:
        return []
    record(actor, "needs.read", "needs_assessment", latest.id, case_id=case.id,
           purpose=PURPOSE)
    return [i for i in latest.items if i.priority in rules.PRIORITIES_WITH_NEED]


def needs_history(actor, case) -> list[NeedsAssessment]:
    rows = db.session.scalars(select(NeedsAssessment).where(NeedsAssessment.case_id == case.id)
                              .order_by(NeedsAssessment.assessed_at.desc())).all()
    record(actor, "needs.read", "case", case.id, case_id=case.id, purpose=PURPOSE,
           details={"count": len(rows)})
    return rows


# ---- risks, the safety plan and the immediate-danger flag (SVC-03) --------------------------

def latest_risk(case_id) -> RiskAssessment | None:
    return db.session.scalars(select(RiskAssessment).where(RiskAssessment.case_id == case_id)
                              .order_by(RiskAssessment.assessed_at.desc()).limit(1)).first()


def assess_risk(actor, case, *, risks: dict, person_view=None, notes=None,
                immediate_danger=False, danger_reason=None, safety_measures=(),
                safety_plan=None, safety_review_on=None) -> RiskAssessment:
    """A risk assessment and the safety plan agreed against the risks. An immediate danger
    raises the flag (and its escalation) in the same step."""
    access.require_edit(actor, case)
    risks = dict(risks or {})
    levels = {name: _code(risks.get(name), tuple(rules.RISK_LEVELS), f"risks.{name}")
              for name in rules.RISKS}
    measures = list(dict.fromkeys(safety_measures or ()))
    for measure in measures:
        _code(measure, tuple(rules.SAFETY_MEASURES), "safety_measures")
    review_at = _day(safety_review_on, "safety_review_on", required=False)
    reason = _text(danger_reason, "danger_reason", required=bool(immediate_danger),
                   message=N_("say what the danger is"))
    assessment = RiskAssessment(
        case_id=case.id, risk_traffickers=levels["traffickers"],
        risk_retrafficking=levels["retrafficking"], risk_self_harm=levels["self_harm"],
        risk_family=levels["family"],
        person_view=_text(person_view, "person_view", required=False),
        notes=_text(notes, "notes", required=False), immediate_danger=bool(immediate_danger),
        safety_measures=measures, safety_plan=_text(safety_plan, "safety_plan", required=False),
        safety_review_at=review_at, assessed_by_id=_actor_id(actor))
    db.session.add(assessment)
    db.session.flush()
    record(actor, "risk.assess", "risk_assessment", assessment.id, case_id=case.id,
           purpose=PURPOSE, details={"immediate_danger": bool(immediate_danger)})
    if review_at is not None:
        plan_deadline(case.id, "safety_plan_review", review_at, remind_days=(1,), risk=2,
                      assignee_id=case.assigned_to_id)
    if immediate_danger and open_flag(case.id) is None:
        raise_danger(actor, case, reason=reason, risk_assessment_id=assessment.id)
    return assessment


def risk_history(actor, case) -> list[RiskAssessment]:
    rows = db.session.scalars(select(RiskAssessment).where(RiskAssessment.case_id == case.id)
                              .order_by(RiskAssessment.assessed_at.desc())).all()
    record(actor, "risk.read", "case", case.id, case_id=case.id, purpose=PURPOSE,
           details={"count": len(rows)})
    return rows


def open_flag(case_id) -> DangerFlag | None:
    return db.session.scalar(select(DangerFlag).where(DangerFlag.case_id == case_id,
                                                      DangerFlag.cleared_at.is_(None)))


def raise_danger(actor, case, *, reason, risk_assessment_id=None) -> DangerFlag:
    """SVC-03: the person is in immediate danger. The flag is a safety follow-up (risk 3,
    no grace): its overdue notice goes to the caseworker and its escalation to a supervisor
    in this same step, each exactly once (the reminders' own guarantee), and it stays on
    the case file and the homes until cleared with a reason."""
    access.require_edit(actor, case)
    reason = _text(reason, "reason", message=N_("say what the danger is"))
    if open_flag(case.id) is not None:
        raise Invalid("reason", N_("an immediate-danger flag is already open on this case; "
                                   "clear it with a reason before raising another"))
    flag = DangerFlag(case_id=case.id, reason=reason, raised_by_id=_actor_id(actor),
                      risk_assessment_id=risk_assessment_id)
    db.session.add(flag)
    db.session.flush()
    now = utcnow()
    row = plan_deadline(case.id, "immediate_danger", now, source_key=str(flag.id),
                        remind_days=(), risk=rules.DANGER_RISK,
                        assignee_id=case.assigned_to_id or _actor_id(actor))
    process_due(row, now)  # at once: not at the next sweep
    db.session.flush()
    record(actor, "danger.raise", "danger_flag", flag.id, case_id=case.id, purpose=PURPOSE)
    logger.info("immediate danger flagged on case %s", case.id)
    return flag


def clear_danger(actor, flag: DangerFlag, *, reason) -> DangerFlag:
    case = access.case_of(flag.case_id)
    access.require_edit(actor, case)
    reason = _text(reason, "reason", message=N_("say why the danger is over or handled"))
    if flag.cleared_at is not None:
        raise Invalid("flag", N_("this flag is already cleared"))
    flag.clear_reason = reason
    flag.cleared_at = utcnow()
    flag.cleared_by_id = _actor_id(actor)
    meet_deadline(case.id, "immediate_danger", str(flag.id))
    record(actor, "danger.clear", "danger_flag", flag.id, case_id=case.id, purpose=PURPOSE)
    return flag


# ---- the plan: goals and actions -----------------------------------------------------------

def plan_of(case_id) -> AssistancePlan | None:
    return db.session.scalar(select(AssistancePlan).where(AssistancePlan.case_id == case_id))


def _plan_to_change(actor, case) -> AssistancePlan:
    plan = plan_of(case.id)
    if plan is None:
        plan = AssistancePlan(case_id=case.id, created_by_id=_actor_id(actor))
        db.session.add(plan)
        db.session.flush()
        record(actor, "plan.create", "assistance_plan", plan.id, case_id=case.id,
               purpose=PURPOSE)
    if plan.status == "closed":
        raise Invalid("plan", N_("the plan is closed with the case"))
    return plan


def add_goal(actor, case, *, domain, goal, horizon="short", action: dict | None = None
             ) -> PlanGoal:
    """A goal in the person's words, answering a need they have in their latest needs
    assessment (SVC-02), with its first action if one is given."""
    access.require_edit(actor, case)
    domain = _code(domain, tuple(rules.NEED_DOMAINS), "domain")
    horizon = _code(horizon, tuple(rules.GOAL_HORIZONS), "horizon")
    words = _text(goal, "goal", message=N_("write the goal in the person's own words"))
    needs = latest_needs(case.id)
    item = next((i for i in needs.items if i.domain == domain), None) if needs else None
    if item is None:
        raise Refused("SVC-02", N_("assess the person's needs before planning for them"))
    if item.priority not in rules.PRIORITIES_WITH_NEED:
        raise Refused("SVC-02", N_("the person's latest needs assessment records no need in "
                                   "this domain; a goal answers a need the person has"))
    plan = _plan_to_change(actor, case)
    row = PlanGoal(plan=plan, case_id=case.id, need_item_id=item.id, domain=domain,
                   goal=words, horizon=horizon, created_by_id=_actor_id(actor))
    db.session.add(row)
    db.session.flush()
    record(actor, "plan.goal_add", "plan_goal", row.id, case_id=case.id, purpose=PURPOSE)
    if action:
        add_action(actor, row, **action)
    return row


def _owner(case, owner_kind, agency_id, provider_id, referral_id):
    """(owner agency id, provider id, referral id) for the owner, checked."""
    from ..services.models import Provider, Referral
    _code(owner_kind, tuple(rules.OWNER_KINDS), "owner_kind")
    given = {"agency": agency_id, "provider": provider_id, "referral": referral_id}
    for kind, value in given.items():
        if value and kind != owner_kind:
            raise Invalid(f"{kind}_id", N_("only for an action given to a %(kind)s"),
                          {"kind": kind})
    if owner_kind == "agency":
        agency = db.session.get(Agency, _id_or_invalid(agency_id, "agency_id"))
        if agency is None:
            raise Invalid("agency_id", N_("no such organisation"))
        return agency.id, None, None
    if owner_kind == "provider":
        provider = db.session.get(Provider, _id_or_invalid(provider_id, "provider_id"))
        if provider is None:
            raise Invalid("provider_id", N_("no such provider"))
        return provider.agency_id, provider.id, None
    if owner_kind == "referral":
        referral = db.session.get(Referral, _id_or_invalid(referral_id, "referral_id"))
        if referral is None or referral.case_id != case.id:
            raise Invalid("referral_id", N_("a referral of this case"))
        if referral.status not in Referral.OPEN:
            raise Invalid("referral_id", N_("a referral still open (requested or accepted)"))
        return referral.provider.agency_id, None, referral.id
    return None, None, None


def _id_or_invalid(value, field) -> uuid.UUID:
    if not value:
        raise Invalid(field, N_("is required"))
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Invalid(field, N_("is not a valid id")) from None


def add_action(actor, goal: PlanGoal, *, description, owner_kind, agency_id=None,
               provider_id=None, referral_id=None, due_on=None, review_on=None
               ) -> PlanAction:
    """An action towards a goal: what, who (an agency, a provider, a referral, the caseworker
    or the person), by when, and when to look at it again. The due and review dates are
    follow-ups for the case's caseworker, whoever carries the action out."""
    case = access.case_of(goal.case_id)
    access.require_edit(actor, case)
    if goal.status != rules.OPEN_GOAL:
        raise Invalid("goal", N_("the goal is closed; set a new goal"))
    _plan_to_change(actor, case)
    text = _text(description, "description", message=N_("say what will be done"))
    owner_agency_id, provider, referral = _owner(case, owner_kind, agency_id, provider_id,
                                                 referral_id)
    due_at = _day(due_on, "due_on")
    review_at = _day(review_on, "review_on", required=False)
    if review_at is not None and review_at > due_at:
        raise Invalid("review_on", N_("on or before the due date"))
    action = PlanAction(goal=goal, case_id=case.id, description=text,
                        owner_kind=owner_kind, owner_agency_id=owner_agency_id,
                        provider_id=provider, referral_id=referral,
                        assignee_id=case.assigned_to_id, due_at=due_at, review_at=review_at,
                        created_by_id=_actor_id(actor))
    db.session.add(action)
    db.session.flush()
    plan_deadline(case.id, "plan_action_due", due_at, source_key=str(action.id),
                  assignee_id=case.assigned_to_id)
    if review_at is not None:
        plan_deadline(case.id, "plan_action_review", review_at, source_key=str(action.id),
                      remind_days=(1,), assignee_id=case.assigned_to_id)
    record(actor, "plan.action_add", "plan_action", action.id, case_id=case.id,
           purpose=PURPOSE, details={"owner_kind": owner_kind})
    return action


def set_action_status(actor, action: PlanAction, *, status, note=None) -> PlanAction:
    """The case's staff, or the organisation carrying the action out, say how it stands.
    Closing it meets (done) or cancels its follow-ups."""
    if not access.is_action_owner(actor, action):
        access.require_edit(actor, access.case_of(action.case_id))
    status = _code(status, tuple(rules.ACTION_STATUSES), "status")
    note = _text(note, "note", required=status in rules.ACTION_STATUSES_NEEDING_A_NOTE,
                 message=N_("say why"))
    if action.status not in rules.OPEN_ACTION_STATUSES:
        raise Invalid("status", N_("the action is already closed"))
    action.status = status
    if note is not None:
        action.status_note = note
    if status not in rules.OPEN_ACTION_STATUSES:
        _close_action_follow_ups(action, met=status == "done")
    record(actor, "plan.action_status", "plan_action", action.id, case_id=action.case_id,
           purpose=PURPOSE, details={"status": status})
    return action


def _close_action_follow_ups(action, *, met: bool):
    for kind in ("plan_action_due", "plan_action_review"):
        if met:
            meet_deadline(action.case_id, kind, str(action.id))
        else:
            cancel_deadlines(action.case_id, kind, str(action.id))


def set_goal_status(actor, goal: PlanGoal, *, status, note=None) -> PlanGoal:
    """A goal achieved or dropped; its open actions are cancelled with it."""
    case = access.case_of(goal.case_id)
    access.require_edit(actor, case)
    status = _code(status, tuple(rules.GOAL_STATUSES), "status")
    if status == rules.OPEN_GOAL or goal.status != rules.OPEN_GOAL:
        raise Invalid("status", N_("an open goal is marked achieved or dropped"))
    goal.status = status
    goal.status_note = _text(note, "note", required=status == "dropped",
                             message=N_("say why the goal is dropped"))
    goal.closed_at = utcnow()
    for action in goal.actions:
        if action.status in rules.OPEN_ACTION_STATUSES:
            action.status = "cancelled"
            _close_action_follow_ups(action, met=False)
    record(actor, "plan.goal_status", "plan_goal", goal.id, case_id=case.id, purpose=PURPOSE,
           details={"status": status})
    return goal


# ---- agreeing and reviewing the plan with the person (CNS-12) -------------------------------

def record_agreement(actor, case, *, person_present, agreement, person_words, language,
                     interpreter_used=False, disagreed_goals=(), next_review_on=None
                     ) -> PlanVersion:
    """The plan agreed (first) or reviewed with the person: a new version, kept as it was,
    with the person's participation; the next review falls due within the jurisdiction's
    interval."""
    access.require_edit(actor, case)
    plan = plan_of(case.id)
    if plan is None or not plan.goals:
        raise Invalid("plan", N_("set at least one goal with the person first"))
    if plan.status == "closed":
        raise Invalid("plan", N_("the plan is closed with the case"))
    first = plan.status == "draft"
    agreement = _code(agreement, tuple(rules.AGREEMENT), "agreement")
    words = _text(person_words, "person_words",
                  message=N_("write what the person said about the plan, in their words"))
    language = _language(language)
    if first and not person_present:
        raise Refused("CNS-12", N_("a plan is agreed with the person: it cannot come into "
                                   "force without them taking part"))
    if first and agreement == "disagreed":
        raise Refused("CNS-12", N_("the person does not agree with this plan: change it with "
                                   "them before it comes into force"))
    if first and latest_risk(case.id) is None:
        raise Refused("RTF-01", N_("assess the risks, re-trafficking included, before the "
                                   "plan is agreed"))
    goal_ids = {str(g.id) for g in plan.goals}
    disagreed = list(dict.fromkeys(str(g) for g in disagreed_goals or ()))
    if set(disagreed) - goal_ids:
        raise Invalid("disagreed_goals", N_("goals of this plan"))
    if agreement == "agreed" and disagreed:
        raise Invalid("disagreed_goals", N_("the person agrees with the whole plan: no goal "
                                            "is disagreed with"))
    if agreement == "agreed_in_part" and not disagreed:
        raise Invalid("disagreed_goals", N_("say which goals the person does not agree with"))
    jurisdiction = jurisdictions.for_case(case)
    now = utcnow()
    latest = now + timedelta(days=jurisdiction.plan_review_days)
    next_review_at = _day(next_review_on, "next_review_on", required=False) or latest
    if next_review_at > latest + timedelta(days=1):
        raise Invalid("next_review_on", N_("within %(days)s days: the jurisdiction's review "
                                           "interval"), {"days": jurisdiction.plan_review_days})
    plan.current_version += 1
    version = PlanVersion(
        plan_id=plan.id, case_id=case.id, number=plan.current_version,
        reason="agreed" if first else "review", person_present=bool(person_present),
        agreement=agreement, person_words=words, disagreed_goals=disagreed,
        language=language, interpreter_used=bool(interpreter_used),
        content=json.dumps(_snapshot(plan), ensure_ascii=False), next_review_at=next_review_at,
        rule_version=jurisdiction.rule_version, recorded_by_id=_actor_id(actor))
    db.session.add(version)
    if first:
        plan.status = "active"
        plan.activated_at = now
    plan.next_review_at = next_review_at
    plan.review_reason = "interval"
    db.session.flush()
    plan_deadline(case.id, "plan_review", next_review_at, source_key=str(plan.id),
                  assignee_id=case.assigned_to_id, details={"reason": "interval"})
    record(actor, "plan.version", "plan_version", version.id, case_id=case.id,
           purpose=PURPOSE, details={"number": version.number, "reason": version.reason,
                                     "agreement": agreement})
    return version


def _snapshot(plan) -> dict:
    return {"goals": [{
        "id": str(g.id), "domain": g.domain, "goal": g.goal, "horizon": g.horizon,
        "status": g.status,
        "actions": [{"id": str(a.id), "description": a.description,
                     "owner_kind": a.owner_kind, "owner": owner_name(a),
                     "due_on": a.due_at.date().isoformat(),
                     "review_on": a.review_at.date().isoformat() if a.review_at else None,
                     "status": a.status} for a in g.actions]}
        for g in plan.goals]}


def owner_name(action: PlanAction) -> str | None:
    """The organisation carrying the action out, by name (organisations are not third-party
    individuals)."""
    if action.provider is not None:
        return action.provider.name
    if action.owner_agency is not None:
        return action.owner_agency.name
    if action.referral_id is not None:
        from ..services.models import Referral
        referral = db.session.get(Referral, action.referral_id)
        return referral.provider.name if referral else None
    return None


def versions_of(actor, case) -> list[PlanVersion]:
    rows = db.session.scalars(select(PlanVersion).where(PlanVersion.case_id == case.id)
                              .order_by(PlanVersion.number.desc())).all()
    record(actor, "plan_version.list", "case", case.id, case_id=case.id, purpose=PURPOSE,
           details={"count": len(rows)})
    return rows


def version_view(actor, version: PlanVersion) -> dict:
    """One version as it was agreed, opened (and the read audited)."""
    record(actor, "plan_version.read", "plan_version", version.id, case_id=version.case_id,
           purpose=PURPOSE)
    return {"id": version.id, "number": version.number, "reason": version.reason,
            "recorded_at": version.recorded_at, "person_present": version.person_present,
            "agreement": version.agreement, "person_words": version.person_words,
            "disagreed_goals": version.disagreed_goals, "language": version.language,
            "interpreter_used": version.interpreter_used,
            "next_review_at": version.next_review_at, "rule_version": version.rule_version,
            "content": json.loads(version.content or "{}")}


@transition_applied.connect
def review_on_stage_change(case, *, track, transition, from_state, actor, **_):
    """CNS-12: a change of NRM stage brings the plan's review forward (within the
    jurisdiction's days); closing the case closes the plan (its follow-ups are cancelled by
    the case)."""
    if track != "nrm" or transition.dst == from_state:
        return
    plan = plan_of(case.id)
    if plan is None or plan.status == "closed":
        return
    now = utcnow()
    if transition.dst == "closed":
        plan.status, plan.closed_at = "closed", now
        record(actor, "plan.close", "assistance_plan", plan.id, case_id=case.id,
               purpose=PURPOSE, details={"stage": transition.dst})
        return
    if plan.status != "active":
        return
    days = jurisdictions.for_case(case).plan_stage_review_days
    due = now + timedelta(days=days)
    if plan.next_review_at is not None and plan.next_review_at <= due:
        return  # already due sooner
    plan.next_review_at, plan.review_reason = due, "stage_change"
    plan_deadline(case.id, "plan_review", due, source_key=str(plan.id),
                  assignee_id=case.assigned_to_id,
                  details={"reason": "stage_change", "stage": transition.dst})
    record(actor, "plan.review_due", "assistance_plan", plan.id, case_id=case.id,
           purpose=PURPOSE, details={"reason": "stage_change", "stage": transition.dst})


# ---- reading the plan ------------------------------------------------------------------------

def plan_view(actor, case) -> dict:
    """Everything of the plan for the case's staff, opened; the read is audited."""
    plan = plan_of(case.id)
    needs = latest_needs(case.id)
    risk = latest_risk(case.id)
    flag = open_flag(case.id)
    record(actor, "plan.read", "assistance_plan" if plan else "case",
           plan.id if plan else case.id, case_id=case.id, purpose=PURPOSE)
    return {
        "case_id": case.id,
        "status": plan.status if plan else None,
        "current_version": plan.current_version if plan else 0,
        "activated_at": plan.activated_at if plan else None,
        "next_review_at": plan.next_review_at if plan else None,
        "review_reason": plan.review_reason if plan else None,
        "review_due": _review_due(plan),
        "review_interval_days": jurisdictions.for_case(case).plan_review_days,
        "danger": flag_view(flag) if flag else None,
        "needs": needs_view(needs) if needs else None,
        "risk": risk_view(risk) if risk else None,
        "goals": [goal_view(g) for g in (plan.goals if plan else [])],
    }


def _review_due(plan) -> bool:
    return bool(plan and plan.status == "active" and plan.next_review_at
                and plan.next_review_at <= utcnow())


def needs_view(assessment: NeedsAssessment) -> dict:
    return {"id": assessment.id, "assessed_at": assessment.assessed_at,
            "language": assessment.language, "interpreter_used": assessment.interpreter_used,
            "items": [{"domain": i.domain, "priority": i.priority,
                       "person_words": i.person_words, "notes": i.notes}
                      for i in assessment.items]}


def risk_view(assessment: RiskAssessment) -> dict:
    return {"id": assessment.id, "assessed_at": assessment.assessed_at,
            "risks": {"traffickers": assessment.risk_traffickers,
                      "retrafficking": assessment.risk_retrafficking,
                      "self_harm": assessment.risk_self_harm,
                      "family": assessment.risk_family},
            "person_view": assessment.person_view, "notes": assessment.notes,
            "immediate_danger": assessment.immediate_danger,
            "safety_measures": assessment.safety_measures,
            "safety_plan": assessment.safety_plan,
            "safety_review_at": assessment.safety_review_at}


def flag_view(flag: DangerFlag) -> dict:
    return {"id": flag.id, "reason": flag.reason, "raised_at": flag.raised_at,
            "cleared_at": flag.cleared_at, "clear_reason": flag.clear_reason}


def goal_view(goal: PlanGoal) -> dict:
    return {"id": goal.id, "domain": goal.domain, "goal": goal.goal, "horizon": goal.horizon,
            "status": goal.status, "status_note": goal.status_note,
            "created_at": goal.created_at,
            "actions": [action_view(a) for a in goal.actions]}


def read_goal(actor, goal: PlanGoal) -> dict:
    record(actor, "plan.goal_read", "plan_goal", goal.id, case_id=goal.case_id,
           purpose=PURPOSE)
    return goal_view(goal)


def action_view(action: PlanAction) -> dict:
    return {"id": action.id, "goal_id": action.goal_id, "description": action.description,
            "owner_kind": action.owner_kind, "owner": owner_name(action),
            "due_at": action.due_at, "review_at": action.review_at, "status": action.status,
            "status_note": action.status_note}


def owned_actions(actor, *, open_only=True, limit=200) -> list[dict]:
    """The owner's view: the actions given to the actor's organisation and nothing else of
    the plan (not the needs, the risks or the goals). Whom an action is for: the case
    reference, except for a shelter, which never sees references (SH-3) and sees the name of
    a person staying with it, as its residents list does. Each read is audited."""
    query = access.owned_actions_query(actor)
    if open_only:
        query = query.where(PlanAction.status.in_(rules.OPEN_ACTION_STATUSES))
    rows = db.session.execute(query.add_columns(Case.reference)
                              .join(Case, Case.id == PlanAction.case_id)
                              .order_by(PlanAction.due_at).limit(limit)).all()
    shelter = actor.has_role(Role.shelter_staff)
    residents = _residents(actor, {a.case_id for a, _ in rows}) if shelter else {}
    out = []
    for action, reference in rows:
        record(actor, "plan_action.read", "plan_action", action.id, case_id=action.case_id,
               purpose="carrying out an action of the assistance plan")
        item = {**action_view(action), "case_reference": reference,
                "person": residents.get(action.case_id)}
        if shelter:
            del item["case_reference"]
        out.append(item)
    return out


def _residents(actor, case_ids) -> dict:
    """The names of the people staying at the actor's shelter now, by case."""
    from ..shelter.models import Stay
    if not case_ids:
        return {}
    stays = db.session.scalars(select(Stay).where(Stay.case_id.in_(case_ids),
                                                  Stay.shelter_agency_id == actor.agency_id,
                                                  Stay.left_at.is_(None))).all()
    return {s.case_id: s.case.person.known_as or s.case.person.given_name for s in stays}


def case_summary(actor, case) -> dict:
    """The case file at a glance: the open goals, the next review, an open danger."""
    plan = plan_of(case.id)
    goals = [g for g in (plan.goals if plan else []) if g.status == rules.OPEN_GOAL]
    if goals:
        record(actor, "plan.summary_read", "assistance_plan", plan.id, case_id=case.id,
               purpose=PURPOSE)
    return {"status": plan.status if plan else None,
            "next_review_at": plan.next_review_at if plan else None,
            "review_overdue": _review_due(plan),
            "open_goals": [{"domain": g.domain, "goal": g.goal,
                            "open_actions": sum(a.status in rules.OPEN_ACTION_STATUSES
                                                for a in g.actions)} for g in goals],
            "danger": open_flag(case.id)}


# ---- feedback and complaints (CNS-13) --------------------------------------------------------

def _supervisor_for(case, actor) -> User | None:
    """Whom the person's feedback goes to: the caseworker's own supervisor, else a
    supervisor of the case's agency; never the caseworker."""
    for user_id in (case.assigned_to.supervisor_id if case.assigned_to else None,
                    getattr(actor, "supervisor_id", None)):
        if user_id is not None:
            user = db.session.get(User, user_id)
            if user is not None and user.is_active_account and \
                    user.has_role(Role.supervisor) and user.agency_id == case.agency_id:
                return user
    return db.session.scalars(
        select(User).join(UserRole).where(User.agency_id == case.agency_id,
                                          UserRole.role == Role.supervisor,
                                          User.is_active_account.is_(True))
        .order_by(User.display_name, User.id).limit(1)).first()


def record_feedback(actor, case, *, kind, topic, words, rating="not_said", moment="during",
                    language=None) -> PersonFeedback:
    """What the person says about the help, at any time or at closure, in their words; routed
    to a supervisor with a follow-up to answer it."""
    access.require_edit(actor, case)
    kind = _code(kind, tuple(rules.FEEDBACK_KINDS), "kind")
    topic = _code(topic, tuple(rules.FEEDBACK_TOPICS), "topic")
    rating = _code(rating or "not_said", tuple(rules.FEEDBACK_RATINGS), "rating")
    moment = _code(moment or "during", tuple(rules.FEEDBACK_MOMENTS), "moment")
    words = _text(words, "words", message=N_("write what the person said, in their words"))
    if language is not None and len(language) > 40:
        raise Invalid("language", N_("at most %(count)s characters"), {"count": 40})
    supervisor = _supervisor_for(case, actor)
    feedback = PersonFeedback(case_id=case.id, agency_id=case.agency_id, kind=kind,
                              topic=topic, rating=rating, moment=moment, words=words,
                              language=(language or "").strip() or None,
                              routed_to_id=supervisor.id if supervisor else None,
                              recorded_by_id=_actor_id(actor))
    db.session.add(feedback)
    db.session.flush()
    if supervisor is not None:
        plan_deadline(case.id, "feedback_response",
                      utcnow() + timedelta(days=rules.FEEDBACK_RESPONSE_DAYS[kind]),
                      source_key=str(feedback.id), remind_days=(1,),
                      risk=2 if kind == "complaint" else 1, assignee_id=supervisor.id)
    record(actor, "feedback.record", "person_feedback", feedback.id, case_id=case.id,
           purpose="the person's feedback (CNS-13)", details={"kind": kind, "topic": topic})
    return feedback


def respond_feedback(actor, feedback: PersonFeedback, *, response) -> PersonFeedback:
    access.require_supervisor_of(actor, feedback)
    text = _text(response, "response", message=N_("write the answer"))
    if feedback.responded_at is not None:
        raise Invalid("response", N_("this feedback is already answered"))
    feedback.response = text
    feedback.responded_at = utcnow()
    feedback.responded_by_id = _actor_id(actor)
    meet_deadline(feedback.case_id, "feedback_response", str(feedback.id))
    record(actor, "feedback.respond", "person_feedback", feedback.id, case_id=feedback.case_id,
           purpose="the person's feedback (CNS-13)")
    return feedback


def feedback_view(actor, feedback: PersonFeedback) -> dict:
    """The feedback as the actor may see it: the words and the answer only for the agency's
    supervisors and its author (the read audited), what and when for the others."""
    data = {"id": feedback.id, "case_id": feedback.case_id, "kind": feedback.kind,
            "topic": feedback.topic, "rating": feedback.rating, "moment": feedback.moment,
            "language": feedback.language, "recorded_at": feedback.recorded_at,
            "responded_at": feedback.responded_at,
            "routed_to_me": feedback.routed_to_id == _actor_id(actor),
            "readable": access.may_read_feedback(actor, feedback)}
    if data["readable"]:
        record(actor, "feedback.read", "person_feedback", feedback.id,
               case_id=feedback.case_id, purpose="the person's feedback (CNS-13)")
        data.update(words=feedback.words, response=feedback.response)
    return data


def feedback_of_case(actor, case) -> list[dict]:
    rows = db.session.scalars(select(PersonFeedback).where(PersonFeedback.case_id == case.id)
                              .order_by(PersonFeedback.recorded_at.desc())).all()
    return [feedback_view(actor, row) for row in rows]


def statistics_rows():
    """CNS-13, DP-4: feedback counted by the person's sex and age group and by kind and
    topic (``complaint:accommodation``); the statistics area suppresses small cells. No
    words, no case, no person: counts only."""
    query = (select(Person.sex, Case.age_group, PersonFeedback.kind, PersonFeedback.topic,
                    func.count())
             .select_from(PersonFeedback).join(Case, Case.id == PersonFeedback.case_id)
             .join(Person, Person.id == Case.person_id)
             .group_by(Person.sex, Case.age_group, PersonFeedback.kind, PersonFeedback.topic))
    for sex, age_group, kind, topic, count in db.session.execute(query):
        yield sex, age_group, [f"{kind}:{topic}"], count


# ---- supervision and homes -------------------------------------------------------------------

def supervision(actor, now=None) -> dict:
    """A supervisor's agency: plans overdue for review, open immediate-danger flags, and the
    person's feedback still unanswered."""
    access.require_supervisor(actor)
    now = now or utcnow()
    overdue = db.session.execute(
        select(Deadline.due_at, Deadline.details, Case.id, Case.reference, User.display_name)
        .join(Case, Case.id == Deadline.case_id)
        .outerjoin(User, User.id == Case.assigned_to_id)
        .where(Deadline.agency_id == actor.agency_id, Deadline.kind == "plan_review",
               Deadline.status == DeadlineStatus.pending, Deadline.due_at <= now)
        .order_by(Deadline.due_at).limit(200)).all()
    flags = db.session.execute(
        select(DangerFlag.id, DangerFlag.raised_at, Case.id, Case.reference,
               User.display_name)
        .join(Case, Case.id == DangerFlag.case_id)
        .outerjoin(User, User.id == Case.assigned_to_id)
        .where(Case.agency_id == actor.agency_id, DangerFlag.cleared_at.is_(None))
        .order_by(DangerFlag.raised_at).limit(200)).all()
    waiting = db.session.execute(
        select(PersonFeedback.id, PersonFeedback.kind, PersonFeedback.topic,
               PersonFeedback.recorded_at, PersonFeedback.routed_to_id, Case.id,
               Case.reference)
        .join(Case, Case.id == PersonFeedback.case_id)
        .where(PersonFeedback.agency_id == actor.agency_id,
               PersonFeedback.responded_at.is_(None))
        .order_by(PersonFeedback.recorded_at).limit(200)).all()
    data = {
        "overdue_reviews": [{"case_id": case_id, "case_reference": reference, "due_at": due,
                             "days_overdue": (now - due).days,
                             "reason": (details or {}).get("reason", "interval"),
                             "caseworker": name}
                            for due, details, case_id, reference, name in overdue],
        "open_flags": [{"id": flag_id, "case_id": case_id, "case_reference": reference,
                        "raised_at": raised_at, "caseworker": name}
                       for flag_id, raised_at, case_id, reference, name in flags],
        "feedback_waiting": [{"id": fid, "kind": kind, "topic": topic, "recorded_at": at,
                              "routed_to_me": routed == actor.id, "case_id": case_id,
                              "case_reference": reference}
                             for fid, kind, topic, at, routed, case_id, reference in waiting],
    }
    record(actor, "plans.supervision_read", "agency", actor.agency_id, purpose="supervision",
           details={k: len(v) for k, v in data.items()})
    return data


def caseworker_home(user, now=None) -> dict:
    """A caseworker's cases with an open immediate danger, and their plans due for review."""
    now = now or utcnow()
    flags = db.session.execute(
        select(DangerFlag.raised_at, Case.id, Case.reference)
        .join(Case, Case.id == DangerFlag.case_id)
        .where(Case.assigned_to_id == user.id, DangerFlag.cleared_at.is_(None))
        .order_by(DangerFlag.raised_at)).all()
    reviews = db.session.execute(
        select(Deadline.due_at, Case.id, Case.reference)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.kind == "plan_review", Deadline.status == DeadlineStatus.pending,
               Deadline.assignee_id == user.id, Deadline.due_at <= now + timedelta(days=7))
        .order_by(Deadline.due_at).limit(20)).all()
    return {"flags": [{"raised_at": at, "case_id": case_id, "case_reference": reference}
                      for at, case_id, reference in flags],
            "reviews": [{"due_at": due, "case_id": case_id, "case_reference": reference,
                         "overdue": due <= now} for due, case_id, reference in reviews]}


# ---- the person's own copy of their file (DP-6) ----------------------------------------------

def subject_access_section(case, person) -> dict:
    """The plan, the assessments and the person's feedback, opened and worded in the
    person's language (the first of their languages we write in). Staff are not named."""
    from flask_babel import force_locale, gettext

    from ..i18n import copy_language, text_direction
    lang = copy_language(person)
    plan = plan_of(case.id)
    needs = db.session.scalars(select(NeedsAssessment).where(NeedsAssessment.case_id == case.id)
                               .order_by(NeedsAssessment.assessed_at)).all()
    risks = db.session.scalars(select(RiskAssessment).where(RiskAssessment.case_id == case.id)
                               .order_by(RiskAssessment.assessed_at)).all()
    flags = db.session.scalars(select(DangerFlag).where(DangerFlag.case_id == case.id)
                               .order_by(DangerFlag.raised_at)).all()
    versions = db.session.scalars(select(PlanVersion).where(PlanVersion.case_id == case.id)
                                  .order_by(PlanVersion.number)).all()
    feedback = db.session.scalars(select(PersonFeedback).where(
        PersonFeedback.case_id == case.id).order_by(PersonFeedback.recorded_at)).all()

    def day(value):
        return value.strftime("%Y-%m-%d") if value else "—"

    def label(table, code):
        return gettext(table[code]) if code in table else (code or "—")

    with force_locale(lang):
        blocks = []
        for assessment in needs:
            blocks.append({
                "heading": gettext("Needs assessment of %(date)s", date=day(
                    assessment.assessed_at)),
                "fields": [[gettext(rules.NEED_DOMAINS[i.domain]),
                            f"{label(rules.PRIORITIES, i.priority)}"
                            + (f" — “{i.person_words}”" if i.person_words else "")]
                           for i in assessment.items]})
        for assessment in risks:
            fields = [[gettext(rules.RISKS[name]), label(rules.RISK_LEVELS, level)]
                      for name, level in (("traffickers", assessment.risk_traffickers),
                                          ("retrafficking", assessment.risk_retrafficking),
                                          ("self_harm", assessment.risk_self_harm),
                                          ("family", assessment.risk_family))]
            if assessment.person_view:
                fields.append([gettext("How safe you feel, in your words"),
                               assessment.person_view])
            if assessment.safety_measures:
                fields.append([gettext("Safety measures"), ", ".join(
                    label(rules.SAFETY_MEASURES, m) for m in assessment.safety_measures)])
            if assessment.safety_plan:
                fields.append([gettext("Safety plan"), assessment.safety_plan])
            blocks.append({"heading": gettext("Risk assessment and safety plan of %(date)s",
                                              date=day(assessment.assessed_at)),
                           "fields": fields})
        for flag in flags:
            fields = [[gettext("What the danger was"), flag.reason]]
            if flag.cleared_at:
                fields.append([gettext("Cleared on %(date)s", date=day(flag.cleared_at)),
                               flag.clear_reason])
            blocks.append({"heading": gettext("Immediate danger recorded on %(date)s",
                                              date=day(flag.raised_at)), "fields": fields})
        if plan is not None:
            fields = [[gettext("Status"), label(rules.PLAN_STATUSES, plan.status)],
                      [gettext("Next review"), day(plan.next_review_at)]]
            for goal in plan.goals:
                fields.append([
                    gettext("Goal (%(domain)s, %(status)s)",
                            domain=label(rules.NEED_DOMAINS, goal.domain),
                            status=label(rules.GOAL_STATUSES, goal.status)), goal.goal])
                for action in goal.actions:
                    who = owner_name(action) or label(rules.OWNER_KINDS, action.owner_kind)
                    fields.append([gettext("Action by %(who)s, due %(date)s (%(status)s)",
                                           who=who, date=day(action.due_at),
                                           status=label(rules.ACTION_STATUSES,
                                                        action.status)),
                                   action.description])
            blocks.append({"heading": gettext("Your assistance plan"), "fields": fields})
        for version in versions:
            blocks.append({
                "heading": gettext("Plan version %(number)s, %(date)s: %(reason)s",
                                   number=version.number, date=day(version.recorded_at),
                                   reason=label(rules.VERSION_REASONS, version.reason)),
                "fields": [[gettext("You took part"),
                            gettext("yes") if version.person_present else gettext("no")],
                           [gettext("Your agreement"), label(rules.AGREEMENT,
                                                             version.agreement)],
                           [gettext("What you said"), version.person_words],
                           [gettext("Language"), version.language]]})
        for item in feedback:
            fields = [[gettext("About"), label(rules.FEEDBACK_TOPICS, item.topic)],
                      [gettext("What you said"), item.words]]
            if item.responded_at:
                fields.append([gettext("Answer of %(date)s", date=day(item.responded_at)),
                               item.response])
            blocks.append({"heading": gettext("%(kind)s of %(date)s",
                                              kind=label(rules.FEEDBACK_KINDS, item.kind),
                                              date=day(item.recorded_at)),
                           "fields": fields})
        title = gettext("Your needs, safety and assistance plan")
    return {"key": "assistance_plan", "title": title, "language": lang,
            "direction": text_direction(lang), "blocks": blocks}


# The tables this area opens for the person's copy itself (their free text is sealed).
PLAN_TABLES = ("needs_assessment", "need_item", "risk_assessment", "danger_flag",
               "assistance_plan", "plan_goal", "plan_action", "plan_version",
               "person_feedback")
register_person_section(PLAN_TABLES, subject_access_section)
