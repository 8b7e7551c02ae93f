"""Cursors of lists read a page at a time: the sort key of a page's last row, opaque to the
client, read back into typed parts (a cursor this list did not give is a 400 on ``cursor``)."""
import base64
import uuid
from datetime import datetime

from .errors import Invalid
from .labels import N_

_PARSERS = {int: int, datetime: datetime.fromisoformat, uuid.UUID: uuid.UUID}
NOT_OURS = N_("is not a cursor this list gave")


def make_cursor(*parts) -> str:
    raw = "|".join(p.isoformat() if isinstance(p, datetime) else str(p) for p in parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_cursor(cursor: str, *kinds) -> tuple:
    """The parts ``make_cursor`` wrote, each read as its kind (int, datetime or uuid.UUID)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = raw.split("|")
        if len(parts) != len(kinds):
            raise ValueError(raw)
        return tuple(_PARSERS[kind](part) for kind, part in zip(kinds, parts))
    except (ValueError, UnicodeDecodeError):
        raise Invalid("cursor", NOT_OURS)
