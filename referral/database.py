"""Column types and helpers shared by every domain area's models."""
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, TypeDecorator, Uuid, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db

Model = db.Model

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """The current time, aware and in UTC. The one clock the services read."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def among_parameter(column, name: str, dialect: str):
    """``column IN (:name)`` for a statement built once, the values given as the parameter
    ``name`` at each execution; on PostgreSQL ``column = ANY(:name)``, one array parameter.

    An IN list is rendered with one parameter per value at every execution: a page of fifty
    cases in three such lists cost more CPU to render than the statements took to run."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


def created_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow, nullable=False)


def parse_id(value, what: str) -> uuid.UUID:
    """An id from a URL or a form as a UUID, or 404 naming what was asked for: a malformed
    id is a record that does not exist, never a 500."""
    from .errors import NotFound
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(what) from None


def get_or_404(model, value, what: str):
    """The row of ``model`` with this id, or 404 naming ``what``. Only area access loaders
    call this; handlers and views load through them."""
    from .errors import NotFound
    row = db.session.get(model, parse_id(value, what))
    if row is None:
        raise NotFound(what)
    return row


@contextmanager
def heavy_reads():
    """A session for reads where a few seconds of staleness are harmless (statistics,
    exports): on the replica when DATABASE_REPLICA_URL is set, else the request's own
    session. Nothing read through it is written back."""
    engine = db.engines.get("replica")
    if engine is None:
        yield db.session
        return
    with Session(engine) as session:
        yield session
