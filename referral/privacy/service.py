"""Privacy operations as plain service functions (API, pages, CLI and tasks call these).

- DP-7 restricted cases: only named staff open them; anyone else in scope breaks the glass
  with a reason and an MFA code, for a limited time, and a supervisor reviews it.
- DP-5 retention and erasure: a closed case is erased after the retention period; erasure
  (scheduled or on the person's request) is refused while a legal hold stands, and the hold
  and its reasons are visible.
- DP-6 the person's own file, with who has seen it.
"""
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import delete, func, or_, select, update

from ..accounts.models import Role, User
from ..accounts.service import check_code
from ..audit.service import access_entries, record
from ..cases import access
from ..cases.models import Case, Person
from ..database import utcnow
from ..errors import Forbidden, Invalid, NotFound, Refused
from ..extensions import db
from ..labels import N_
from .models import (REVIEW_OUTCOMES, BreakGlassAccess, CaseRestriction, Erasure,
                     NamedAccess)

MIN_REASON_LENGTH = 20


def _reason(value, field="reason") -> str:
    value = (value or "").strip()
    if len(value) < MIN_REASON_LENGTH:
        raise Invalid(field, N_("give a reason of at least %(count)s characters"),
                      {"count": MIN_REASON_LENGTH})
    return value


# --- DP-7: restricted cases ------------------------------------------------------------

def can_restrict(user: User, case: Case) -> bool:
    return user.has_role(Role.supervisor) and case.agency_id == user.agency_id


def can_manage_restriction(user: User, case: Case) -> bool:
    """Changing who is named, or lifting the restriction, takes a supervisor of the agency
    who is named on the case: never one who is only in through breaking the glass."""
    return can_restrict(user, case) and is_named(user, case)


def is_named(user: User, case: Case) -> bool:
    return db.session.scalar(select(NamedAccess.id).where(
        NamedAccess.case_id == case.id, NamedAccess.user_id == user.id)) is not None


def open_break_glass(user: User, case: Case) -> BreakGlassAccess | None:
    return db.session.scalar(select(BreakGlassAccess).where(
        BreakGlassAccess.case_id == case.id, BreakGlassAccess.user_id == user.id,
        BreakGlassAccess.expires_at > utcnow()).order_by(BreakGlassAccess.expires_at.desc()))


def may_open(user: User, case: Case) -> bool:
    return not case.is_restricted or is_named(user, case) or \
        open_break_glass(user, case) is not None


READ_METHODS = ("GET", "HEAD", "OPTIONS")


@access.register_case_guard
def _restricted_case_guard(user: User, case: Case):
    """DP-7: named staff open a restricted case; a break-the-glass opening lets its opener
    *read* the one case until it expires, and nothing else: a request that would change
    anything is refused."""
    if not case.is_restricted or is_named(user, case):
        return
    if open_break_glass(user, case) is None:
        raise Forbidden("DP-7", N_("this case is restricted to named staff; to open it, break "
                                   "the glass with a reason (time-limited and reviewed)"))
    if has_request_context() and request.method not in READ_METHODS:
        raise Forbidden("DP-7", N_("breaking the glass opens a restricted case for reading "
                                   "only; ask a named member of staff to make changes"))


@access.register_visibility
def _restricted_cases_visible_to_named_staff(viewer_id, now):
    return or_(Case.is_restricted.is_(False),
               Case.id.in_(select(NamedAccess.case_id).where(NamedAccess.user_id == viewer_id)),
               Case.id.in_(select(BreakGlassAccess.case_id).where(
                   BreakGlassAccess.user_id == viewer_id, BreakGlassAccess.expires_at > now)))


def _users(ids, agency_id) -> list[User]:
    ids = list(dict.fromkeys(ids or []))
    found = db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
    if len(found) != len(ids):
        raise Invalid("named_staff", N_("every named person must be an existing user"))
    return found


