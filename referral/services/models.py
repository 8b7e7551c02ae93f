import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import sealed
from ..database import JSONType, Model, UTCDateTime, created_at, uuid_pk
from ..labels import N_

# Service codes and their English names (the API and HSDS export use these names; the web
# pages show them translated).
SERVICES = {
    "accommodation": N_("Safe accommodation"),
    "medical": N_("Medical care"),
    "psychological": N_("Psychological support"),
    "sexual_reproductive_health": N_("Sexual and reproductive health"),
    "legal_counselling": N_("Legal counselling"),
    "interpretation": N_("Interpretation"),
    "material_assistance": N_("Material assistance"),
    "education": N_("Education"),
    "training_employment": N_("Training and employment"),
    "childcare": N_("Childcare"),
    "family_tracing": N_("Family tracing"),
    "safe_return_support": N_("Safe return support"),
}


class Provider(Model):
    __tablename__ = "provider"
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency.id"))
    description: Mapped[str | None] = mapped_column(Text)
    services: Mapped[list] = mapped_column(JSONType, default=list)
    # DP-1: what kind of recipient this is (consent.models.RECIPIENT_CATEGORIES)
    category: Mapped[str] = mapped_column(String(30), default="service_provider",
                                          server_default="service_provider")
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
    note = sealed()  # the person's needs, as the referring caseworker wrote them
    note_enc: Mapped[str | None] = mapped_column(Text)
    reason = sealed()
    reason_enc: Mapped[str | None] = mapped_column(Text)
    person_view = sealed()  # ID-6: the person's view of a rejection or revocation
    person_view_enc: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(40))  # ID-6 closed list
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
    reason_code: Mapped[str | None] = mapped_column(String(40))  # declined/withdrawn, ID-6
    person_view = sealed()  # ID-6, in the person's words
    person_view_enc: Mapped[str | None] = mapped_column(Text)

    case = relationship("Case")
