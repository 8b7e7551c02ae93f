import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import JSONType, Model, UTCDateTime, created_at, uuid_pk

SERVICES = {
    "accommodation": "Safe accommodation",
    "medical": "Medical care",
    "psychological": "Psychological support",
    "sexual_reproductive_health": "Sexual and reproductive health",
    "legal_counselling": "Legal counselling",
    "interpretation": "Interpretation",
    "material_assistance": "Material assistance",
    "education": "Education",
    "training_employment": "Training and employment",
    "childcare": "Childcare",
    "family_tracing": "Family tracing",
    "safe_return_support": "Safe return support",
}


class Provider(Model):
    __tablename__ = "provider"
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency.id"))
    description: Mapped[str | None] = mapped_column(Text)
    services: Mapped[list] = mapped_column(JSONType, default=list)
    # The provider's own intake policy: shown to caseworkers, never used as eligibility.
    genders_accepted: Mapped[list] = mapped_column(JSONType, default=list)  # [] = all
    min_age: Mapped[int | None] = mapped_column()
    max_age: Mapped[int | None] = mapped_column()
    languages: Mapped[list] = mapped_column(JSONType, default=list)
    capacity: Mapped[int | None] = mapped_column()
    address: Mapped[str | None] = mapped_column(String(400))
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    data_sharing_agreement: Mapped[bool] = mapped_column(default=False)
    dsa_reference: Mapped[str | None] = mapped_column(String(100))
    dsa_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = created_at()


class Referral(Model):
    """requested -> accepted | rejected -> completed | revoked."""
    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_case_id_status", "case_id", "status"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provider.id"), index=True)
    service: Mapped[str] = mapped_column(String(40))
    consent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consent.id"))
    override_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consent_override.id"))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    person_view: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = created_at()
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[Provider] = relationship(lazy="joined")
    case = relationship("Case")

    OPEN = ("requested", "accepted")


class ServiceOffer(Model):
    """A service offered to the person, who accepts or declines it (CO-3)."""
    __tablename__ = "service_offer"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    service: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("provider.id"))
    status: Mapped[str] = mapped_column(String(20), default="offered")
    offered_at: Mapped[datetime] = created_at()
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
