import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Enum, ForeignKey, Index, String, Text, select,
                        text)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..accounts.models import Agency, User
from ..crypto import blind_index, name_token_indexes, sealed
from ..database import JSONType, Model, UTCDateTime, created_at, utcnow, uuid_pk


class AgeStatus(str, enum.Enum):
    """CH-1: anything but an age assessment that found an adult means 'treat as a child'."""
    unknown = "unknown"
    stated_adult = "stated_adult"
    possible_child = "possible_child"
    disputed = "disputed"
    assessed_child = "assessed_child"
    assessed_adult = "assessed_adult"


class Person(Model):
    """The person the case is about. Characteristics are optional and come from the person
    (DP-2): "unknown" and "declined" are values, not blanks.

    Identity and contact fields are sealed at rest (``referral.crypto``); ``name_index`` and
    ``birth_index`` are blind indexes for exact-match search.
    """
    __tablename__ = "person"
    id: Mapped[uuid.UUID] = uuid_pk()
    given_name = sealed()
    family_name = sealed()
    known_as = sealed()
    date_of_birth = sealed(date)
    safe_contact = sealed()
    aliases = sealed(list)  # other names the person has used or been given
    contact = sealed()  # how to reach the person, as they give it (phone, e-mail, address)
    given_name_enc: Mapped[str | None] = mapped_column(Text)
    family_name_enc: Mapped[str | None] = mapped_column(Text)
    known_as_enc: Mapped[str | None] = mapped_column(Text)
    date_of_birth_enc: Mapped[str | None] = mapped_column(Text)
    safe_contact_enc: Mapped[str | None] = mapped_column(Text)
    aliases_enc: Mapped[str | None] = mapped_column(Text)
    contact_enc: Mapped[str | None] = mapped_column(Text)
    name_index: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_index: Mapped[str | None] = mapped_column(String(64), index=True)
    age_estimate: Mapped[int | None] = mapped_column()
    sex: Mapped[str] = mapped_column(String(20), default="unknown")
    gender = sealed()  # as the person states it
    gender_enc: Mapped[str | None] = mapped_column(Text)
    nationality: Mapped[str] = mapped_column(String(40), default="unknown")
    languages: Mapped[list] = mapped_column(JSONType, default=list)
    interpreter_needed: Mapped[str] = mapped_column(String(20), default="unknown")
    contact_is_safe: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at()

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()
        super().__init__(**fields)

    name_tokens: Mapped[list["PersonNameToken"]] = relationship(
        cascade="all, delete-orphan", lazy="select", passive_deletes=True)

    def on_sealed_change(self):
        full_name = " ".join(n for n in (self.given_name, self.family_name) if n)
        self.name_index = blind_index(full_name)
        self.birth_index = blind_index(self.date_of_birth.isoformat()
                                       if self.date_of_birth else None)
        self.index_names()

    @property
    def display_name(self) -> str | None:
        """The name staff call the person by: their names, or what they are known as."""
        full = " ".join(n for n in (self.given_name, self.family_name) if n)
        if full and self.known_as:
            return f"{full} ({self.known_as})"
        return full or self.known_as or None

    def index_names(self, force=False):
        """Rebuild the name-token blind indexes (search by part of a name, docs/search.md)
        when the names they come from changed."""
        names = (self.given_name, self.family_name, self.known_as, *(self.aliases or []))
        if not force and getattr(self, "_indexed_names", None) == names:
            return
        self._indexed_names = names
        wanted = name_token_indexes(*names)
        have = {row.token: row for row in self.name_tokens}
        for token, row in have.items():
            if token not in wanted:
                self.name_tokens.remove(row)
        for token in wanted - set(have):
            self.name_tokens.append(PersonNameToken(token=token))


