"""Planning deadlines. Every area calls ``plan_deadline`` / ``meet_deadline`` /
``cancel_deadlines``; the sweep (``sweep_due``) sends what falls due."""
import logging
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import flag_modified

from workflows.nrm import FOLLOW_UPS as NRM_FOLLOW_UPS
from workflows.plans import FOLLOW_UPS as PLAN_FOLLOW_UPS

from ..database import read_rows, utcnow
from ..extensions import db
from ..labels import N_
from .models import Deadline, DeadlineStatus, Notification, OutboxMessage

DEFAULT_REMIND_DAYS = (7, 1)
logger = logging.getLogger(__name__)


def _grace(row) -> timedelta:
    """Safety tasks escalate at once; everything else after the configured grace."""
    if row.risk >= 3:
        return timedelta(0)
    return timedelta(days=current_app.config["ESCALATION_GRACE_DAYS"])


def _next_at(row) -> datetime | None:
    """When the sweep must next look at the row, or None if nothing is left to send."""
    sent = set(row.reminders_sent or [])
    moments = []
    if row.overdue_notified_at is None:
        moments += [row.due_at - timedelta(days=d) for d in row.remind_days or []
                    if d not in sent]
        moments.append(row.due_at)
    if row.escalated_at is None:
        moments.append(row.due_at + _grace(row))
    return min(moments) if moments else None


def plan_deadline(case_id, kind: str, due_at: datetime, *, source_key: str = "",
                  remind_days=DEFAULT_REMIND_DAYS, risk: int = 1, assignee_id=None,
                  details: dict | None = None) -> Deadline:
    """Create or re-plan the one deadline for (case, kind, source). Idempotent."""
    row = db.session.scalar(select(Deadline).where(
        Deadline.case_id == case_id, Deadline.kind == kind,
        Deadline.source_key == str(source_key)))
    remind_days = sorted({int(d) for d in remind_days}, reverse=True)
    if row is None:
        from ..cases.models import Case
        case = db.session.get(Case, case_id) if case_id is not None else None
        row = Deadline(case_id=case_id, kind=kind, source_key=str(source_key),
                       agency_id=case.agency_id if case else None, reminders_sent=[])
        db.session.add(row)
    elif row.due_at != due_at:
        if row.reminders_sent or row.overdue_notified_at or row.escalated_at:
            row.occurrence = (row.occurrence or 0) + 1  # a new planning reminds afresh
        row.reminders_sent = []
        row.overdue_notified_at = None
        row.escalated_at = None
        row.failures, row.last_error, row.parked_at = 0, None, None
    row.due_at = due_at
    row.remind_days = remind_days
    row.risk = risk
    row.assignee_id = assignee_id
    row.details = details or {}
    row.status = DeadlineStatus.pending
    row.met_at = None
    row.next_at = _next_at(row)
    db.session.flush()
    return row


def meet_deadline(case_id, kind: str, source_key: str = "") -> Deadline | None:
    row = db.session.scalar(select(Deadline).where(
        Deadline.case_id == case_id, Deadline.kind == kind,
        Deadline.source_key == str(source_key)))
    if row is not None and row.status == DeadlineStatus.pending:
        row.status = DeadlineStatus.met
        row.met_at = utcnow()
        row.next_at = None
    return row


def cancel_deadlines(case_id, kind: str | None = None, source_key: str | None = None) -> int:
    query = select(Deadline).where(Deadline.case_id == case_id,
                                   Deadline.status == DeadlineStatus.pending)
    if kind is not None:
        query = query.where(Deadline.kind == kind)
    if source_key is not None:
        query = query.where(Deadline.source_key == str(source_key))
    rows = db.session.scalars(query).all()
    for row in rows:
        row.status = DeadlineStatus.cancelled
        row.next_at = None
    return len(rows)



# ---- the sweep -----------------------------------------------------------------------------

LABELS = {
    "reflection_end": "end of the reflection period",
    "first_decision_target": "first identification decision due",
    "final_decision_target": "final identification decision due",
    "decision_review_window": "review window of a negative decision closes",
    "review_decision": "review decision due",
    "guardian_appointment": "guardian to be appointed",
    "restriction_review": "review of a restriction of movement",
    "restriction_expiry": "restriction of movement expires",
    "consent_expiry": "a consent expires",
    "hearing": "hearing",
    "limitation": "limitation period ends",
    "permit_renewal": "residence permit renewal",
    "reintegration_checkin": "reintegration check-in",
    "missed_checkin": "a reintegration check-in was missed",
    "protective_measure_review": "review of protective measures",
    "safety_task": "URGENT safety task",
}
LABELS.update(PLAN_FOLLOW_UPS)  # the assistance plan's follow-ups (workflows/plans.py)
LABELS.update(NRM_FOLLOW_UPS)  # move-on, reconsideration (workflows/nrm.py)