def restrict_case(actor: User, case_id, *, reason: str, named_staff=()) -> Case:
    """Restrict a case to named staff (the restricting supervisor is always named)."""
    case = access.get_case_for(actor, case_id, for_update=True)
    access.require(can_restrict(actor, case), "permission",
                   N_("only a supervisor of the case's agency restricts a case"))
    reason = _reason(reason)
    if case.is_restricted:
        raise Invalid("case", N_("the case is already restricted; change its named staff instead"))
    case.is_restricted = True
    db.session.add(CaseRestriction(case_id=case.id, reason=reason, restricted_by_id=actor.id))
    people = {u.id: u for u in _users(named_staff, case.agency_id)}
    people[actor.id] = actor
    if case.assigned_to_id and case.assigned_to_id not in people:
        people[case.assigned_to_id] = db.session.get(User, case.assigned_to_id)
    for user in people.values():
        db.session.add(NamedAccess(case_id=case.id, user_id=user.id, granted_by_id=actor.id))
    record(actor, "case.restrict", "case", case.id, case_id=case.id,
           purpose="DP-7 restriction to named staff", details={"named": len(people)})
    db.session.flush()
    return case


def name_staff(actor: User, case_id, *, add=(), remove=()) -> list[NamedAccess]:
    case = access.get_case_for(actor, case_id, for_update=True)
    access.require(can_restrict(actor, case), "permission",
                   N_("only a supervisor of the case's agency changes the named staff"))
    if not case.is_restricted:
        raise Invalid("case", N_("the case is not restricted"))
    access.require(can_manage_restriction(actor, case), "DP-7",
                   N_("only a supervisor named on the restricted case changes its named "
                      "staff"))
    if actor.id in set(remove):
        raise Invalid("remove", N_("you cannot remove yourself; ask another supervisor"))
    for user in _users(add, case.agency_id):
        if not is_named(user, case):
            db.session.add(NamedAccess(case_id=case.id, user_id=user.id,
                                       granted_by_id=actor.id))
    if remove:
        db.session.execute(delete(NamedAccess).where(NamedAccess.case_id == case.id,
                                                     NamedAccess.user_id.in_(list(remove))))
    record(actor, "case.named_staff", "case", case.id, case_id=case.id,
           purpose="DP-7 restriction to named staff",
           details={"added": len(list(add)), "removed": len(list(remove))})
    db.session.flush()
    return named_staff(case)


def named_staff(case: Case) -> list[NamedAccess]:
    return db.session.scalars(select(NamedAccess).where(NamedAccess.case_id == case.id)
                              .order_by(NamedAccess.granted_at)).all()


def lift_restriction(actor: User, case_id, *, reason: str) -> Case:
    case = access.get_case_for(actor, case_id, for_update=True)
    access.require(can_restrict(actor, case), "permission",
                   N_("only a supervisor of the case's agency lifts a restriction"))
    reason = _reason(reason)
    if not case.is_restricted:
        raise Invalid("case", N_("the case is not restricted"))
    access.require(can_manage_restriction(actor, case), "DP-7",
                   N_("only a supervisor named on the restricted case lifts the "
                      "restriction"))
    current = db.session.scalar(select(CaseRestriction).where(
        CaseRestriction.case_id == case.id, CaseRestriction.lifted_at.is_(None)))
    if current is not None:
        current.lifted_at, current.lifted_by_id, current.lift_reason = utcnow(), actor.id, reason
    case.is_restricted = False
    db.session.execute(delete(NamedAccess).where(NamedAccess.case_id == case.id))
    record(actor, "case.unrestrict", "case", case.id, case_id=case.id,
           purpose="DP-7 restriction to named staff")
    db.session.flush()
    return case