class PersonNameToken(Model):
    """One blind index of one word, prefix or spelling variant of a person's names: a
    keyed hash, never the name (docs/search.md)."""
    __tablename__ = "person_name_token"
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                                 primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Case(Model):
    __tablename__ = "case_file"
    __table_args__ = (
        CheckConstraint("(nrm_state = 'closed') = (closed_at IS NOT NULL)",
                        name="closed_iff_closed_at"),
        # The case list: an agency's cases (in a state) newest first, read in index order
        # and stopped after one page instead of sorting every match.
        Index("ix_case_file_agency_id_nrm_state_referred_at", "agency_id", "nrm_state",
              "referred_at"),
        Index("ix_case_file_agency_id_referred_at", "agency_id", "referred_at"),
        # A caseworker's own list holds their open cases: its cost does not grow with every
        # case they ever had.
        Index("ix_case_file_open_assigned_to_id_referred_at", "assigned_to_id", "referred_at",
              postgresql_where=text("closed_at IS NULL"),
              sqlite_where=text("closed_at IS NULL")),
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    jurisdiction: Mapped[str] = mapped_column(String(20))
    rule_version: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=1, nullable=False)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"),
                                                             index=True)

    # One state column per track (workflows/).
    nrm_state: Mapped[str] = mapped_column(String(30), default="presumed_victim")
    assistance_state: Mapped[str] = mapped_column(String(30), default="not_started")
    shelter_state: Mapped[str] = mapped_column(String(30), default="not_in_shelter")
    legal_state: Mapped[str] = mapped_column(String(30), default="not_involved")
    return_state: Mapped[str] = mapped_column(String(30), default="none")

    # Referral facts
    referred_by: Mapped[str] = mapped_column(String(200))
    referral_source: Mapped[str] = mapped_column(String(30), default="unknown",
                                                 server_default="unknown")  # coded
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    indicators: Mapped[list] = mapped_column(JSONType, default=list)
    exploitation_forms: Mapped[list] = mapped_column(JSONType, default=list)
    sectors: Mapped[list] = mapped_column(JSONType, default=list)
    sector_formality: Mapped[str] = mapped_column(String(20), default="unknown")
    recruitment = sealed(dict)  # how the person was recruited, and by whom (a third party)
    recruitment_enc: Mapped[str | None] = mapped_column(Text)
    vulnerability_factors: Mapped[list] = mapped_column(JSONType, default=list)
    internal_trafficking: Mapped[bool | None] = mapped_column()
    narrative = sealed()
    narrative_enc: Mapped[str | None] = mapped_column(Text)

    # For statistics only (DP-4): the age group when referred, so counts need no decryption.
    age_group: Mapped[str] = mapped_column(String(10), default="unknown")

    # Children (CH-1..4)
    age_status: Mapped[AgeStatus] = mapped_column(Enum(AgeStatus, native_enum=False,
                                                       length=20), default=AgeStatus.unknown)
    guardian_name: Mapped[str | None] = mapped_column(String(400))
    guardian_organisation: Mapped[str | None] = mapped_column(String(200))
    guardian_appointed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Reflection and recovery period (RP-1..3)
    reflection_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reflection_minimum_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reflection_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Identification summary, derived from decisions (ID-1): pending, positive,
    # negative_pending_review, negative_final
    identification: Mapped[str] = mapped_column(String(30), default="pending")
    first_decision_outcome: Mapped[str | None] = mapped_column(String(20))
    # NRM-3: when no-removal protection lapses: the end of a negative decision's
    # reconsideration window (cleared when reconsideration is asked), or the end of the
    # move-on period after a positive final decision (NRM-4). None: it holds.
    protection_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    move_on_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    move_on_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # RR-5: a new referral of a known person links to the earlier case (re-trafficking).
    previous_case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_file.id"))

    is_restricted: Mapped[bool] = mapped_column(default=False)  # DP-7
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)
    agency: Mapped[Agency] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    # The names the case file shows, read without loading the agency's and the account's
    # objects (an account brings its roles): both together on first use, or with the case
    # where its loader asks (``get_case_for(..., names=True)``). Expired when the case is
    # flushed with a change, so a reassigned case shows its new caseworker.
    agency_name: Mapped[str] = column_property(
        select(Agency.name).where(Agency.id == agency_id).scalar_subquery(),
        deferred=True, group="names")
    assigned_to_name: Mapped[str | None] = column_property(
        select(User.display_name).where(User.id == assigned_to_id).scalar_subquery(),
        deferred=True, group="names")

    __mapper_args__ = {"version_id_col": version}

    def __init__(self, **fields):
        self.id = fields.pop("id", None) or uuid.uuid4()  # sealed fields bind to the row id
        super().__init__(**fields)

    @property
    def is_child(self) -> bool:
        """CH-1: a possible child is a child until an age assessment says otherwise."""
        if self.age_status == AgeStatus.assessed_adult:
            return False
        if self.age_status in (AgeStatus.assessed_child, AgeStatus.possible_child,
                               AgeStatus.disputed, AgeStatus.unknown):
            return True
        return False  # stated_adult: an adult age was given and nothing suggests a child

    @property
    def is_presumed_victim(self) -> bool:
        """ID-1: presumed until a negative decision is final."""
        return self.identification != "negative_final"

    @property
    def no_removal(self) -> bool:
        """RP-2: no removal or expulsion while the reflection period runs or the person is a
        presumed victim. NRM-3: it lapses only after a final negative decision and its
        reconsideration window, or as the move-on period ends."""
        if self.nrm_state == "closed" or self.identification == "negative_final":
            return False
        now = utcnow()
        if self.nrm_state == "reflection_period" and self.reflection_ends_at is not None \
                and now < self.reflection_ends_at:
            return True  # RP-2: while the period runs, whatever else has ended (move-on)
        if self.protection_ends_at is not None and self.protection_ends_at <= now:
            return False
        if self.nrm_state in ("presumed_victim", "reflection_period"):
            return True
        return self.move_on_ends_at is not None and now < self.move_on_ends_at

    @property
    def in_move_on(self) -> bool:
        """NRM-4: the move-on period after a positive final decision is running."""
        return (self.move_on_ends_at is not None and self.nrm_state != "closed"
                and utcnow() < self.move_on_ends_at)

    def state_of(self, track: str) -> str:
        return getattr(self, f"{track}_state")

    def set_state(self, track: str, state: str):
        setattr(self, f"{track}_state", state)

    @property
    def tracks(self) -> dict[str, str]:
        return {t: self.state_of(t) for t in ("nrm", "assistance", "shelter", "legal",
                                               "return")}


