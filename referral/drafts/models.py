import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import sealed
from ..database import Model, UTCDateTime, utcnow, uuid_pk


class FormDraft(Model):
    """What one user has typed so far into one form; the content is sealed (it is personal
    data before it is a case)."""
    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("user_id", "form_key"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id",
                                                          ondelete="CASCADE"))
    form_key: Mapped[str] = mapped_column(String(120))
    content = sealed()
    content_enc: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