def break_the_glass(actor: User, case_id, *, reason: str, otp: str | None) -> BreakGlassAccess:
    """Open a restricted case one is not named on: a reason, a fresh MFA code (step-up),
    a time limit, an audit entry, and a supervisor's review to follow."""
    case = access.get_case_for(actor, case_id, guarded=False)  # scope still applies (404)
    if not case.is_restricted:
        raise Invalid("case", N_("the case is not restricted; open it as usual"))
    if is_named(actor, case):
        raise Invalid("case", N_("you are named on this case; open it as usual"))
    reason = _reason(reason)
    if not actor.mfa_secret:
        raise Refused("DP-7", N_("breaking the glass needs multi-factor authentication; "
                                 "enrol first"))
    check_code(actor, otp, "break_glass")  # counted, paused after too many, audited
    hours = int(current_app.config["BREAK_GLASS_HOURS"])
    opening = BreakGlassAccess(case_id=case.id, user_id=actor.id, reason=reason,
                               expires_at=utcnow() + timedelta(hours=hours))
    db.session.add(opening)
    db.session.flush()
    record(actor, "case.break_glass", "case", case.id, case_id=case.id,
           purpose="DP-7 break-the-glass", details={"access": str(opening.id),
                                                     "hours": hours})
    return opening


def break_glass_to_review(actor: User) -> list[BreakGlassAccess]:
    """Unreviewed openings on the supervisor's agency's cases, oldest first."""
    if not actor.has_role(Role.supervisor):
        return []
    return db.session.scalars(
        select(BreakGlassAccess).join(Case, Case.id == BreakGlassAccess.case_id)
        .where(Case.agency_id == actor.agency_id, BreakGlassAccess.reviewed_at.is_(None))
        .order_by(BreakGlassAccess.opened_at)).all()


def review_break_glass(actor: User, access_id, *, outcome: str, note: str | None = None):
    opening = db.session.get(BreakGlassAccess, access_id)
    case = db.session.get(Case, opening.case_id) if opening else None
    if opening is None or case.agency_id != actor.agency_id:
        raise NotFound("break_glass")
    access.require(actor.has_role(Role.supervisor), "permission",
                   N_("a supervisor reviews break-the-glass openings"))
    if opening.user_id == actor.id:
        raise Forbidden("permission", N_("another supervisor reviews your own opening"))
    if opening.reviewed_at is not None:
        raise Invalid("break_glass", N_("already reviewed"))
    if outcome not in REVIEW_OUTCOMES:
        raise Invalid("outcome", N_("one of %(choices)s"), {"choices": ", ".join(REVIEW_OUTCOMES)})
    if outcome == "not_justified":
        note = _reason(note, "note")
    window_end = min(opening.expires_at, utcnow())
    if outcome == "not_justified":
        opening.expires_at = window_end  # ends it now
    opening.reviewed_by_id, opening.reviewed_at = actor.id, utcnow()
    opening.review_outcome, opening.review_note = outcome, note
    record(actor, "case.break_glass_review", "break_glass_access", opening.id,
           case_id=opening.case_id, purpose="DP-7 break-the-glass review",
           details={"outcome": outcome})
    if outcome == "not_justified":
        opening.reverted = _revert_opening(actor, opening, case, window_end)
        _alert_data_protection_officer(case, opening)
    db.session.flush()
    return opening


# Reads and the opening itself are not changes; anything else the opener recorded on the
# case while the opening ran is (and should not have been possible: the guard refuses it).
_NOT_CHANGES = (".read", ".list", ".search", ".subject_access_export", ".access_log",
                "case.break_glass")