class CaseTransition(Model):
    """History: one row per applied transition, never edited."""
    __tablename__ = "case_transition"
    __table_args__ = (Index("ix_case_transition_case_id_at", "case_id", "at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    track: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    person_view = sealed()  # the person's view or request, in their words (ID-6, RP-1)
    person_view_enc: Mapped[str | None] = mapped_column(Text)
    facts: Mapped[dict] = mapped_column(JSONType, default=dict)
    rule_version: Mapped[str] = mapped_column(String(40))

    actor: Mapped[User | None] = relationship()


class RefusedAttempt(Model):
    """A refused state change worth a supervisor's eye (e.g. NC-3), kept after the refusal."""
    __tablename__ = "refused_attempt"
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"),
                                               index=True)
    track: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(String(20), index=True)
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class Decision(Model):
    """An identification decision, age assessment, best interests or risk assessment.
    Superseded, never edited (ID-5)."""
    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_case_id_kind", "case_id", "kind"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(30))
    decision_maker: Mapped[str] = mapped_column(String(200))
    reasons = sealed()  # describe the exploitation and the person's account
    reasons_enc: Mapped[str | None] = mapped_column(Text)
    reason_codes: Mapped[list] = mapped_column(JSONType, default=list)
    best_interests = sealed()  # CH-2, for a child
    best_interests_enc: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list] = mapped_column(JSONType, default=list)
    language_explained_in: Mapped[str | None] = mapped_column(String(40))
    child_views = sealed()
    child_views_enc: Mapped[str | None] = mapped_column(Text)
    person_view = sealed()  # ID-6: the person's view of a negative decision, in their words
    person_view_enc: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))
    review_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rule_version: Mapped[str] = mapped_column(String(40))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = created_at()


class AnonymousNotification(Model):
    """ID-8: an adult who declines identification, counted for statistics only. No identity,
    no free text, nothing that could single the person out."""
    __tablename__ = "anonymous_notification"
    id: Mapped[uuid.UUID] = uuid_pk()
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    sex: Mapped[str] = mapped_column(String(20), default="unknown")
    age_group: Mapped[str] = mapped_column(String(20), default="unknown")
    nationality: Mapped[str] = mapped_column(String(40), default="unknown")
    exploitation_forms: Mapped[list] = mapped_column(JSONType, default=list)
    sectors: Mapped[list] = mapped_column(JSONType, default=list)
    jurisdiction: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = created_at()
