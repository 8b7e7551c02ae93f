import uuid
from datetime import datetime

from sqlalchemy import (DDL, BigInteger, event, ForeignKey, Index, Integer, String, Text,
                        Uuid)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import JSONType, Model, UTCDateTime, utcnow


class AuditEntry(Model):
    """One read or write of personal data, or one security event.

    Written in the transaction of the change it records (no entry, no change). Its place in
    the tamper-evident chain is an ``AuditLink`` row that the chainer adds afterwards, so a
    request never waits for a chain-wide lock. Details hold ids and codes only, never names
    or narrative.
    """
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                    primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    purpose: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict | None] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)

    link: Mapped["AuditLink | None"] = relationship(
        primaryjoin="AuditEntry.id == foreign(AuditLink.entry_id)", uselist=False,
        viewonly=True, lazy="joined")

    @property
    def seq(self) -> int | None:
        """The entry's place in the chain; None until the chainer has linked it."""
        return self.link.seq if self.link is not None else None

    @property
    def entry_hash(self) -> str | None:
        return self.link.entry_hash if self.link is not None else None


class AuditLink(Model):
    """The chain: entry ``seq`` links one audit entry after the previous one.

    ``entry_hash`` is an HMAC-SHA256, under ``AUDIT_KEY`` (a key the database never holds),
    of every column of the entry, its ``seq`` and the previous link's hash: an edited,
    deleted, reordered or re-chained entry fails ``flask audit verify``. Only the chainer
    (the worker's beat task, or the verify/checkpoint step) writes links, one at a time in
    order; the table is append-only like the entries.
    """
    __tablename__ = "audit_link"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                          ForeignKey("audit_entry.id"), unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# DP-3: on PostgreSQL both tables refuse UPDATE and DELETE, whoever asks. (The application's
# database role has no UPDATE, DELETE, TRUNCATE or ownership either: docs/deployment.md.)
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def append_only_trigger(table: str) -> str:
    return (f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();")


AUDIT_APPEND_ONLY_DDL = APPEND_ONLY_FUNCTION + append_only_trigger("audit_entry")
AUDIT_APPEND_ONLY_DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
LINK_APPEND_ONLY_DDL = append_only_trigger("audit_link")
LINK_APPEND_ONLY_DROP = "DROP TRIGGER IF EXISTS audit_link_append_only ON audit_link;"

event.listen(AuditEntry.__table__, "after_create",
             DDL(AUDIT_APPEND_ONLY_DDL).execute_if(dialect="postgresql"))
event.listen(AuditLink.__table__, "after_create",
             DDL(LINK_APPEND_ONLY_DDL).execute_if(dialect="postgresql"))
