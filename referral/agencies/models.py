"""Work across agencies: transfers, case teams, case conferences, possible earlier referrals
(match keys and links) and cross-border handovers."""
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Agency, User
from ..crypto import sealed
from ..database import JSONType, Model, UTCDateTime, created_at, uuid_pk

TRANSFER_STATES = ("requested", "accepted", "declined", "cancelled")
# What a team member may see: the tracks, and the parts of the file beyond them.
TEAM_SCOPES = ("identity", "assistance", "shelter", "legal", "return", "plan", "conferences")
PARTICIPATION = ("attended", "view_given", "declined", "not_asked")
LEGAL_BASES = ("consent", "vital_interest", "legal_obligation", "international_agreement")
# A cross-border package is minimal: these and nothing else (CO-1, DP-1).
HANDOVER_CATEGORIES = ("identity", "contact", "needs", "risks", "languages")
HANDOVER_STATES = ("sent", "received", "first_contact", "closed", "withdrawn")
HANDOVER_EVENTS = ("received", "first_contact", "check_in", "closed")


class CaseTransfer(Model):
    """A case moving to another agency: requested, then accepted or declined by the receiving
    agency. Once accepted, the row stays as the sending agency's closed stub: reference, dates
    and where the case went, never personal data."""
    __tablename__ = "case_transfer"
    __table_args__ = (Index("ix_case_transfer_to_agency_id_status", "to_agency_id", "status"),
                      Index("ix_case_transfer_from_agency_id", "from_agency_id"))
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    case_reference: Mapped[str] = mapped_column(String(20))
    from_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    to_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent.id"))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    reason = sealed()
    reason_enc: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = created_at()
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(String(400))
    moved_follow_ups: Mapped[int] = mapped_column(default=0)

    from_agency: Mapped[Agency] = relationship(foreign_keys=[from_agency_id])
    to_agency: Mapped[Agency] = relationship(foreign_keys=[to_agency_id])

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)


class TeamMember(Model):
    """Staff of another agency (or the same) on one case, with a scope, on consent."""
    __tablename__ = "case_team_member"
    __table_args__ = (Index("ix_case_team_member_user_id_ended_at", "user_id", "ended_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    team_role: Mapped[str] = mapped_column(String(80))
    scope: Mapped[list] = mapped_column(JSONType, default=list)
    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent.id"), index=True)
    added_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = created_at()
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    agency: Mapped[Agency] = relationship()


class Conference(Model):
    """A case conference: scheduled as a follow-up, then held with attendance, the person's
    participation or view, and decisions whose actions become follow-ups. Minutes sealed."""
    __tablename__ = "case_conference"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    purpose: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled | held
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    participation: Mapped[str | None] = mapped_column(String(20))
    person_view = sealed()
    person_view_enc: Mapped[str | None] = mapped_column(Text)
    minutes = sealed()
    minutes_enc: Mapped[str | None] = mapped_column(Text)
    decisions = sealed(list)
    decisions_enc: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at()

    attendees: Mapped[list["ConferenceAttendee"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ConferenceAttendee.name")
    actions: Mapped[list["ConferenceAction"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ConferenceAction.due_at")

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)


class ConferenceAttendee(Model):
    __tablename__ = "conference_attendee"
    id: Mapped[uuid.UUID] = uuid_pk()
    conference_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_conference.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(200))
    agency_name: Mapped[str] = mapped_column(String(200))
    attended: Mapped[bool] = mapped_column(default=False)


class ConferenceAction(Model):
    """An action agreed at a conference: a follow-up (deadline) for its owner."""
    __tablename__ = "conference_action"
    id: Mapped[uuid.UUID] = uuid_pk()
    conference_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_conference.id", ondelete="CASCADE"), index=True)
    description = sealed()
    description_enc: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)


class MatchKey(Model):
    """One keyed hash of a person's name token, phonetic key, birth date or year, or
    nationality (``referral.agencies.matching``). Nothing here can be read back."""
    __tablename__ = "match_key"
    __table_args__ = (Index("ix_match_key_digest", "digest"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(String(1))
    digest: Mapped[str] = mapped_column(String(64))


class CaseLink(Model):
    """A possible earlier referral in another agency (found by match keys), and the request
    to link it (RR-5). The requesting agency learns only that a match exists; the holding
    agency sees the request against its own case and accepts or declines."""
    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "earlier_case_id"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    earlier_case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column()
    # found | requested | linked | declined
    status: Mapped[str] = mapped_column(String(20), default="found")
    found_at: Mapped[datetime] = created_at()
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case", foreign_keys=[case_id])
    earlier_case = relationship("Case", foreign_keys=[earlier_case_id])


class Handover(Model):
    """A consented, minimal package to a partner organisation in another country."""
    __tablename__ = "handover"
    __table_args__ = (Index("ix_handover_partner_agency_id_status", "partner_agency_id",
                            "status"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    case_reference: Mapped[str] = mapped_column(String(20))
    partner_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    country: Mapped[str] = mapped_column(String(2))
    legal_basis: Mapped[str] = mapped_column(String(40))
    categories: Mapped[list] = mapped_column(JSONType, default=list)
    package = sealed(dict)
    package_enc: Mapped[str | None] = mapped_column(Text)
    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent.id"), index=True)
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="sent")
    sent_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = created_at()

    partner: Mapped[Agency] = relationship()
    events: Mapped[list["HandoverEvent"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="HandoverEvent.at")

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)


class HandoverEvent(Model):
    __tablename__ = "handover_event"
    id: Mapped[uuid.UUID] = uuid_pk()
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id",
                                                              ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note = sealed()
    note_enc: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)
