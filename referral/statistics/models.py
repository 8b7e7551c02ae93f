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


class PublishedSeries(Model):
    """One series for one closed period (month '2026-03', quarter '2026-Q1', year '2026'),
    as the worker published it: cells keyed "dimension|value|outcome", suppressed cells
    null (DP-4). Published once and then frozen, so later publications of the same year
    cannot be differenced against it."""
    __tablename__ = "published_series"
    __table_args__ = (UniqueConstraint("series", "period", "threshold"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    series: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10), index=True)
    threshold: Mapped[int] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cells: Mapped[dict] = mapped_column(JSONType)
    summary: Mapped[dict] = mapped_column(JSONType, default=dict)  # decision times