def _revert_opening(reviewer: User, opening: BreakGlassAccess, case: Case, window_end):
    """Undo what the opener did to the restriction while the opening ran: named access they
    gained or granted is removed, a restriction they lifted is restored (to the supervisor
    who restricted it and the assigned caseworker). Other changes are counted for the data
    protection officer. Returns the counts, also audited."""
    start, opener = opening.opened_at, opening.user_id
    gained = db.session.scalars(select(NamedAccess).where(
        NamedAccess.case_id == case.id, NamedAccess.granted_at >= start,
        NamedAccess.granted_at <= window_end,
        or_(NamedAccess.user_id == opener, NamedAccess.granted_by_id == opener))).all()
    for row in gained:
        db.session.delete(row)
    restored = False
    lifted = db.session.scalar(select(CaseRestriction).where(
        CaseRestriction.case_id == case.id, CaseRestriction.lifted_by_id == opener,
        CaseRestriction.lifted_at >= start, CaseRestriction.lifted_at <= window_end)
        .order_by(CaseRestriction.lifted_at.desc()).limit(1))
    if lifted is not None and not case.is_restricted:
        case.is_restricted, restored = True, True
        db.session.add(CaseRestriction(
            case_id=case.id, restricted_by_id=reviewer.id,
            reason="restored: lifted during a break-the-glass opening judged not justified"))
        db.session.flush()
        named = set(db.session.scalars(select(NamedAccess.user_id).where(
            NamedAccess.case_id == case.id)))
        for user_id in {lifted.restricted_by_id, case.assigned_to_id} - {None, opener} - named:
            db.session.add(NamedAccess(case_id=case.id, user_id=user_id,
                                       granted_by_id=reviewer.id))
    from ..audit.models import AuditEntry
    other = [action for action in db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.case_id == case.id, AuditEntry.actor_id == opener,
        AuditEntry.at >= start, AuditEntry.at <= window_end))
        if not action.endswith(_NOT_CHANGES) and not action.startswith("case.break_glass")
        and action not in ("case.named_staff", "case.unrestrict")]
    reverted = {"named_access_removed": len(gained), "restriction_restored": restored,
                "other_changes": len(other)}
    record(reviewer, "case.break_glass_revert", "break_glass_access", opening.id,
           case_id=case.id, purpose="DP-7 break-the-glass review", details=reverted)
    return reverted


def _alert_data_protection_officer(case: Case, opening: BreakGlassAccess):
    """An in-app alert (and an email where configured) to the data protection officers of
    the case's agency, or to every one where the agency has none. Reference only (DP-8)."""
    from ..accounts.models import UserRole
    from ..reminders.models import Notification, OutboxMessage

    def officers(*where):
        return db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                  .where(UserRole.role == Role.dpo,
                                         User.is_active_account.is_(True), *where)).all()
    recipients = officers(User.agency_id == case.agency_id) or officers()
    message = f"{case.reference}: a break-the-glass opening was judged not justified"
    for officer in recipients:
        note = Notification(recipient_id=officer.id, case_id=case.id,
                            case_reference=case.reference, kind="dpo_alert", message=message)
        db.session.add(note)
        db.session.flush()
        if officer.email:
            db.session.add(OutboxMessage(
                message_id=f"<{note.id}@referral>", notification_id=note.id,
                to_address=officer.email, subject=message,
                body=message + "\nOpen referral to see what was undone.",
                status="pending" if current_app.config.get("SMTP_HOST") else "skipped"))
    record(None, "case.break_glass_alert", "break_glass_access", opening.id, case_id=case.id,
           purpose="DP-7 break-the-glass review", details={"officers": len(recipients)})


def alerts_for(officer: User) -> list[BreakGlassAccess]:
    """Openings judged not justified on the cases the officer was alerted about, newest
    first."""
    from ..reminders.models import Notification
    access.require(officer.has_role(Role.dpo), "permission",
                   N_("the data protection officer reads these alerts"))
    alerted = select(Notification.case_id).where(Notification.recipient_id == officer.id,
                                                  Notification.kind == "dpo_alert")
    rows = db.session.scalars(select(BreakGlassAccess).where(
        BreakGlassAccess.review_outcome == "not_justified",
        BreakGlassAccess.case_id.in_(alerted)).order_by(BreakGlassAccess.reviewed_at.desc())
        .limit(200)).all()
    for row in rows:
        record(officer, "case.break_glass_alert_read", "break_glass_access", row.id,
               case_id=row.case_id, purpose="DP-7 data protection oversight")
    return rows


# --- DP-5: retention and erasure ---------------------------------------------------------

