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