BATCH_SIZE = 500
_pause_hook = None  # tests: called after each row, before the batch commits


class SweepBatch:
    """Everything a batch of due rows needs, read in a fixed number of statements whatever
    the number of rows: the cases (reference, agency, caseworker), the people to notify
    (with their e-mail and their own supervisor), and each agency's supervisors. The sweep
    then reads nothing row by row."""

    def __init__(self, rows):
        from ..accounts.models import Role, User, UserRole
        from ..cases.models import Case
        self.notifications, self.outbox = [], []  # written by ``write`` in two statements
        case_ids = {row.case_id for row in rows if row.case_id is not None}
        self.cases = {c.id: c for c in db.session.execute(
            select(Case.id, Case.reference, Case.agency_id, Case.assigned_to_id)
            .where(Case.id.in_(case_ids)))} if case_ids else {}
        people = {row.assignee_id for row in rows if row.assignee_id is not None}
        people |= {c.assigned_to_id for c in self.cases.values() if c.assigned_to_id}
        self.users = {}
        self._load_users(people)
        self._load_users({u.supervisor_id for u in self.users.values() if u.supervisor_id})
        agencies = {c.agency_id for c in self.cases.values()}
        self.agency_supervisors = {agency: [] for agency in agencies}
        if agencies:
            for user in db.session.execute(
                    select(User.id, User.email, User.supervisor_id, User.agency_id)
                    .join(UserRole).where(User.agency_id.in_(agencies),
                                          UserRole.role == Role.supervisor,
                                          User.is_active_account.is_(True))
                    .order_by(User.id)):
                self.agency_supervisors[user.agency_id].append(user.id)
                self.users.setdefault(user.id, user)

    def _load_users(self, ids):
        from ..accounts.models import User
        ids = {i for i in ids if i not in self.users}
        if ids:
            for user in db.session.execute(select(User.id, User.email, User.supervisor_id)
                                           .where(User.id.in_(ids))):
                self.users[user.id] = user

    def case(self, case_id):
        return self.cases.get(case_id) if case_id is not None else None

    def write(self):
        """Insert the notifications and outbox rows gathered so far (one executemany each)
        and the rows' changes; then start gathering afresh."""
        from sqlalchemy import insert
        db.session.flush()
        if self.notifications:
            db.session.execute(insert(Notification.__table__), self.notifications)
        if self.outbox:
            db.session.execute(insert(OutboxMessage.__table__), self.outbox)
        self.notifications, self.outbox = [], []

    def email(self, user_id):
        user = self.users.get(user_id)
        return user.email if user is not None else None

    def recipients(self, row, case) -> list:
        """The row's assignee, else the case's caseworker, else the agency's supervisors."""
        assignee = row.assignee_id or (case.assigned_to_id if case else None)
        if assignee:
            return [assignee]
        return self.supervisors(None, case)

    def supervisors(self, user_id, case) -> list:
        """The caseworker's own supervisor, else the supervisors of the case's agency."""
        if user_id is not None:
            user = self.users.get(user_id)
            if user is not None and user.supervisor_id:
                return [user.supervisor_id]
        if case is None:
            return []
        return list(self.agency_supervisors.get(case.agency_id, []))


def _notify(row, case, kind, recipients, batch, days_before=-1):
    label = LABELS.get(row.kind, row.kind.replace("_", " "))
    reference = case.reference if case else None
    when = {"reminder": f"in {days_before} day{'s' if days_before != 1 else ''}",
            "overdue": "is overdue", "escalation": "is overdue past its grace period",
            "hand_escalation": "is overdue: escalated by a supervisor"}[kind]
    message = f"{reference or 'Follow-up'}: {label} {when}"
    status = "pending" if current_app.config.get("SMTP_HOST") else "skipped"
    for recipient_id in recipients:
        note_id = uuid.uuid4()
        batch.notifications.append({
            "id": note_id, "recipient_id": recipient_id, "deadline_id": row.id,
            "occurrence": row.occurrence or 0, "case_id": row.case_id,
            "case_reference": reference, "kind": kind, "deadline_kind": row.kind,
            "days_before": days_before, "message": message[:300], "read_at": None,
            "created_at": utcnow()})
        email = batch.email(recipient_id)
        if email:
            batch.outbox.append({
                "id": uuid.uuid4(), "message_id": f"<{note_id}@referral>",
                "notification_id": note_id, "to_address": email, "subject": message[:200],
                "body": message + "\nOpen referral to see the case.", "status": status,
                "attempts": 0, "sent_at": None, "created_at": utcnow()})