def legal_hold_items(case: Case) -> list[tuple[str, str, str]]:
    """What holds the file: (``proceeding`` or ``claim``, its kind, its status) for each open
    proceeding (appeals included) and each compensation claim still filed, or awarded and
    not yet paid (``workflows.claims``: paid, refused or withdrawn, a claim holds nothing)."""
    from workflows.claims import COMPENSATION
    from ..legal.models import OPEN_STATUSES, CompensationClaim, Proceeding
    items = [("proceeding", p.kind, p.status) for p in db.session.scalars(
        select(Proceeding).where(Proceeding.case_id == case.id,
                                 Proceeding.status.in_(OPEN_STATUSES)))]
    items += [("claim", c.kind, c.status) for c in db.session.scalars(
        select(CompensationClaim).where(
            CompensationClaim.case_id == case.id,
            CompensationClaim.status.in_(sorted(COMPENSATION.holds_erasure))))]
    return items


def legal_hold_reasons(case: Case) -> list[str]:
    """The hold in words (English, as the API and audit carry it)."""
    return [f"{kind.replace('_', ' ')} {what} {status}"
            for what, kind, status in legal_hold_items(case)]


def _retention_period() -> timedelta:
    years = int(current_app.config["RETENTION_YEARS_AFTER_CLOSURE"])
    return timedelta(days=round(365.25 * years))


def erase_after(case: Case):
    if case.closed_at is None:
        return None
    return case.closed_at + _retention_period()


def retention_status(case: Case) -> dict:
    reasons = legal_hold_reasons(case)
    due_at = erase_after(case)
    return {"closed_at": case.closed_at, "erase_after": due_at,
            "due": due_at is not None and due_at <= utcnow(),
            "legal_hold": bool(reasons), "hold_reasons": reasons}


ERASURE_BASES = ("retention_schedule", "person_request")


def _dependent_rows(case_id) -> dict:
    """Every row that hangs off the case, table by table, following foreign keys."""
    tables = db.metadata.sorted_tables
    case_table = Case.__table__
    found = {case_table: {case_id}}
    frontier = [case_table]
    while frontier:
        parent = frontier.pop()
        for table in tables:
            if table is case_table or "id" not in table.c:
                continue
            for fk in table.foreign_keys:
                if fk.column.table is not parent:
                    continue
                ids = set(db.session.scalars(select(table.c.id).where(
                    fk.parent.in_(list(found[parent])))))
                new = ids - found.setdefault(table, set())
                if new:
                    found[table] |= new
                    frontier.append(table)
    found.pop(case_table)
    return found


def _forget_deleted(*deleted: dict):
    """Drop erased rows from the session's identity map so nothing stale is served."""
    from sqlalchemy import inspect as inspect_
    for obj in list(db.session.identity_map.values()):
        table = getattr(type(obj), "__table__", None)
        # The id from the identity key: an expired object's attributes would be reloaded
        # from a row that is gone.
        identity = inspect_(obj).identity
        row_id = identity[0] if identity and len(identity) == 1 else None
        if any(row_id in batch.get(table, ()) for batch in deleted):
            db.session.expunge(obj)


