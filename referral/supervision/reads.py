"""The reads of a side view, written at once: one audit entry per case shown (DP-3, DP-6).

The same rows as ``cases.access.record_reads`` writes one ORM object at a time (actor,
``case.read`` against the case, the view and its purpose), in one statement: on PostgreSQL
an INSERT ... SELECT over the array of case ids, elsewhere one executemany. A dashboard page
then costs one statement for its reads, whatever the number of cases it shows.
"""
from sqlalchemy import String, Uuid, bindparam, cast, func, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY

from ..audit.models import AuditEntry
from ..audit.service import _actor_id
from ..database import JSONType, UTCDateTime, utcnow
from ..extensions import db

ACTION, OBJECT_TYPE = "case.read", "case"  # as ``access.record_read`` writes them

_table = AuditEntry.__table__
_COLUMNS = ("at", "actor_id", "action", "object_type", "object_id", "case_id", "purpose",
            "details")


def _unnest_insert():
    ids = (func.unnest(bindparam("case_ids", type_=ARRAY(Uuid)))
           .table_valued("case_id", with_ordinality="n").render_derived(name="shown"))
    rows = select(bindparam("at", type_=UTCDateTime), bindparam("actor_id", type_=Uuid),
                  literal(ACTION), literal(OBJECT_TYPE), cast(ids.c.case_id, String),
                  ids.c.case_id, bindparam("purpose", type_=String),
                  bindparam("details", type_=JSONType)).order_by(ids.c.n)
    return insert(_table).from_select([_table.c[name] for name in _COLUMNS], rows)


_UNNEST_INSERT = _unnest_insert()


def record_reads(user, case_ids, reading: str, purpose: str):
    """One ``case.read`` entry per distinct case in ``case_ids`` (None left out), in order,
    in the request's transaction: each shows in that person's "who has seen my file"."""
    if not purpose:
        raise ValueError("an audit entry needs a purpose")
    ids = list(dict.fromkeys(c for c in case_ids if c is not None))
    if not ids:
        return
    db.session.flush()  # entries already recorded in this request keep their place first
    at, actor_id, details = utcnow(), _actor_id(user), {"view": reading}
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_UNNEST_INSERT, {"case_ids": ids, "at": at, "actor_id": actor_id,
                                            "purpose": purpose, "details": details})
    else:
        db.session.execute(insert(_table), [
            {"at": at, "actor_id": actor_id, "action": ACTION, "object_type": OBJECT_TYPE,
             "object_id": str(case_id), "case_id": case_id, "purpose": purpose,
             "details": details} for case_id in ids])