def process_due(row: Deadline, now: datetime, batch: SweepBatch | None = None):
    """Send what has fallen due on one row, once; then plan when to look again. Without a
    ``batch`` the notifications are written at once; with one, by ``batch.write()``."""
    if batch is None:
        batch = SweepBatch([row])
        process_due(row, now, batch)
        batch.write()
        return
    case = batch.case(row.case_id)
    sent = set(row.reminders_sent or [])
    if row.overdue_notified_at is None:
        crossed = [d for d in row.remind_days or []
                   if d not in sent and row.due_at - timedelta(days=d) <= now]
        if now >= row.due_at:
            _notify(row, case, "overdue", batch.recipients(row, case), batch)
            row.overdue_notified_at = now
            row.reminders_sent = sorted(sent | set(row.remind_days or []), reverse=True)
        elif crossed:
            _notify(row, case, "reminder", batch.recipients(row, case), batch,
                    days_before=min(crossed))
            row.reminders_sent = sorted(sent | set(crossed), reverse=True)
    if row.escalated_at is None and now >= row.due_at + _grace(row):
        assignee = row.assignee_id or (case.assigned_to_id if case else None)
        _notify(row, case, "escalation", batch.supervisors(assignee, case), batch)
        row.escalated_at = now
    row.next_at = _next_at(row)
    if row.failures:
        row.failures, row.last_error = 0, None
    # Every row of a batch writes the same columns, so the batch's updates go out as one
    # executemany instead of one statement each time the set of changed columns differs.
    loaded = inspect(row).dict
    for column in _SWEPT_COLUMNS:
        if column in loaded:  # a row planned in this transaction is inserted whole anyway
            flag_modified(row, column)


_SWEPT_COLUMNS = ("reminders_sent", "overdue_notified_at", "escalated_at", "next_at",
                  "failures", "last_error")


def sweep_due(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Send every due reminder, overdue notice and escalation exactly once.

    Rows are taken in batches with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), marked and
    notified in the same transaction, and committed per batch: a crash before a commit
    leaves the batch for the next sweep, a crash after it leaves nothing to resend. What the
    rows need (cases, recipients, supervisors) is read once per batch (``SweepBatch``), so
    the statements per row stay few and do not grow with the batch.

    A batch runs inside a savepoint. If anything in it fails, the batch is done again row by
    row, each in its own savepoint, and a row that still fails is set aside (``_set_aside``)
    while every other row of the batch is sent: one bad row never stops the sweep.
    Returns the number of rows processed.
    """
    now = now or utcnow()
    done = 0
    while True:
        rows = db.session.scalars(
            select(Deadline).where(Deadline.status == DeadlineStatus.pending,
                                   Deadline.next_at.is_not(None), Deadline.next_at <= now)
            .order_by(Deadline.next_at).limit(batch_size)
            .with_for_update(skip_locked=True)).all()
        if not rows:
            break
        batch = SweepBatch(rows)
        try:
            with db.session.begin_nested():
                for row in rows:
                    process_due(row, now, batch)
                    if _pause_hook is not None:
                        _pause_hook(row)
                batch.write()
        except Exception:  # noqa: BLE001 - isolate the failing row below
            for row in rows:
                batch.notifications, batch.outbox = [], []
                try:
                    with db.session.begin_nested():
                        process_due(row, now, batch)
                        batch.write()
                except Exception as exc:  # noqa: BLE001 - one row's failure is recorded
                    _set_aside(row, exc, now)
        db.session.commit()
        done += len(rows)
        if len(rows) < batch_size:
            break
    return done


MAX_FAILURES = 5  # then the row is parked until an administrator retries it


def _set_aside(row: Deadline, exc: Exception, now: datetime):
    """Record a row the sweep could not process and look again later (backing off), or park
    it after ``MAX_FAILURES``. The error is kept as its class and constraint name only: an
    exception's text can carry the values of the row."""
    constraint = getattr(getattr(getattr(exc, "orig", None), "diag", None),
                         "constraint_name", None)
    row.failures = (row.failures or 0) + 1
    row.last_error = (type(exc).__name__ + (f" ({constraint})" if constraint else ""))[:200]
    if row.failures >= MAX_FAILURES:
        row.parked_at, row.next_at = now, None
    else:
        row.next_at = now + timedelta(minutes=2 ** row.failures)
    logger.error("follow-up %s set aside after failure %d: %s", row.id, row.failures,
                 row.last_error)