def erase_case(actor: User | None, case: Case, *, basis: str) -> Erasure:
    """Erase a case and everything that hangs off it; the person too when no other case of
    theirs remains. Refused (DP-5) while a legal hold stands. The audit trail keeps its
    entries (ids and codes only) and an erasure record keeps the reference."""
    if basis not in ERASURE_BASES:
        raise Invalid("basis", N_("one of %(choices)s"), {"choices": ", ".join(ERASURE_BASES)})
    reasons = legal_hold_reasons(case)
    if reasons:
        raise Refused("DP-5", N_("legal hold: %(reasons)s"), {"reasons": "; ".join(reasons)})
    if basis == "retention_schedule":
        due_at = erase_after(case)
        if due_at is None or due_at > utcnow():
            raise Refused("DP-5", N_("the retention period has not ended"))
    rows = _dependent_rows(case.id)
    erased = 0
    for table in reversed(db.metadata.sorted_tables):
        ids = list(rows.get(table, ()))
        for start in range(0, len(ids), 500):
            erased += db.session.execute(
                delete(table).where(table.c.id.in_(ids[start:start + 500]))).rowcount
    db.session.execute(update(Case).where(Case.previous_case_id == case.id)
                       .values(previous_case_id=None))
    reference, agency_id, person_id, case_id = case.reference, case.agency_id, \
        case.person_id, case.id
    db.session.execute(delete(Case.__table__).where(Case.__table__.c.id == case_id))
    others = db.session.scalar(select(func.count()).select_from(Case)
                               .where(Case.person_id == person_id))
    if not others:
        db.session.execute(delete(Person.__table__).where(Person.__table__.c.id == person_id))
    _forget_deleted(rows, {Case.__table__: {case_id}, Person.__table__: {person_id}})
    erasure = Erasure(case_id=case_id, case_reference=reference, agency_id=agency_id,
                      erased_by_id=actor.id if actor else None, basis=basis,
                      rows_erased=erased + 1)
    db.session.add(erasure)
    record(actor, "case.erase", "case", case_id, case_id=case_id,
           purpose="DP-5 retention and erasure", details={"basis": basis,
                                                           "rows": erased + 1})
    db.session.flush()
    return erasure


def request_erasure(actor: User, case_id) -> Erasure:
    """The person asks for their file to be erased; a supervisor carries it out."""
    case = access.get_case_for(actor, case_id, for_update=True)
    access.require(actor.has_role(Role.supervisor) and case.agency_id == actor.agency_id,
                   "permission", N_("a supervisor of the case's agency erases a file"))
    return erase_case(actor, case, basis="person_request")


def run_retention(now=None) -> dict:
    """Erase every closed case past its retention date that no legal hold keeps."""
    cutoff = (now or utcnow()) - _retention_period()
    due = db.session.scalars(select(Case).where(Case.closed_at.is_not(None),
                                                Case.closed_at <= cutoff)).all()
    erased, held = [], []
    for case in due:
        reasons = legal_hold_reasons(case)
        if reasons:
            held.append((case.reference, reasons))
            continue
        erased.append(erase_case(None, case, basis="retention_schedule").case_reference)
    return {"erased": erased, "held": held}


# --- DP-6: the person's own file ---------------------------------------------------------

# What the person's copy leaves out: privileged legal advice, and staff or system plumbing
# that is about staff, not about the person.
EXPORT_EXCLUDED_TABLES = {"legal_note", "named_access", "break_glass_access",
                          "case_restriction", "notification", "outbox_message",
                          "legal_aid_assignment", "refused_attempt"}
# Third parties: other people named in the file (the referrer, a guardian, recipients, the
# decision maker) are redacted; the person sees organisations and roles, not colleagues.
# Areas whose records are best read as a whole (the assistance plan) give a section opened
# and worded for the person (``register_person_section``); their tables are left out of the
# raw records.
_person_sections = []  # (tables, fn(case, person) -> {"key", "title", "language", "blocks"})


def register_person_section(tables, fn):
    _person_sections.append((frozenset(tables), fn))
    return fn


THIRD_PARTY_COLUMNS = {"referred_by", "guardian_name", "recipient_name", "decision_maker"}
# Free-form JSON about the person keeps only its coded keys; the rest may name someone (the
# alleged recruiter, above all) and is redacted.
CODED_KEYS = {"recruitment": {"method", "country", "means"}}
# Columns that name a member of staff without a foreign key to them.
STAFF_COLUMNS = {"actor_id", "user_id", "assignee_id", "author_id", "recipient_id"}
PLUMBING_COLUMNS = {"case_id", "version"}
REDACTED = "[redacted: third party]"

# Areas whose rows hold sealed content (notes, documents, corrections) give the person's copy
# their own records: table name -> fn(case) returning a list of dicts, or None to leave the
# table out (a document's chunks, folded into its document).
_export_sections = {}


