import enum
import uuid
from datetime import datetime

from sqlalchemy import (CheckConstraint, Enum, ForeignKey, Index, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import JSONType, Model, UTCDateTime, created_at, uuid_pk


class DeadlineStatus(str, enum.Enum):
    pending = "pending"      # the obligation is open (reminders may all have been sent)
    met = "met"              # the obligation was fulfilled
    cancelled = "cancelled"  # no longer applies (state changed)


# A follow-up's risk: 3 urgent (safety), 2 important, 1 routine; the riskiest come first.
RISK_LEVELS = (3, 2, 1)


class Deadline(Model):
    """One obligation with a due date: the scheduler of record.

    ``(case_id, kind, source_id)`` is unique so planning again after a state change updates
    the same row instead of adding one.
    """
    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "source_key", name="one_per_obligation"),
        CheckConstraint("risk BETWEEN 1 AND 3", name="risk_is_a_level"),
        # The sweep reads only rows with something still to send ...
        Index("ix_deadline_pending_next_at", "next_at",
              postgresql_where=text("status = 'pending' AND next_at IS NOT NULL"),
              sqlite_where=text("status = 'pending' AND next_at IS NOT NULL")),
        # ... and the overdue dashboard only open obligations, whatever the number of cases.
        Index("ix_deadline_pending_due_at", "due_at", "risk",
              postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        # ... and a supervisor's dashboard only their agency's: it reads tens of rows, not
        # the agency's cases nor the whole country's open obligations.
        Index("ix_deadline_pending_agency_id_due_at", "agency_id", "due_at",
              postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        # The dashboard shows the riskiest first: one short range read per risk level.
        Index("ix_deadline_pending_agency_id_risk_due_at", "agency_id", "risk", "due_at",
              postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        # ... and a caseworker's own follow-ups only theirs.
        Index("ix_deadline_pending_assignee_id_due_at", "assignee_id", "due_at",
              postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_file.id",
                                                                 ondelete="CASCADE"))
    # The case's agency (a case never changes agency), copied when the deadline is planned.
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # What the deadline belongs to (a stay restriction id, a hearing id...) or "" for the case.
    source_key: Mapped[str] = mapped_column(String(64), default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Reminder thresholds, in days before due_at, e.g. [7, 1]; sent ones are recorded.
    remind_days: Mapped[list] = mapped_column(JSONType, default=list)
    reminders_sent: Mapped[list] = mapped_column(JSONType, default=list)
    # When the sweep must next look at this row (next reminder, due, or escalation time);
    # NULL once everything has been sent.
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    risk: Mapped[int] = mapped_column(default=1)  # RISK_LEVELS: 1 routine .. 3 urgent (safety)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[DeadlineStatus] = mapped_column(
        Enum(DeadlineStatus, native_enum=False, length=20), default=DeadlineStatus.pending)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late_reason: Mapped[str | None] = mapped_column(Text)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Which planning of the obligation the sent reminders belong to. Re-planning a deadline
    # that has already reminded (a reflection period extended, a decision target moved)
    # starts a new occurrence, so its reminders are new notifications, never a clash with
    # the ones already sent.
    occurrence: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # A row the sweep could not process: how often in a row, the last error (its class and
    # constraint, never its values), and when it was parked for an administrator to look at.
    # One failing row never holds up the others.
    failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(String(200))
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = created_at()

    case = relationship("Case", viewonly=True)


class Notification(Model):
    """An in-app message to a member of staff (DP-8). It names the case by reference only.

    Unique per deadline occurrence, kind, threshold and recipient: the sweep can run twice,
    or on two workers at once, and still write it once.
    """
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("deadline_id", "occurrence", "kind", "days_before", "recipient_id",
                         name="once_per_threshold"),
        Index("ix_notification_recipient_id_read_at", "recipient_id", "read_at"),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    deadline_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deadline.id",
                                                                     ondelete="CASCADE"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_file.id",
                                                                 ondelete="CASCADE"))
    case_reference: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # reminder|overdue|escalation|hand_escalation
    deadline_kind: Mapped[str | None] = mapped_column(String(40))
    occurrence: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    days_before: Mapped[int] = mapped_column(default=-1)
    message: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at()
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Model):
    """An email to send after commit, at least once, with a stable Message-ID for dedupe."""
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_pending", "created_at",
                            postgresql_where=text("status = 'pending'"),
                            sqlite_where=text("status = 'pending'")),)
    id: Mapped[uuid.UUID] = uuid_pk()
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    notification_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("notification.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|sent|skipped
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
