"""``record(...)``: the one call every service makes for each read or write of personal data.

The entry joins the caller's transaction: if the change rolls back, so does its audit entry,
and if the audit entry cannot be written, the change fails with it (fail closed). The request
takes no chain-wide lock: the chainer (``chain.py``) links committed entries afterwards, in
order, with a keyed hash, and checkpoints the chain head outside the database.
"""
import uuid

from sqlalchemy import String, Uuid, bindparam, cast, event, func, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ..extensions import db
from ..database import JSONType, UTCDateTime, utcnow
from ..labels import N_
from .chain import verify_chain  # noqa: F401  (the audit area's verification, for callers)
from .models import AuditEntry


def _actor_id(actor):
    if actor is None:
        return None
    value = getattr(actor, "id", actor)
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def record(actor, action: str, object_type: str, object_id=None, *, case_id=None,
           purpose: str, details: dict | None = None) -> None:
    """Add an audit entry to the current transaction: who, when, action, object, purpose.
    Nothing is returned: an entry that a flush writes with the plain INSERT (an audited
    read's, ``write_pending_entries``) leaves the session without its id read back."""
    if not purpose:
        raise ValueError("an audit entry needs a purpose")
    entry = AuditEntry(at=utcnow(), actor_id=_actor_id(actor), action=action,
                       object_type=object_type,
                       object_id=str(object_id) if object_id is not None else None,
                       case_id=case_id, purpose=purpose, details=details or None)
    db.session.add(entry)


_COLUMNS = tuple(c.key for c in AuditEntry.__table__.columns if not c.primary_key)
# inline: no RETURNING of the new ids (nothing reads them; the chainer links entries later).
_INSERT = insert(AuditEntry.__table__).inline()


def _per_case_insert():
    """INSERT ... SELECT over an array of case ids, in their order: one statement for a whole
    page of cases on PostgreSQL."""
    table = AuditEntry.__table__
    ids = (func.unnest(bindparam("case_ids", type_=ARRAY(Uuid)))
           .table_valued("case_id", with_ordinality="n").render_derived(name="shown"))
    rows = select(bindparam("at", type_=UTCDateTime), bindparam("actor_id", type_=Uuid),
                  bindparam("action", type_=String), literal("case"),
                  cast(ids.c.case_id, String), ids.c.case_id,
                  bindparam("purpose", type_=String),
                  bindparam("details", type_=JSONType)).order_by(ids.c.n)
    columns = ("at", "actor_id", "action", "object_type", "object_id", "case_id", "purpose",
               "details")
    return insert(table).from_select([table.c[name] for name in columns], rows)


_PER_CASE_INSERT = _per_case_insert()


def record_per_case(actor, action: str, case_ids, *, purpose: str, details: dict | None = None):
    """The entries ``record(actor, action, "case", id, case_id=id, ...)`` would add, one per
    distinct case of ``case_ids`` (None left out), in order, written at once: a side view
    showing fifty cases costs one statement for its audit, whatever its size."""
    if not purpose:
        raise ValueError("an audit entry needs a purpose")
    ids = list(dict.fromkeys(c for c in case_ids if c is not None))
    if not ids:
        return
    db.session.flush()  # entries already recorded in this request keep their place first
    values = {"at": utcnow(), "actor_id": _actor_id(actor), "action": action,
              "purpose": purpose, "details": details or None}
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_PER_CASE_INSERT, {"case_ids": ids, **values})
    else:
        db.session.execute(_INSERT, [{**values, "object_type": "case", "object_id": str(i),
                                      "case_id": i} for i in ids])


@event.listens_for(Session, "before_flush")
def _entries_by_plain_insert(session, flush_context, instances):
    write_pending_entries(session)


def write_pending_entries(session) -> bool:
    """At a flush whose only pending writes are audit entries (an audited read, at its first
    query after the read was recorded or at the commit): write them with one plain INSERT in
    the same transaction, in the order they were recorded, instead of the ORM's unit of work
    for them. Every column is written as the ORM writes it; the chainer links them afterwards
    as any other entry. Returns False (and writes nothing) when anything else is pending: the
    unit of work then writes it all, in the order its foreign keys need."""
    new = session.new
    if not new or session.deleted or session.dirty:
        return False
    if any(type(obj) is not AuditEntry for obj in new):
        return False
    entries = sorted(new, key=lambda obj: obj._sa_instance_state.insert_order)
    rows = [{name: getattr(entry, name) for name in _COLUMNS} for entry in entries]
    for entry in entries:
        session.expunge(entry)
    session.connection().execute(_INSERT, rows)
    return True


def entries_for_case(case_id, limit=500):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                              .order_by(AuditEntry.id).limit(limit)).all()


SEARCH_LIMIT = 500


def search_entries(actor, *, case_id=None, case_reference=None, username=None, action=None,
                   since=None, until=None, limit=200) -> list[AuditEntry]:
    """Audit entries for an auditor (any case) or a supervisor (their agency's cases, one
    case at a time). Filters combine; the newest come first. The search is itself audited."""
    from ..accounts.models import User
    from ..cases import access
    from ..cases.models import Case
    from ..errors import Forbidden, Invalid
    if case_reference:
        case_id = db.session.scalar(select(Case.id).where(
            Case.reference == case_reference.strip().upper()))
        if case_id is None:
            return []
    if actor.has_role("auditor", "dpo"):
        pass
    elif actor.has_role("supervisor"):
        if case_id is None:
            raise Forbidden("permission", N_("supervisors read the audit trail one case at a time"))
        access.get_case_for(actor, case_id)
    else:
        raise Forbidden("permission", N_("auditors, the data protection officer and supervisors "
                                         "read the audit trail"))
    if since and until and since > until:
        raise Invalid("until", N_("the end is before the start"))
    query = select(AuditEntry)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    if username:
        user_id = db.session.scalar(select(User.id).where(User.username == username.strip()))
        query = query.where(AuditEntry.actor_id == user_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip(), autoescape=True))
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at <= until)
    rows = db.session.scalars(query.order_by(AuditEntry.id.desc())
                              .limit(min(limit, SEARCH_LIMIT))).all()
    record(actor, "audit.search", "audit_entry", None, case_id=case_id, purpose="audit",
           details={"count": len(rows), "filters": sorted(
               k for k, v in {"case": case_id, "user": username, "action": action,
                              "since": since, "until": until}.items() if v)})
    return rows


def staff_names(user_ids) -> dict:
    from ..accounts.models import User
    ids = [i for i in user_ids if i]
    if not ids:
        return {}
    return {u.id: f"{u.display_name} ({u.username})"
            for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def access_entries(case_id) -> list[tuple]:
    """Every audited read and write of one case file in chain order, as
    (at, action, purpose, user), the user None for the system's own work."""
    from ..accounts.models import User
    return db.session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.purpose, User)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)).all()
