"""``record(...)``: the one call every service makes for each read or write of personal data.

The entry joins the caller's transaction: if the change rolls back, so does its audit entry,
and if the audit entry cannot be written, the change fails with it (fail closed). Entries are
chained at flush time under a lock so the chain has one order whatever the concurrency.
"""
import hashlib
import json
import uuid

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from ..database import utcnow
from ..extensions import db
from ..labels import N_
from .models import AuditEntry

_CHAIN_LOCK_KEY = 0x5245464552  # any constant; "REFER"


def _actor_id(actor):
    if actor is None:
        return None
    value = getattr(actor, "id", actor)
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def record(actor, action: str, object_type: str, object_id=None, *, case_id=None,
           purpose: str, details: dict | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction: who, when, action, object, purpose."""
    if not purpose:
        raise ValueError("an audit entry needs a purpose")
    entry = AuditEntry(at=utcnow(), actor_id=_actor_id(actor), action=action,
                       object_type=object_type,
                       object_id=str(object_id) if object_id is not None else None,
                       case_id=case_id, purpose=purpose, details=details or None)
    db.session.add(entry)
    return entry


def entry_digest(entry: AuditEntry, prev_hash: str | None) -> str:
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_id": str(entry.actor_id) if entry.actor_id else None,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "case_id": str(entry.case_id) if entry.case_id else None,
        "purpose": entry.purpose,
        "details": entry.details,
        "prev": prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session, flush_context, instances):
    new = [obj for obj in session.new if isinstance(obj, AuditEntry) and obj.seq is None]
    if not new:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # Held until the transaction ends: one chain order, whatever the concurrency.
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    last = conn.execute(select(AuditEntry.seq, AuditEntry.entry_hash)
                        .where(AuditEntry.seq.is_not(None))
                        .order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq, prev = (last.seq, last.entry_hash) if last else (0, None)
    for entry in sorted(new, key=lambda e: e.at):
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev
        entry.entry_hash = entry_digest(entry, prev)
        prev = entry.entry_hash


def verify_chain(session=None) -> list[str]:
    """Walk the whole chain; return a list of problems (empty when intact)."""
    session = session or db.session
    problems = []
    prev_hash, expected_seq = None, 1
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)
                           .execution_options(yield_per=2000)).scalars()
    for entry in rows:
        if entry.seq != expected_seq:
            problems.append(f"entry seq {entry.seq}: expected seq {expected_seq} "
                            "(an entry was deleted or reordered)")
            expected_seq = entry.seq
        if entry.prev_hash != prev_hash:
            problems.append(f"entry seq {entry.seq}: does not follow the previous entry")
        if entry.entry_hash != entry_digest(entry, entry.prev_hash):
            problems.append(f"entry seq {entry.seq}: content does not match its hash "
                            "(edited)")
        prev_hash, expected_seq = entry.entry_hash, expected_seq + 1
    return problems


def entries_for_case(case_id, limit=500):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                              .order_by(AuditEntry.seq).limit(limit)).all()


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
    if actor.has_role("auditor"):
        pass
    elif actor.has_role("supervisor"):
        if case_id is None:
            raise Forbidden("permission", N_("supervisors read the audit trail one case at a time"))
        access.get_case_for(actor, case_id)
    else:
        raise Forbidden("permission", N_("auditors and supervisors read the audit trail"))
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
        .where(AuditEntry.case_id == case_id).order_by(AuditEntry.seq)).all()
