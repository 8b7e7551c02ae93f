import uuid
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (Integer, Uuid, bindparam, case, func, literal, select, tuple_,
                        union_all)

from ..accounts.models import User
from ..audit.service import record
from ..cases import access
from ..cases.models import Case, RefusedAttempt
from ..database import UTCDateTime, read_rows, utcnow
from ..errors import Forbidden, Invalid
from ..extensions import db
from .. import paging
from ..labels import N_
from ..reminders.models import RISK_LEVELS, Deadline, DeadlineStatus
from ..reminders.service import LABELS

REFLECTION_HORIZON_DAYS = 7


def require_supervisor(actor):
    if not actor.has_role("supervisor"):
        raise Forbidden("permission", N_("for supervisors"))


PAGE = 50  # overdue follow-ups a dashboard page shows; the next page is read by cursor


def overdue(actor, now=None, limit=PAGE) -> list[dict]:
    """The first ``limit`` overdue follow-ups (``overdue_page``), without the cursor."""
    return overdue_page(actor, now, per_page=limit)[0]


def overdue_page(actor, now=None, per_page=PAGE, cursor=None) -> tuple[list[dict], str | None]:
    """Open follow-ups past their due date in the supervisor's agency, riskiest first, then
    longest overdue, a page at a time, and the cursor of the next page (None on the last).
    Reads only the agency's open obligations (a partial index), so it does not grow with
    the number of cases, and a page reads only its own rows, so it does not grow with the
    number overdue."""
    require_supervisor(actor)
    now = now or utcnow()
    after = _read_cursor(cursor) if cursor else None
    start = RISK_LEVELS.index(after[0]) if after is not None else None
    params = {"now": now, "agency_id": actor.agency_id, "limit": per_page + 1,
              **access.viewer_params(actor)}
    if after is not None:
        params.update(after_due=after[1], after_id=after[2])
    rows = read_rows(_overdue_statement(start), params).all()
    rows, more = rows[:per_page], len(rows) > per_page
    # Every row is of the supervisor's own agency (``due`` reads no other): its name comes
    # with the signed-in user, not from a join per row, which the planner ran as a nested
    # loop over every agency at a million cases.
    agency = actor.agency.name
    # A restricted case the supervisor is not named on (DP-7) shows that something is
    # overdue, not whose case it is; every case shown is a read of it (DP-3, DP-6).
    access.record_reads(actor, [r.case_id for r in rows if r.is_open], "overdue follow-ups",
                        purpose="supervision")
    return [{"id": r.id, "case_id": r.case_id if r.is_open else None,
             "case_reference": r.reference if r.is_open else None,
             "kind": r.kind, "label": LABELS.get(r.kind, r.kind), "due_at": r.due_at,
             "risk": r.risk, "days_overdue": (now - r.due_at).days,
             "caseworker": r.display_name, "agency": agency,
             "escalated": r.escalated_at is not None,
             "escalated_by_hand": _hand_escalation(r),
             "late_reason": r.late_reason if r.is_open else None}
            for r in rows], (_make_cursor(rows[-1]) if more else None)


