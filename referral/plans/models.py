"""The individual assistance plan: needs and risk assessments, the safety plan, the
immediate-danger flag, goals and actions, the versions agreed with the person, and what the
person says about the help they get.

Assessments and versions are records: a new one is added, none is edited, so the history is
kept. Every free text (the person's words, notes, the danger, the plan's content) is sealed
at rest (``referral.crypto``).
"""
import uuid
from datetime import datetime

from sqlalchemy import (CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint,
                        text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import sealed
from ..database import JSONType, Model, UTCDateTime, created_at, utcnow, uuid_pk


class NeedsAssessment(Model):
    """SVC-02: one sitting with the person over every domain of need. Repeatable: a new
    assessment is a new row, the earlier ones stay as they were."""
    __tablename__ = "needs_assessment"
    __table_args__ = (Index("ix_needs_assessment_case_id_assessed_at", "case_id",
                            "assessed_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(40))  # the language the sitting was held in
    interpreter_used: Mapped[bool] = mapped_column(default=False)
    assessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    assessed_at: Mapped[datetime] = created_at()

    items: Mapped[list["NeedItem"]] = relationship(lazy="selectin", order_by="NeedItem.position",
                                                   back_populates="assessment")


class NeedItem(Model):
    """One domain of one assessment: the priority the person gives it, in their words."""
    __tablename__ = "need_item"
    __table_args__ = (UniqueConstraint("assessment_id", "domain"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("needs_assessment.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)
    priority: Mapped[str] = mapped_column(String(20))
    person_words = sealed()  # what the person says they need, in their words
    person_words_enc: Mapped[str | None] = mapped_column(Text)
    notes = sealed()  # the caseworker's notes
    notes_enc: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[NeedsAssessment] = relationship(back_populates="items")


class RiskAssessment(Model):
    """The risks the person faces and the safety plan agreed against them. Repeatable, with
    the history kept; the latest is the one in force."""
    __tablename__ = "risk_assessment"
    __table_args__ = (Index("ix_risk_assessment_case_id_assessed_at", "case_id",
                            "assessed_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    risk_traffickers: Mapped[str] = mapped_column(String(10))
    risk_retrafficking: Mapped[str] = mapped_column(String(10))
    risk_self_harm: Mapped[str] = mapped_column(String(10))
    risk_family: Mapped[str] = mapped_column(String(10))
    person_view = sealed()  # how safe the person feels, in their words
    person_view_enc: Mapped[str | None] = mapped_column(Text)
    notes = sealed()
    notes_enc: Mapped[str | None] = mapped_column(Text)
    immediate_danger: Mapped[bool] = mapped_column(default=False)
    safety_measures: Mapped[list] = mapped_column(JSONType, default=list)
    safety_plan = sealed()  # what is agreed to keep the person safe
    safety_plan_enc: Mapped[str | None] = mapped_column(Text)
    safety_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    assessed_at: Mapped[datetime] = created_at()


class DangerFlag(Model):
    """SVC-03: the person is in immediate danger. Escalated to a supervisor at once, shown on
    the case file and the homes of the caseworker and supervisors until cleared with a
    reason. At most one open flag per case."""
    __tablename__ = "danger_flag"
    __table_args__ = (
        CheckConstraint("(cleared_at IS NULL) = (clear_reason_enc IS NULL)",
                        name="cleared_with_a_reason"),
        Index("uq_danger_flag_open_case_id", "case_id", unique=True,
              postgresql_where=text("cleared_at IS NULL"),
              sqlite_where=text("cleared_at IS NULL")),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    risk_assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("risk_assessment.id", ondelete="SET NULL"))
    reason = sealed()  # what the danger is
    reason_enc: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = created_at()
    clear_reason = sealed()
    clear_reason_enc: Mapped[str | None] = mapped_column(Text)
    cleared_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case")

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class AssistancePlan(Model):
    """CNS-12: the person's plan. A draft until agreed with the person (a version with their
    participation); then in force, reviewed at the jurisdiction's interval and on each change
    of NRM stage. One plan per case; its versions keep what was agreed each time."""
    __tablename__ = "assistance_plan"
    __table_args__ = (
        CheckConstraint("status = 'draft' OR (current_version > 0 AND activated_at IS NOT "
                        "NULL) OR (status = 'closed' AND current_version = 0)",
                        name="in_force_only_once_agreed"),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    current_version: Mapped[int] = mapped_column(default=0)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at()

    goals: Mapped[list["PlanGoal"]] = relationship(lazy="selectin",
                                                   order_by="PlanGoal.created_at",
                                                   back_populates="plan")


class PlanGoal(Model):
    """A goal of the plan, in the person's words, answering a need they have: it is linked
    to a domain of their latest needs assessment when it is set."""
    __tablename__ = "plan_goal"
    id: Mapped[uuid.UUID] = uuid_pk()
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assistance_plan.id",
                                                          ondelete="CASCADE"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    need_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("need_item.id"))
    domain: Mapped[str] = mapped_column(String(30))
    goal = sealed()
    goal_enc: Mapped[str] = mapped_column(Text)
    horizon: Mapped[str] = mapped_column(String(10), default="short")
    status: Mapped[str] = mapped_column(String(10), default="open")
    status_note = sealed()
    status_note_enc: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    plan: Mapped[AssistancePlan] = relationship(back_populates="goals")
    need_item: Mapped[NeedItem] = relationship(lazy="joined")
    actions: Mapped[list["PlanAction"]] = relationship(lazy="selectin",
                                                       order_by="PlanAction.due_at",
                                                       back_populates="goal")


class PlanAction(Model):
    """What is done towards a goal, by whom and by when. Its due date and review date are
    follow-ups. An action given to another organisation (an agency, a provider, a referral)
    names that organisation: its staff see the action, and nothing else of the plan."""
    __tablename__ = "plan_action"
    __table_args__ = (
        CheckConstraint("(owner_kind = 'provider') = (provider_id IS NOT NULL)",
                        name="provider_iff_provider_owner"),
        CheckConstraint("(owner_kind = 'referral') = (referral_id IS NOT NULL)",
                        name="referral_iff_referral_owner"),
        CheckConstraint("owner_kind <> 'agency' OR owner_agency_id IS NOT NULL",
                        name="agency_owner_names_it"),
        Index("ix_plan_action_owner_agency_id_status", "owner_agency_id", "status"),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"),
                                               index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    description = sealed()
    description_enc: Mapped[str] = mapped_column(Text)
    owner_kind: Mapped[str] = mapped_column(String(20))
    # The organisation whose staff carry the action out (agency, the provider's agency or the
    # referral's provider's agency), copied when the action is set.
    owner_agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agency.id"))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("provider.id"))
    referral_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referral.id"))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    status_note = sealed()
    status_note_enc: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    goal: Mapped[PlanGoal] = relationship(back_populates="actions")
    owner_agency = relationship("Agency", lazy="joined")
    provider = relationship("Provider", lazy="joined")


class PlanVersion(Model):
    """CNS-12: the plan as agreed or reviewed with the person, kept as it was: the person's
    participation (present or not, agreed or not, with which goals, in their words and
    language) and the goals and actions at that moment. Never edited."""
    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assistance_plan.id",
                                                          ondelete="CASCADE"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    number: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(20))
    person_present: Mapped[bool] = mapped_column()
    agreement: Mapped[str] = mapped_column(String(20))
    person_words = sealed()  # what the person said about the plan
    person_words_enc: Mapped[str] = mapped_column(Text)
    disagreed_goals: Mapped[list] = mapped_column(JSONType, default=list)
    language: Mapped[str] = mapped_column(String(40))
    interpreter_used: Mapped[bool] = mapped_column(default=False)
    content = sealed()  # the goals and actions at this version (JSON)
    content_enc: Mapped[str] = mapped_column(Text)
    next_review_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rule_version: Mapped[str] = mapped_column(String(40))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = created_at()


class PersonFeedback(Model):
    """CNS-13: feedback or a complaint from the person, at any time or at closure. Routed to
    a supervisor (never to the caseworker it may be about) and counted in statistics without
    identifying anyone."""
    __tablename__ = "person_feedback"
    __table_args__ = (
        CheckConstraint("(responded_at IS NULL) = (response_enc IS NULL)",
                        name="answered_with_a_response"),
        Index("ix_person_feedback_agency_id_responded_at", "agency_id", "responded_at"),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    kind: Mapped[str] = mapped_column(String(20))
    moment: Mapped[str] = mapped_column(String(20), default="during")
    topic: Mapped[str] = mapped_column(String(20))
    rating: Mapped[str] = mapped_column(String(20), default="not_said")
    words = sealed()
    words_enc: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(40))
    routed_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = created_at()
    response = sealed()
    response_enc: Mapped[str | None] = mapped_column(Text)
    responded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
