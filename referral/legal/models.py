import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import sealed
from ..database import Model, UTCDateTime, created_at, uuid_pk

PROCEEDING_KINDS = ("criminal", "civil", "compensation", "administrative", "immigration")
PERSON_ROLES = ("victim", "witness", "complainant", "party", "suspect")
OPEN_STATUSES = ("open", "pending", "appeal")
CLOSED_STATUSES = ("concluded", "discontinued", "closed")
OFFENCE_CATEGORIES = ("false_documents", "illegal_entry", "illegal_stay", "illegal_work",
                      "forced_criminality", "other")
NON_PUNISHMENT_OUTCOMES = ("pending", "discontinued", "mitigated", "record_erased",
                           "convicted")
MEASURE_KINDS = ("screen", "video_link", "statement_instead_of_testimony", "anonymity",
                 "witness_protection", "other")
COOPERATION_KINDS = ("statement", "interview", "willingness_to_testify", "testimony")
COMPENSATION_KINDS = ("criminal_restitution", "civil_claim", "state_scheme", "lost_wages")
PERMIT_KINDS = ("reflection", "temporary_residence", "asylum_claim", "t_visa_like",
                "continued_presence_like", "other")


class LegalAidAssignment(Model):
    __tablename__ = "legal_aid_assignment"
    __table_args__ = (
        UniqueConstraint("case_id", "user_id"),
        # A lawyer's list reads their assignments from the index alone (no table rows).
        Index("ix_legal_aid_assignment_user_id_case_id", "user_id", "case_id"),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = created_at()


class Proceeding(Model):
    __tablename__ = "proceeding"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(String(20))
    person_role: Mapped[str] = mapped_column(String(20))
    court_or_authority: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str | None] = mapped_column(Text)
    # Non-punishment (LP-4): proceedings against the victim for what they were forced to do.
    offence_category: Mapped[str | None] = mapped_column(String(30))
    non_punishment_review = sealed()  # the offences the person was compelled to commit
    non_punishment_review_enc: Mapped[str | None] = mapped_column(Text)
    non_punishment_outcome: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime] = created_at()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An edit names the version it was made on: two people editing the same proceeding do
    # not silently overwrite each other (the second is told to reload).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    hearings: Mapped[list["Hearing"]] = relationship(lazy="selectin",
                                                     order_by="Hearing.at")
    measures: Mapped[list["ProtectiveMeasure"]] = relationship(lazy="selectin")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_against_victim(self) -> bool:
        return self.person_role == "suspect"


class ProceedingRevision(Model):
    """What a proceeding said before an edit, who changed it and when: edits to a recorded
    proceeding are never silent overwrites."""
    __tablename__ = "proceeding_revision"
    __table_args__ = (UniqueConstraint("proceeding_id", "version"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    proceeding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proceeding.id",
                                                                ondelete="CASCADE"), index=True)
    version: Mapped[int]  # the version this edit replaced
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = created_at()

    changed_by: Mapped["User | None"] = relationship(lazy="joined")  # noqa: F821


class Hearing(Model):
    __tablename__ = "hearing"
    id: Mapped[uuid.UUID] = uuid_pk()
    proceeding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proceeding.id",
                                                                ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    person_must: Mapped[str | None] = mapped_column(Text)  # what the person must do
    created_at: Mapped[datetime] = created_at()


class InformationGiven(Model):
    """LP-1: what the person was told, at which stage, in which language."""
    __tablename__ = "information_given"
    id: Mapped[uuid.UUID] = uuid_pk()
    proceeding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proceeding.id",
                                                                ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(60))
    summary = sealed()
    summary_enc: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(40))
    given_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    given_at: Mapped[datetime] = created_at()


class ProtectiveMeasure(Model):
    """LP-2: screens, video link, statements instead of testimony, anonymity, protection."""
    __tablename__ = "protective_measure"
    id: Mapped[uuid.UUID] = uuid_pk()
    proceeding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proceeding.id",
                                                                ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="granted")
    granted_at: Mapped[datetime] = created_at()
    review_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class CooperationRecord(Model):
    """Statements, interviews, willingness to testify. Read by the legal track only."""
    __tablename__ = "cooperation_record"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    proceeding_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("proceeding.id"))
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(20))  # given | refused | willing | unwilling
    note = sealed()
    note_enc: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = created_at()


class CompensationClaim(Model):
    """LP-3: open whatever the person's residence status."""
    __tablename__ = "compensation_claim"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(String(30))
    amount_claimed: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount_awarded: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    limitation_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # filed -> awarded -> paid | refused | withdrawn (``workflows.claims.COMPENSATION``)
    status: Mapped[str] = mapped_column(String(20), default="filed")
    created_at: Mapped[datetime] = created_at()

    steps: Mapped[list["ClaimStep"]] = relationship(
        lazy="selectin", order_by="ClaimStep.recorded_at",
        primaryjoin="ClaimStep.compensation_id == CompensationClaim.id", viewonly=True)


class ResidencePermit(Model):
    """Residence status; conditions a jurisdiction ties to cooperation stay here (NC-4)."""
    __tablename__ = "residence_permit"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # ``workflows.claims``: ASYLUM for an asylum claim, PERMIT for the others
    status: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conditions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()

    steps: Mapped[list["ClaimStep"]] = relationship(
        lazy="selectin", order_by="ClaimStep.recorded_at",
        primaryjoin="ClaimStep.permit_id == ResidencePermit.id", viewonly=True)


class ClaimStep(Model):
    """History of an asylum claim, a permit or a compensation claim: one row per step, never
    edited (RR-2, LP-3, DP-5). The first row records the claim as it was entered."""
    __tablename__ = "claim_step"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    permit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("residence_permit.id", ondelete="CASCADE"), index=True)
    compensation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("compensation_claim.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(20))  # "record", or a lifecycle step's name
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it happened (a decision's date)
    recorded_at: Mapped[datetime] = created_at()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reason = sealed()  # an authority's grounds may describe the person's account
    reason_enc: Mapped[str | None] = mapped_column(Text)
    note = sealed()
    note_enc: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    actor = relationship("User")


class LegalNote(Model):
    """LP-5: privileged. Readable by the person's legal aid staff only; never exported."""
    __tablename__ = "legal_note"
    __table_args__ = (Index("ix_legal_note_case_id_created_at", "case_id", "created_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    body = sealed()  # privileged legal advice (LP-5), sealed at rest
    body_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
