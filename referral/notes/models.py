import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..cases.models import Case
from ..crypto import sealed
from ..database import Model, UTCDateTime, created_at, uuid_pk

# Kinds of contact recorded in the log; "note" is a note with no contact.
CONTACT_KINDS = ("visit", "home_visit", "call", "message", "interview", "meeting",
                 "accompaniment", "note")


class CaseNote(Model):
    """One contact with (or about) the person, or a plain note. The note and the names of
    those who took part are sealed; the kind, time and interpreter are plain so the log can
    be listed and counted without opening anything."""
    __tablename__ = "case_note"
    __table_args__ = (Index("ix_case_note_case_id_occurred_at", "case_id", "occurred_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int | None] = mapped_column()
    person_present: Mapped[bool] = mapped_column(default=True)
    participants = sealed()  # who else took part: third parties, never in the person's copy
    participants_enc: Mapped[str | None] = mapped_column(Text)
    interpreter_used: Mapped[bool] = mapped_column(default=False)
    interpreter_language: Mapped[str | None] = mapped_column(String(20))
    body = sealed()
    body_enc: Mapped[str | None] = mapped_column(Text)
    # A follow-up of the same case this contact answers (a check-in, a deadline).
    follow_up_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deadline.id", ondelete="SET NULL"))
    # Who besides the case's own agency reads it: shelter staff of the person's current
    # shelter, the person's legal aid. Typed flags, not a list of words.
    shared_with_shelter: Mapped[bool] = mapped_column(default=False)
    shared_with_legal_aid: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    author_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    created_at: Mapped[datetime] = created_at()
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    corrections: Mapped[list["NoteCorrection"]] = relationship(
        order_by="NoteCorrection.created_at", cascade="all, delete-orphan",
        passive_deletes=True)

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()  # sealed fields bind to the row id
        super().__init__(**fields)


class NoteCorrection(Model):
    """Added to a note once its editing window has passed: the note is never rewritten."""
    __tablename__ = "case_note_correction"
    id: Mapped[uuid.UUID] = uuid_pk()
    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_note.id", ondelete="CASCADE"),
                                               index=True)
    body = sealed()
    body_enc: Mapped[str | None] = mapped_column(Text)
    reason = sealed()
    reason_enc: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at()

    author: Mapped[User] = relationship()

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)