def parked_follow_ups(actor, limit: int = 200):
    """Follow-ups the sweep parked, for administrators to look at and retry."""
    from ..errors import Forbidden
    if not actor.has_role("admin"):
        raise Forbidden("permission", N_("an administrator looks after parked follow-ups"))
    return db.session.scalars(select(Deadline).where(Deadline.parked_at.is_not(None),
                                                     Deadline.status == DeadlineStatus.pending)
                              .order_by(Deadline.parked_at).limit(limit)).all()


def retry_parked(actor, deadline_id) -> Deadline:
    """An administrator sends a parked follow-up back to the sweep."""
    from ..audit.service import record
    from ..errors import Forbidden, NotFound
    if not actor.has_role("admin"):
        raise Forbidden("permission", N_("an administrator looks after parked follow-ups"))
    from ..database import get_or_404
    row = get_or_404(Deadline, deadline_id, "follow_up")
    if row.parked_at is None:
        raise NotFound("follow_up")
    row.failures, row.parked_at = 0, None
    row.next_at = _next_at(row)
    record(actor, "follow_up.retry", "deadline", row.id, case_id=row.case_id,
           purpose="administration")
    return row


def deliver_outbox(limit: int = 200) -> int:
    """Send pending emails after the commit that wrote them (at least once)."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return 0
    import smtplib
    from email.message import EmailMessage
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")
                              .order_by(OutboxMessage.created_at).limit(limit)
                              .with_for_update(skip_locked=True)).all()
    sent = 0
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        for row in rows:
            message = EmailMessage()
            message["From"] = config["SMTP_FROM"]
            message["To"] = row.to_address
            message["Subject"] = row.subject
            message["Message-ID"] = row.message_id
            message.set_content(row.body)
            row.attempts += 1
            smtp.send_message(message)
            row.status, row.sent_at = "sent", utcnow()
            sent += 1
    db.session.commit()
    return sent


# ---- follow-ups for people -----------------------------------------------------------------

def my_follow_ups(user, now=None):
    from ..cases.models import Case
    now = now or utcnow()
    # Two index reads instead of one OR that no index answers: the follow-ups assigned to
    # me, and the unassigned ones of my open cases, read from those cases (an index of open
    # cases by caseworker), so neither grows with the country's unassigned follow-ups nor
    # with the cases I closed long ago.
    # Only the columns a follow-up shows (``follow_up_view``): no Deadline objects, none of
    # their JSON columns parsed.
    base = (select(*_FOLLOW_UP_COLUMNS, Case.reference).join(Case, Case.id == Deadline.case_id)
            .where(Deadline.status == DeadlineStatus.pending)
            .order_by(Deadline.due_at).limit(500))
    rows = read_rows(base.where(Deadline.assignee_id == user.id)).all()
    my_open_cases = select(Case.id).where(Case.assigned_to_id == user.id,
                                          Case.closed_at.is_(None))
    rows += read_rows(base.where(Deadline.assignee_id.is_(None),
                                 Deadline.case_id.in_(my_open_cases))).all()
    rows = sorted(rows, key=lambda row: row.due_at)[:500]
    return [follow_up_view(row, row.reference, now) for row in rows]


_FOLLOW_UP_COLUMNS = (Deadline.id, Deadline.case_id, Deadline.kind, Deadline.due_at,
                      Deadline.risk, Deadline.escalated_at, Deadline.late_reason)


def follow_up_view(row, reference, now):
    return {"id": row.id, "case_id": row.case_id, "case_reference": reference,
            "kind": row.kind, "label": LABELS.get(row.kind, row.kind.replace("_", " ")),
            "due_at": row.due_at, "risk": row.risk, "is_overdue": row.due_at <= now,
            "days_overdue": max(0, (now - row.due_at).days) if row.due_at <= now else 0,
            "escalated": row.escalated_at is not None, "late_reason": row.late_reason}


def notifications_for(user, unread_only=False, limit=100, columns=None):
    """The user's notifications, newest first: objects, or rows of ``columns`` only."""
    query = select(*(columns or (Notification,))).where(Notification.recipient_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc()).limit(limit)
    return db.session.execute(query).all() if columns else db.session.scalars(query).all()