def register_export_section(table_name: str):
    def wrap(fn):
        _export_sections[table_name] = fn
        return fn
    return wrap


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, (int, float, str, bool, list, dict)) or value is None:
        return value
    return str(value)


def _is_staff_column(column) -> bool:
    """A member of staff's id: a foreign key to an account, or a column that names one."""
    return column.name in STAFF_COLUMNS or column.name.endswith("_by_id") or any(
        fk.column.table.name == "user_account" for fk in column.foreign_keys)


def _redacted(name: str, value):
    if value in (None, "", [], {}):
        return _plain(value)
    if name in THIRD_PARTY_COLUMNS:
        return REDACTED
    if name in CODED_KEYS and isinstance(value, dict):
        return {key: (item if key in CODED_KEYS[name] else REDACTED)
                for key, item in value.items()}
    return _plain(value)


def _model_of(table):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None


def _export_row(table, obj) -> dict:
    """One row as the person receives it: sealed fields opened, staff ids left out, third
    parties redacted, search indexes and plumbing dropped."""
    from ..crypto import sealed_attributes
    sealed_names = set(sealed_attributes(type(obj)))
    mapper, data = type(obj).__mapper__, {}
    for column in table.c:
        name = column.name
        if name.endswith("_index") or name in PLUMBING_COLUMNS or _is_staff_column(column):
            continue
        attribute = mapper.get_property_by_column(column).key
        if attribute.endswith("_enc") and attribute[:-4] in sealed_names:
            name = attribute = attribute[:-4]
        data[name] = _redacted(name, getattr(obj, attribute))
    return data


def subject_access_export(actor: User, case_id) -> dict:
    """The person's file as they are entitled to receive it (DP-6), with who has seen it:
    every record about them with its sealed fields opened, privileged legal advice, other
    people and staff identities left out."""
    case = access.get_case_for(actor, case_id)
    access.require(access.can_view_case_file(actor, case), "permission",
                   N_("a caseworker or supervisor of the case prepares the person's copy"))
    person = db.session.get(Person, case.person_id)
    export = {
        "prepared_at": utcnow().isoformat(),
        "person": {
            "given_name": person.given_name, "family_name": person.family_name,
            "known_as": person.known_as,
            "date_of_birth": _plain(person.date_of_birth),
            "aliases": person.aliases or [], "age_estimate": person.age_estimate,
            "contact": person.contact, "safe_contact": person.safe_contact,
            "sex": person.sex, "gender": person.gender, "nationality": person.nationality,
            "languages": person.languages, "interpreter_needed": person.interpreter_needed,
        },
        "case": _export_row(Case.__table__, case),
        "records": {},
        "sections": [fn(case, person) for _, fn in _person_sections],
        "seen_by": seen_by(case),
    }
    sectioned = {name for tables, _ in _person_sections for name in tables}
    for table, ids in sorted(_dependent_rows(case.id).items(), key=lambda kv: kv[0].name):
        if table.name in EXPORT_EXCLUDED_TABLES or table.name in sectioned:
            continue
        if table.name in _export_sections:
            records = _export_sections[table.name](case)
            if records is not None:
                export["records"][table.name] = records
            continue
        model = _model_of(table)
        rows = db.session.scalars(select(model).where(model.id.in_(list(ids)))).all()
        export["records"][table.name] = [_export_row(table, row) for row in rows]
    record(actor, "case.subject_access_export", "case", case.id, case_id=case.id,
           purpose="DP-6 the person's copy of their file")
    return export


def seen_by(case: Case) -> list[dict]:
    """Every read and write of the file: when, which organisation and role, what for (the
    same trail as the staff's access log, without staff names)."""
    return [{"at": at.isoformat(), "action": action, "purpose": purpose,
             "organisation": user.agency.name if user else "the system",
             "roles": sorted(r.value for r in user.roles) if user else []}
            for at, action, purpose, user in access_entries(case.id)]
