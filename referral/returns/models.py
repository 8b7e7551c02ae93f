import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import sealed
from ..database import Model, UTCDateTime, created_at, uuid_pk

RISK_LEVELS = ("low", "medium", "high")
OUTCOMES = ("return", "local_integration", "third_country")
MISSED_REASONS = ("unreachable", "declined", "moved", "unsafe_to_contact", "other")


class ReturnRequest(Model):
    """One person, one return (RR-1): there is no group or bulk return."""
    __tablename__ = "return_request"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    destination_country: Mapped[str] = mapped_column(String(40))
    requested_by_person: Mapped[bool] = mapped_column(default=True)
    person_words = sealed()  # the request, as the person put it
    person_words_enc: Mapped[str | None] = mapped_column(Text)
    receiving_organisation: Mapped[str | None] = mapped_column(String(200))
    requested_at: Mapped[datetime] = created_at()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case", viewonly=True)
    assessments: Mapped[list["ReturnAssessment"]] = relationship(
        lazy="selectin", order_by="ReturnAssessment.assessed_at")

    @property
    def latest_assessment(self):
        return self.assessments[-1] if self.assessments else None


class ReturnAssessment(Model):
    """RR-2, CH-5: what must be known before a return is approved."""
    __tablename__ = "return_assessment"
    id: Mapped[uuid.UUID] = uuid_pk()
    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("return_request.id",
                                                            ondelete="CASCADE"), index=True)
    risk_retaliation: Mapped[str | None] = mapped_column(String(10))
    risk_retrafficking: Mapped[str | None] = mapped_column(String(10))
    risk_stigma: Mapped[str | None] = mapped_column(String(10))
    risk_notes = sealed()
    risk_notes_enc: Mapped[str | None] = mapped_column(Text)
    non_refoulement_checked: Mapped[bool] = mapped_column(default=False)
    asylum_information_given: Mapped[bool] = mapped_column(default=False)
    open_proceedings_checked: Mapped[bool] = mapped_column(default=False)
    best_interests_determination = sealed()
    best_interests_determination_enc: Mapped[str | None] = mapped_column(Text)
    family_tracing_done: Mapped[bool] = mapped_column(default=False)
    family_involved: Mapped[str] = mapped_column(String(10), default="unknown")
    assessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    assessed_at: Mapped[datetime] = created_at()


class ReintegrationPlan(Model):
    """RR-4: the plan in the person's own words across five areas of life."""
    __tablename__ = "reintegration_plan"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    wellbeing = sealed()  # health and well-being
    wellbeing_enc: Mapped[str | None] = mapped_column(Text)
    economic = sealed()  # the person's own words, area by area
    economic_enc: Mapped[str | None] = mapped_column(Text)
    social = sealed()
    social_enc: Mapped[str | None] = mapped_column(Text)
    cultural = sealed()
    cultural_enc: Mapped[str | None] = mapped_column(Text)
    political = sealed()
    political_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()


class CheckIn(Model):
    __tablename__ = "check_in"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    schedule_key: Mapped[str | None] = mapped_column(String(20))
    held: Mapped[bool] = mapped_column()
    missed_reason: Mapped[str | None] = mapped_column(String(30))
    inclusion_notes = sealed()  # RR-5: social inclusion
    inclusion_notes_enc: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = created_at()
