import uuid
from datetime import datetime

from sqlalchemy import DDL, BigInteger, event, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ..database import JSONType, Model, UTCDateTime, utcnow


class AuditEntry(Model):
    """One read or write of personal data, or one security event.

    ``seq`` orders the chain; ``entry_hash`` covers this entry's content and the previous
    entry's hash, so any edited, deleted or reordered entry breaks verification.
    Details hold ids and codes only, never names or narrative.
    """
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                    primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    purpose: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict | None] = mapped_column(JSONType)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


# DP-3: on PostgreSQL the table refuses UPDATE and DELETE, whoever asks.
AUDIT_APPEND_ONLY_DDL = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
AUDIT_APPEND_ONLY_DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""

event.listen(AuditEntry.__table__, "after_create",
             DDL(AUDIT_APPEND_ONLY_DDL).execute_if(dialect="postgresql"))
