import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cases.models import Case
from ..crypto import sealed
from ..database import JSONType, Model, UTCDateTime, created_at, uuid_pk

# Who was told that the person went missing (MI-1): typed, so statistics and checks read
# them without opening anything.
TOLD = ("police", "guardian", "local_authority", "shelter", "legal_aid", "consulate", "other")


class MissingEpisode(Model):
    """One time a person went missing, and when they were found again. The case stays open
    and its protection holds throughout (MI-1). The place last seen and the circumstances
    are sealed; the times and who was told are plain, to be counted."""
    __tablename__ = "missing_episode"
    __table_args__ = (Index("ix_missing_episode_case_id_missing_since", "case_id",
                            "missing_since"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    missing_since: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_where = sealed()
    last_seen_where_enc: Mapped[str | None] = mapped_column(Text)
    circumstances = sealed()
    circumstances_enc: Mapped[str | None] = mapped_column(Text)
    told: Mapped[list] = mapped_column(JSONType, default=list)
    is_child: Mapped[bool] = mapped_column(default=False)  # at the time (CH-1)
    reported_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    found_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    found_where = sealed()
    found_where_enc: Mapped[str | None] = mapped_column(Text)
    found_told: Mapped[list] = mapped_column(JSONType, default=list)
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    escalations: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()
    status: Mapped[str] = mapped_column(String(10), default="missing")  # missing | found

    case: Mapped[Case] = relationship()

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()  # sealed fields bind to the row id
        super().__init__(**fields)

    @property
    def is_open(self) -> bool:
        return self.found_at is None
