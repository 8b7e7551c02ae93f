"""Column types and helpers shared by every domain area's models."""
import uuid
from contextlib import contextmanager
from functools import cache
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


@cache
def on_demand_description_cursor():
    """A psycopg cursor class whose ``description`` builds its column objects when read.

    psycopg builds a list of column objects, reading each name and type from the result,
    every time ``description`` is read; SQLAlchemy reads it after every statement, but for a
    statement whose compiled form it holds (nearly all of them: statements are built once)
    it only asks whether there are columns. A page read forty-two columns wide spent about
    40 µs a statement on objects nobody looked at. Here the columns are built from the
    statement's own result the first time an item is read."""
    from collections.abc import Sequence

    import psycopg
    from psycopg.pq import ExecStatus

    rows_returned = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)

    class Described:
        """What a column object reads of its cursor, kept with the result it describes."""
        __slots__ = ("pgresult", "_encoding", "adapters")

        def __init__(self, cursor, result):
            self.pgresult, self._encoding, self.adapters = \
                result, cursor._encoding, cursor.adapters

    class Description(Sequence):
        __slots__ = ("_described", "_columns")

        def __init__(self, cursor, result):
            self._described, self._columns = Described(cursor, result), None

        def __len__(self):
            return self._described.pgresult.nfields

        def __getitem__(self, index):
            if self._columns is None:
                self._columns = [psycopg.Column(self._described, i) for i in range(len(self))]
            return self._columns[index]

    class OnDemandDescriptionCursor(psycopg.Cursor):
        @property
        def description(self):
            result = self.pgresult
            if result and (result.nfields or result.status in rows_returned):
                return Description(self, result)
            return None

    return OnDemandDescriptionCursor


def read_rows(statement, params=None):
    """The result of a statement that reads columns (not ORM objects), run on the session's
    connection, in its transaction.

    The session's own ``execute`` adds about 0.08 ms of CPU a statement (the ORM's compile
    state, its events, its result wrapping) that a read of plain columns does not use: the
    case file's timeline and a transition's facts run a dozen such reads a request. What the
    session would flush before a query (autoflush) is flushed here first too, so the read
    sees the request's own changes."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)