def reassign(actor, row: Deadline, caseworker_id):
    """Who may: ``access.get_deadline_for(actor, id, SUPERVISE)``."""
    from ..accounts.models import User
    from ..audit.service import record
    from ..errors import Invalid
    try:
        user = db.session.get(User, uuid.UUID(str(caseworker_id)))
    except ValueError:
        user = None
    if user is None or user.agency_id != actor.agency_id or not user.has_role("caseworker"):
        raise Invalid("caseworker_id", N_("a caseworker of your agency"))
    row.assignee_id = user.id
    record(actor, "follow_up.reassign", "deadline", row.id, case_id=row.case_id,
           purpose="supervision")
    return row


def record_late_reason(actor, row: Deadline, reason: str):
    from ..audit.service import record
    from ..errors import Invalid
    if not (reason or "").strip():
        raise Invalid("reason", N_("say why it is late"))
    row.late_reason = reason.strip()
    record(actor, "follow_up.late_reason", "deadline", row.id, case_id=row.case_id,
           purpose="supervision")
    return row


def mark_met(actor, row: Deadline):
    from ..audit.service import record
    row.status = DeadlineStatus.met
    row.met_at = utcnow()
    row.next_at = None
    record(actor, "follow_up.met", "deadline", row.id, case_id=row.case_id,
           purpose="case management")
    return row


HAND_ESCALATION = "escalated_by_hand"  # Deadline.details key: when, by whom, the note


def escalate(actor, row: Deadline, note: str) -> Deadline:
    """A supervisor escalates an overdue follow-up from the dashboard, with a note: it
    becomes urgent (risk 3) and the caseworker and the supervisor's own supervisor (else
    the agency's other supervisors) are told. Once per planning of the follow-up: a second
    escalation is refused, and the sweep does not escalate it again either.
    Who may: ``access.get_deadline_for(actor, id, SUPERVISE)``."""
    from ..audit.service import record
    from ..errors import Invalid, Refused
    note = (note or "").strip()
    if not note:
        raise Invalid("note", N_("say why it is escalated and what must happen now"))
    if row.status != DeadlineStatus.pending:
        raise Refused("follow_up", N_("this follow-up is no longer open"))
    if row.due_at > utcnow():
        raise Refused("follow_up", N_("this follow-up is not overdue yet"))
    done = escalation_note(row)
    if done:
        raise Refused("follow_up", N_("this follow-up was already escalated on %(date)s"),
                      {"date": done["at"][:10]})
    now = utcnow()
    row.details = {**(row.details or {}), HAND_ESCALATION: {
        "occurrence": row.occurrence or 0, "at": now.isoformat(), "by": str(actor.id),
        "note": note[:2000]}}
    flag_modified(row, "details")
    row.risk = 3
    if row.escalated_at is None:
        row.escalated_at = now  # the sweep's own escalation would only repeat it
    row.next_at = _next_at(row)
    batch = SweepBatch([row])
    case = batch.case(row.case_id)
    assignee = row.assignee_id or (case.assigned_to_id if case else None)
    above = [actor.supervisor_id] if actor.supervisor_id else \
        [s for s in batch.supervisors(None, case) if s != actor.id]
    if actor.supervisor_id:
        batch._load_users(set(above))
    recipients = list(dict.fromkeys([r for r in [assignee, *above] if r and r != actor.id]))
    _notify(row, case, "hand_escalation", recipients, batch)
    batch.write()
    record(actor, "follow_up.escalate", "deadline", row.id, case_id=row.case_id,
           purpose="supervision", details={"told": len(recipients)})
    return row


def escalation_note(row) -> dict | None:
    """The hand escalation of the follow-up's current planning, if any: when, by whom, the
    note. ``row`` is a follow-up or a row of its ``details`` and ``occurrence`` columns. A
    re-planned follow-up (a new occurrence) may be escalated again."""
    done = (row.details or {}).get(HAND_ESCALATION)
    return done if done and done.get("occurrence") == (row.occurrence or 0) else None