@cache
def _overdue_statement(start):
    """The page's statement, built once per cursor position (``start``: the risk level the
    cursor is in, None without one) and run with its values as parameters.

    Riskiest first: one range read of the (agency, risk, due) index per risk level, each
    stopped at the page, instead of sorting every overdue row of the agency; the levels are
    read in one statement (a page's levels from the cursor's on), then the page's rows."""
    limit = bindparam("limit", type_=Integer)
    agency_id = bindparam("agency_id", type_=Uuid)
    # A pending follow-up's agency moves with its case (a transfer moves both), so each level
    # is one ordered range of the index, stopped at the page; the page's rows are then
    # checked against their case's agency as well.
    due = (select(Deadline.id, Deadline.risk, Deadline.due_at)
           .where(Deadline.status == DeadlineStatus.pending,
                  Deadline.due_at <= bindparam("now", type_=UTCDateTime),
                  Deadline.agency_id == agency_id)
           .order_by(Deadline.due_at, Deadline.id).limit(limit))
    levels = []
    for rank, risk in enumerate(RISK_LEVELS):
        level = due.where(Deadline.risk == risk)
        if start is not None:
            if rank < start:
                continue
            if rank == start:
                level = level.where(tuple_(Deadline.due_at, Deadline.id) > tuple_(
                    bindparam("after_due", type_=UTCDateTime),
                    bindparam("after_id", type_=Uuid)))
        levels.append(select(level.add_columns(literal(rank).label("rank")).subquery()))
    page = union_all(*levels).subquery()
    assignee = User.__table__.alias("assignee")
    return (
        select(Deadline.id, Deadline.kind, Deadline.due_at, Deadline.risk,
               Deadline.escalated_at, Deadline.late_reason, Deadline.details,
               Deadline.occurrence, Case.id.label("case_id"),
               Case.reference, assignee.c.display_name,
               access.open_to_viewer().label("is_open"))
        .join(page, page.c.id == Deadline.id)
        .join(Case, Case.id == Deadline.case_id)
        .outerjoin(assignee, assignee.c.id == db.func.coalesce(Deadline.assignee_id,
                                                               Case.assigned_to_id))
        .where(Case.agency_id == agency_id)
        .order_by(page.c.rank, page.c.due_at, page.c.id).limit(limit))


def _make_cursor(row) -> str:
    return paging.make_cursor(row.risk, row.due_at, row.id)


def _read_cursor(cursor: str):
    after = paging.read_cursor(cursor, int, datetime, uuid.UUID)
    if after[0] not in RISK_LEVELS or after[1].tzinfo is None:
        raise Invalid("cursor", paging.NOT_OURS)
    return after


def _hand_escalation(row):
    """When a supervisor escalated the follow-up's current planning by hand, if they did."""
    from ..reminders.service import escalation_note
    done = escalation_note(row)
    return datetime.fromisoformat(done["at"]) if done else None


def reflection_ending(actor, now=None) -> list[dict]:
    """RP-3: reflection periods ending soon with no identification decision yet."""
    require_supervisor(actor)
    now = now or utcnow()
    rows = read_rows(_reflection_ending_statement(), {
        "agency_id": actor.agency_id, "horizon": now + timedelta(days=REFLECTION_HORIZON_DAYS),
        **access.viewer_params(actor)}).all()
    return [{"case_id": r.id, "case_reference": r.reference,
             "reflection_ends_at": r.reflection_ends_at, "caseworker": r.display_name}
            for r in rows]


@cache
def _reflection_ending_statement():
    return (select(Case.id, Case.reference, Case.reflection_ends_at, User.display_name)
            .outerjoin(User, User.id == Case.assigned_to_id)
            .where(Case.agency_id == bindparam("agency_id", type_=Uuid),
                   Case.nrm_state == "reflection_period", access.open_to_viewer(),
                   Case.reflection_ends_at <= bindparam("horizon", type_=UTCDateTime),
                   Case.identification == "pending")
            .order_by(Case.reflection_ends_at).limit(200))


def active_restrictions(actor, now=None) -> list[dict]:
    require_supervisor(actor)
    rows = read_rows(_active_restrictions_statement(), {
        "now": now or utcnow(), "agency_id": actor.agency_id,
        **access.viewer_params(actor)}).all()
    return [{"id": r.id, "case_id": r.case_id, "case_reference": r.reference,
             "expires_at": r.expires_at, "review_at": r.review_at,
             "legal_basis": r.legal_basis} for r in rows]


@cache
def _active_restrictions_statement():
    from ..shelter.models import Restriction, Stay
    return (select(Restriction.id, Restriction.expires_at, Restriction.review_at,
                   Restriction.legal_basis, Case.reference, Case.id.label("case_id"))
            .join(Stay, Stay.id == Restriction.stay_id)
            .join(Case, Case.id == Stay.case_id)
            .where(Restriction.lifted_at.is_(None),
                   Restriction.expires_at > bindparam("now", type_=UTCDateTime),
                   Case.agency_id == bindparam("agency_id", type_=Uuid),
                   access.open_to_viewer())
            .order_by(Restriction.expires_at))


