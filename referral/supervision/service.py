from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import Agency, User
from ..audit.service import record
from ..cases import access
from ..cases.models import Case, RefusedAttempt
from ..database import utcnow
from ..errors import Forbidden
from ..extensions import db
from ..labels import N_
from ..reminders.models import RISK_LEVELS, Deadline, DeadlineStatus
from ..reminders.service import LABELS

REFLECTION_HORIZON_DAYS = 7


def require_supervisor(actor):
    if not actor.has_role("supervisor"):
        raise Forbidden("permission", N_("for supervisors"))


def overdue(actor, now=None, limit=500) -> list[dict]:
    """Open follow-ups past their due date in the supervisor's agency, riskiest first, then
    longest overdue. Reads only the agency's open obligations (a partial index), so it does
    not grow with the number of cases."""
    require_supervisor(actor)
    now = now or utcnow()
    assignee = User.__table__.alias("assignee")
    base = (select(Deadline.id, Deadline.kind, Deadline.due_at, Deadline.risk,
                   Deadline.escalated_at, Deadline.late_reason, Deadline.details,
                   Deadline.occurrence, Case.id.label("case_id"),
                   Case.reference, assignee.c.display_name, Agency.name.label("agency"),
                   access.open_to(actor).label("is_open"))
            .join(Case, Case.id == Deadline.case_id)
            .join(Agency, Agency.id == Case.agency_id)
            .outerjoin(assignee, assignee.c.id == db.func.coalesce(Deadline.assignee_id,
                                                                   Case.assigned_to_id))
            .where(Deadline.status == DeadlineStatus.pending, Deadline.due_at <= now,
                   Deadline.agency_id == actor.agency_id, Case.agency_id == actor.agency_id)
            .order_by(Deadline.due_at))
    # Riskiest first: one range read of the (agency, risk, due) index per risk level, each
    # stopped at the page, instead of sorting every overdue row of the agency.
    rows = []
    for risk in RISK_LEVELS:
        if len(rows) >= limit:
            break
        rows += db.session.execute(base.where(Deadline.risk == risk)
                                   .limit(limit - len(rows))).all()
    # A restricted case the supervisor is not named on (DP-7) shows that something is
    # overdue, not whose case it is; every case shown is a read of it (DP-3, DP-6).
    access.record_reads(actor, [r.case_id for r in rows if r.is_open], "overdue follow-ups",
                        purpose="supervision")
    return [{"id": r.id, "case_id": r.case_id if r.is_open else None,
             "case_reference": r.reference if r.is_open else None,
             "kind": r.kind, "label": LABELS.get(r.kind, r.kind), "due_at": r.due_at,
             "risk": r.risk, "days_overdue": (now - r.due_at).days,
             "caseworker": r.display_name, "agency": r.agency,
             "escalated": r.escalated_at is not None,
             "escalated_by_hand": _hand_escalation(r),
             "late_reason": r.late_reason if r.is_open else None}
            for r in rows]


def _hand_escalation(row):
    from ..reminders.service import HAND_ESCALATION
    done = (row.details or {}).get(HAND_ESCALATION)
    if not done or done.get("occurrence") != (row.occurrence or 0):
        return None
    from datetime import datetime
    return datetime.fromisoformat(done["at"])


def reflection_ending(actor, now=None) -> list[dict]:
    """RP-3: reflection periods ending soon with no identification decision yet."""
    require_supervisor(actor)
    now = now or utcnow()
    rows = db.session.execute(
        select(Case.id, Case.reference, Case.reflection_ends_at, User.display_name)
        .outerjoin(User, User.id == Case.assigned_to_id)
        .where(Case.agency_id == actor.agency_id, Case.nrm_state == "reflection_period",
               access.open_to(actor),
               Case.reflection_ends_at <= now + timedelta(days=REFLECTION_HORIZON_DAYS),
               Case.identification == "pending")
        .order_by(Case.reflection_ends_at).limit(200)).all()
    return [{"case_id": r.id, "case_reference": r.reference,
             "reflection_ends_at": r.reflection_ends_at, "caseworker": r.display_name}
            for r in rows]


