import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import JSONType, Model, UTCDateTime, uuid_pk


class PublishedTable(Model):
    """A statistics table as last published by the worker: counts already suppressed
    (DP-4), so nothing here can identify anyone. One row per breakdown and threshold."""
    __tablename__ = "published_statistics"
    __table_args__ = (UniqueConstraint("breakdown", "threshold"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    breakdown: Mapped[str] = mapped_column(String(30))  # "all" or one of COLUMNS
    threshold: Mapped[int] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict] = mapped_column(JSONType)