def refused_attempts(actor, limit=200) -> list[dict]:
    """NC-3 and other watched refusals, newest first, until reviewed. ``reason`` is the
    text that was refused: what the supervisor is there to look at."""
    require_supervisor(actor)
    rows = read_rows(_refused_attempts_statement(), {
        "agency_id": actor.agency_id, "limit": limit, **access.viewer_params(actor)}).all()
    return [{"id": a.id, "case_id": a.case_id, "case_reference": a.reference, "rule": a.rule,
             "track": a.track, "event": a.event, "at": a.at, "reason": a.reason,
             "message": a.message, "actor": a.actor} for a in rows]


@cache
def _refused_attempts_statement():
    by = User.__table__.alias("refused_by")
    return (select(RefusedAttempt.id, RefusedAttempt.case_id, RefusedAttempt.rule,
                   RefusedAttempt.track, RefusedAttempt.event, RefusedAttempt.at,
                   RefusedAttempt.reason, RefusedAttempt.message, Case.reference,
                   by.c.display_name.label("actor"))
            .join(Case, Case.id == RefusedAttempt.case_id)
            .outerjoin(by, by.c.id == RefusedAttempt.actor_id)
            .where(Case.agency_id == bindparam("agency_id", type_=Uuid),
                   RefusedAttempt.reviewed_at.is_(None), access.open_to_viewer())
            .order_by(RefusedAttempt.at.desc())
            .limit(bindparam("limit", type_=Integer)))


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


def dashboard(actor, now=None, *, cursor=None, per_page=PAGE, workload_shown=True) -> dict:
    """The dashboard, its overdue follow-ups a page at a time (``next_cursor`` reads the
    next). ``workload_shown=False`` (the API, which does not show the workload) counts the
    caseworkers for the audit entry instead of reading their workload."""
    now = now or utcnow()
    shown, next_cursor = overdue_page(actor, now, per_page=per_page, cursor=cursor)
    data = {"overdue": shown, "reflection_ending": reflection_ending(actor, now),
            "workload": workload(actor, now) if workload_shown else None,
            "restrictions": active_restrictions(actor, now),
            "refused_attempts": refused_attempts(actor)}
    details = {k: len(v) if v is not None else _caseworker_count(actor)
               for k, v in data.items()}
    record(actor, "supervision.read", "agency", actor.agency_id, purpose="supervision",
           details=details)
    return {**data, "next_cursor": next_cursor}


def _caseworkers(actor):
    from ..accounts.models import Role, UserRole
    return (select(User.id, User.display_name).join(UserRole, UserRole.user_id == User.id)
            .where(User.agency_id == actor.agency_id, User.is_active_account.is_(True),
                   UserRole.role == Role.caseworker))


def _caseworker_count(actor) -> int:
    return db.session.scalar(select(func.count()).select_from(_caseworkers(actor).subquery()))


def workload(actor, now=None) -> list[dict]:
    """Each caseworker of the agency: open cases assigned, open follow-ups, overdue ones.
    Counts only: no case is read, so nothing is opened to draw it."""
    require_supervisor(actor)
    now = now or utcnow()
    people = db.session.execute(_caseworkers(actor).order_by(User.display_name)).all()
    cases = dict(db.session.execute(
        select(Case.assigned_to_id, func.count()).where(
            Case.agency_id == actor.agency_id, Case.nrm_state != "closed",
            Case.assigned_to_id.is_not(None)).group_by(Case.assigned_to_id)).all())
    owner = func.coalesce(Deadline.assignee_id, Case.assigned_to_id)
    follow_ups, late = {}, {}
    for who, pending, overdue_ in db.session.execute(
            select(owner, func.count(), func.count(case((Deadline.due_at <= now, 1))))
            .join(Case, Case.id == Deadline.case_id)
            .where(Deadline.status == DeadlineStatus.pending,
                   Deadline.agency_id == actor.agency_id).group_by(owner)):
        follow_ups[who], late[who] = pending, overdue_
    return [{"id": u.id, "name": u.display_name, "open_cases": cases.get(u.id, 0),
             "follow_ups": follow_ups.get(u.id, 0), "overdue": late.get(u.id, 0)}
            for u in people]
