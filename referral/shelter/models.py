import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import sealed
from ..database import Model, UTCDateTime, created_at, utcnow, uuid_pk


class Stay(Model):
    __tablename__ = "stay"
    __table_args__ = (Index("ix_stay_shelter_agency_id_left_at", "shelter_agency_id",
                            "left_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    shelter_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("provider.id"))
    consent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consent.id"))
    room: Mapped[str | None] = mapped_column(String(40))
    admitted_at: Mapped[datetime] = created_at()
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_note: Mapped[str | None] = mapped_column(Text)

    case = relationship("Case", lazy="joined")
    restrictions: Mapped[list["Restriction"]] = relationship(
        back_populates="stay", lazy="selectin", order_by="Restriction.imposed_at")

    @property
    def is_current(self) -> bool:
        return self.left_at is None

    def active_restrictions(self, at=None):
        at = at or utcnow()
        return [r for r in self.restrictions if r.is_active(at)]

    @property
    def is_voluntary(self) -> bool:
        """SH-1: voluntary unless a restriction of movement is in force right now."""
        return not self.active_restrictions()


class Restriction(Model):
    """SH-2: exceptional, with a legal basis, a decision-maker, a safety reason, a fixed
    expiry and a review date; it lapses at expiry and never renews by itself."""
    __tablename__ = "restriction"
    id: Mapped[uuid.UUID] = uuid_pk()
    stay_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stay.id", ondelete="CASCADE"),
                                               index=True)
    legal_basis: Mapped[str] = mapped_column(String(400))
    decision_maker: Mapped[str] = mapped_column(String(200))
    grounds: Mapped[str] = mapped_column(String(20))  # safety (the only acceptable grounds)
    reason: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(40))  # ``restriction.impose``
    person_view = sealed()  # ID-6, in the person's words, or "declined"
    person_view_enc: Mapped[str | None] = mapped_column(Text)
    imposed_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lift_reason: Mapped[str | None] = mapped_column(Text)
    imposed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    stay: Mapped[Stay] = relationship(back_populates="restrictions")

    def is_active(self, at=None) -> bool:
        at = at or utcnow()
        return self.lifted_at is None and self.expires_at > at


class Outing(Model):
    """SH-5: leaving for court, a lawyer or a doctor, always allowed and only logged."""
    __tablename__ = "outing"
    id: Mapped[uuid.UUID] = uuid_pk()
    stay_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stay.id", ondelete="CASCADE"),
                                               index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    left_at: Mapped[datetime] = created_at()
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HeldItem(Model):
    """SH-4: documents, phones and keys held by the shelter, logged and returned on request."""
    __tablename__ = "held_item"
    id: Mapped[uuid.UUID] = uuid_pk()
    stay_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stay.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(String(20))  # document | phone | keys | other
    description = sealed()  # may name documents and their numbers
    description_enc: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = created_at()
    return_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
