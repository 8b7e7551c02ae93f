import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..crypto import sealed
from ..database import JSONType, Model, UTCDateTime, created_at, uuid_pk

REVIEW_OUTCOMES = ("justified", "not_justified")


class NamedAccess(Model):
    """DP-7: one of the named staff who may open a restricted case."""
    __tablename__ = "named_access"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    granted_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = created_at()

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class BreakGlassAccess(Model):
    """DP-7: someone not named opened a restricted case, with a reason, for a limited time;
    a supervisor reviews every one."""
    __tablename__ = "break_glass_access"
    __table_args__ = (Index("ix_break_glass_user_case", "user_id", "case_id"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    review_outcome: Mapped[str | None] = mapped_column(String(20))
    review_note: Mapped[str | None] = mapped_column(Text)
    # What a "not justified" review undid, in counts (named access removed, a lifted
    # restriction restored, other changes left for the data protection officer to check).
    reverted: Mapped[dict | None] = mapped_column(JSONType)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def case_reference(self) -> str | None:
        from ..cases.models import Case
        from ..extensions import db
        case = db.session.get(Case, self.case_id)
        return case.reference if case else None


class Erasure(Model):
    """DP-5: what is left of an erased case — its reference, when, by whom, on what basis.
    No personal data."""
    __tablename__ = "erasure"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(unique=True)  # no FK: the case is gone
    case_reference: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    erased_at: Mapped[datetime] = created_at()
    erased_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    basis: Mapped[str] = mapped_column(String(40))  # retention_schedule | person_request
    rows_erased: Mapped[int] = mapped_column(default=0)


class CaseRestriction(Model):
    """DP-7: one period during which a case was restricted to named staff, and why."""
    __tablename__ = "case_restriction"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    reason = sealed()  # may describe the threat to the person
    reason_enc: Mapped[str | None] = mapped_column(Text)
    restricted_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    restricted_at: Mapped[datetime] = created_at()
    lifted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lift_reason: Mapped[str | None] = mapped_column(Text)