def active_restrictions(actor, now=None) -> list[dict]:
    require_supervisor(actor)
    from ..shelter.models import Restriction, Stay
    now = now or utcnow()
    rows = db.session.execute(
        select(Restriction, Case.reference, Case.id).join(Stay, Stay.id == Restriction.stay_id)
        .join(Case, Case.id == Stay.case_id)
        .where(Restriction.lifted_at.is_(None), Restriction.expires_at > now,
               Case.agency_id == actor.agency_id, access.open_to(actor))
        .order_by(Restriction.expires_at)).all()
    return [{"id": r.id, "case_id": case_id, "case_reference": reference,
             "expires_at": r.expires_at, "review_at": r.review_at,
             "legal_basis": r.legal_basis} for r, reference, case_id in rows]


def refused_attempts(actor, limit=200) -> list[dict]:
    """NC-3 and other watched refusals, newest first, until reviewed. ``reason`` is the
    text that was refused: what the supervisor is there to look at."""
    require_supervisor(actor)
    rows = db.session.execute(
        select(RefusedAttempt, Case.reference).join(Case, Case.id == RefusedAttempt.case_id)
        .where(Case.agency_id == actor.agency_id, RefusedAttempt.reviewed_at.is_(None),
               access.open_to(actor))
        .order_by(RefusedAttempt.at.desc()).limit(limit)).all()
    return [{"id": a.id, "case_id": a.case_id, "case_reference": reference, "rule": a.rule,
             "track": a.track, "event": a.event, "at": a.at, "reason": a.reason,
             "message": a.message,
             "actor": a.actor.display_name if a.actor else None} for a, reference in rows]


def mark_attempt_reviewed(actor, attempt):
    """A supervisor has looked at a refused attempt (NC-3): it leaves the list, and who
    reviewed it and when stay on record. Load with ``access.get_refused_attempt_for``."""
    require_supervisor(actor)
    if attempt.reviewed_at is None:
        attempt.reviewed_at, attempt.reviewed_by_id = utcnow(), actor.id
        record(actor, "attempt.reviewed", "refused_attempt", attempt.id,
               case_id=attempt.case_id, purpose="supervision",
               details={"rule": attempt.rule})
    db.session.flush()
    return attempt


def dashboard(actor, now=None) -> dict:
    now = now or utcnow()
    data = {"overdue": overdue(actor, now), "reflection_ending": reflection_ending(actor, now),
            "workload": workload(actor, now),
            "restrictions": active_restrictions(actor, now),
            "refused_attempts": refused_attempts(actor)}
    record(actor, "supervision.read", "agency", actor.agency_id, purpose="supervision",
           details={k: len(v) for k, v in data.items()})
    return data


def workload(actor, now=None) -> list[dict]:
    """Each caseworker of the agency: open cases assigned, open follow-ups, overdue ones.
    Counts only: no case is read, so nothing is opened to draw it."""
    from sqlalchemy import func
    from ..accounts.models import Role, UserRole
    require_supervisor(actor)
    now = now or utcnow()
    people = db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == actor.agency_id, User.is_active_account.is_(True),
               UserRole.role == Role.caseworker).order_by(User.display_name)).unique().all()
    cases = dict(db.session.execute(
        select(Case.assigned_to_id, func.count()).where(
            Case.agency_id == actor.agency_id, Case.nrm_state != "closed",
            Case.assigned_to_id.is_not(None)).group_by(Case.assigned_to_id)).all())
    owner = func.coalesce(Deadline.assignee_id, Case.assigned_to_id)
    pending = select(owner, func.count()).join(Case, Case.id == Deadline.case_id).where(
        Deadline.status == DeadlineStatus.pending, Deadline.agency_id == actor.agency_id)
    follow_ups = dict(db.session.execute(pending.group_by(owner)).all())
    late = dict(db.session.execute(pending.where(Deadline.due_at <= now)
                                   .group_by(owner)).all())
    return [{"id": u.id, "name": u.display_name, "open_cases": cases.get(u.id, 0),
             "follow_ups": follow_ups.get(u.id, 0), "overdue": late.get(u.id, 0)}
            for u in people]
