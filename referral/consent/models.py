import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import sealed
from ..database import JSONType, Model, UTCDateTime, created_at, uuid_pk

PURPOSES = ("service", "data_share", "referral", "interview_recording", "photograph",
            "medical_examination", "consular_contact", "cross_border_transfer",
            "proceedings_participation")
DATA_CATEGORIES = ("identity", "contact", "case_summary", "needs", "health", "legal",
                   "documents")
# DP-1: never a recipient, whatever anyone types.
FORBIDDEN_RECIPIENTS = ("media", "press", "journalist", "newspaper", "television", "tv",
                        "reporter", "journalists", "magazine", "broadcaster", "podcast",
                        "presse", "journaliste", "periodista", "prensa")
# DP-1: a recipient is typed by its category; a category, not a name, decides. "media" is
# on the list only so that it can be refused by name of category, whatever the name typed.
RECIPIENT_CATEGORIES = ("authority", "court", "prosecutor", "police", "ngo",
                        "service_provider", "legal_aid", "health", "embassy", "family",
                        "employer", "international_organisation", "media")
FORBIDDEN_CATEGORIES = frozenset({"media"})


class Consent(Model):
    """One consent, for one purpose and one recipient. Withdrawn, never deleted (CO-2).

    There is deliberately no field for "consent to exploitation" (CO-5, ID-3).
    """
    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_case_id_purpose", "case_id", "purpose"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("provider.id"))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_category: Mapped[str | None] = mapped_column(String(30))  # DP-1
    data_categories: Mapped[list] = mapped_column(JSONType, default=list)
    given_by: Mapped[str] = mapped_column(String(20))  # person | guardian
    guardian_name: Mapped[str | None] = mapped_column(String(400))
    child_views = sealed()
    child_views_enc: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(40))
    information_given = sealed()  # what the person was told, in their words
    information_given_enc: Mapped[str | None] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at()

    provider = relationship("Provider")

    def is_valid_at(self, at: datetime) -> bool:
        return (self.given_at <= at and self.withdrawn_at is None
                and (self.expires_at is None or self.expires_at > at))


class ConsentOverride(Model):
    """CO-4: acting without consent (danger to life, a child with no guardian yet) needs a
    permission, a written reason and a supervisor's approval."""
    __tablename__ = "consent_override"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("provider.id"))
    grounds: Mapped[str] = mapped_column(String(40))  # danger_to_life | child_without_guardian
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = created_at()
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecipientNotice(Model):
    """A message to a recipient agency that a consent was withdrawn and what stopped. It
    carries the case reference only (DP-8)."""
    __tablename__ = "recipient_notice"
    id: Mapped[uuid.UUID] = uuid_pk()
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200))
    case_reference: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at()
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
