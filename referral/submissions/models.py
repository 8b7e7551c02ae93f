import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Model, UTCDateTime, created_at, uuid_pk


class Submission(Model):
    """A creating request, by its idempotency key: the first answer, given again to a
    resubmission (a double click, Back and submit, a client's retry) instead of acting twice.

    The answer of an API call can hold personal data, so its body is sealed; a page's answer
    is the address it sent the user to."""
    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("user_id", "key", name="one_answer_per_key"),
                      Index("ix_submission_created_at", "created_at"))
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id",
                                                          ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    endpoint: Mapped[str] = mapped_column(String(120))
    status: Mapped[int | None] = mapped_column()
    location: Mapped[str | None] = mapped_column(String(500))
    body_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
