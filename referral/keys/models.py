from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Model, created_at


class KeySentinel(Model):
    """A known text sealed with one encryption key (``encryption:<kid>``), or the blind
    index of a known text (``blind_index``), written the first time the app starts with
    that key. A later start with another key under the same id, or another blind-index key,
    finds that it does not match and refuses to start."""
    __tablename__ = "key_sentinel"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
