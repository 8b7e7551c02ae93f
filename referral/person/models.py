import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..crypto import sealed
from ..database import Model, created_at, uuid_pk


class PersonCorrection(Model):
    """One field of the person or the referral corrected: the value before and after, the
    reason, who and when. Values and reason are sealed: they are identity data. Rows of one
    correction share ``batch``."""
    __tablename__ = "person_correction"
    __table_args__ = (Index("ix_person_correction_case_id_corrected_at", "case_id",
                            "corrected_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    batch: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(40))
    before = sealed()
    before_enc: Mapped[str | None] = mapped_column(Text)
    after = sealed()
    after_enc: Mapped[str | None] = mapped_column(Text)
    reason = sealed()
    reason_enc: Mapped[str | None] = mapped_column(Text)
    corrected_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    corrected_at: Mapped[datetime] = created_at()

    corrected_by: Mapped[User] = relationship()

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)
