import enum
import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import sealed
from ..database import Model, UTCDateTime, created_at, utcnow, uuid_pk


class AgencyKind(str, enum.Enum):
    ngo = "ngo"
    shelter = "shelter"
    legal_aid = "legal_aid"
    authority = "authority"
    # NRM-6: the body that takes identification decisions (a state's competent authority).
    competent_authority = "competent_authority"
    partner_abroad = "partner_abroad"  # a partner organisation in another country


class Role(str, enum.Enum):
    caseworker = "caseworker"
    shelter_staff = "shelter_staff"
    legal_aid = "legal_aid"
    supervisor = "supervisor"
    admin = "admin"
    auditor = "auditor"
    dpo = "dpo"  # the data protection officer: alerted, reads the audit trail
    # NRM-6: a competent authority's officer: records first and final decisions with reasons.
    decision_maker = "decision_maker"
    partner = "partner"  # a partner abroad: records the steps of the handovers it received


def holds_role(held, asked) -> bool:
    """Whether roles ``held`` include any of ``asked`` (roles or their names), by value."""
    mine = {r.value for r in held}
    return any((r.value if isinstance(r, Role) else r) in mine for r in asked)


class Agency(Model):
    __tablename__ = "agency"
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(Enum(AgencyKind, native_enum=False, length=20))
    created_at: Mapped[datetime] = created_at()

    def __repr__(self):
        return f"<Agency {self.name}>"


class UserRole(Model):
    __tablename__ = "user_role"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                               primary_key=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20),
                                       primary_key=True)


class User(UserMixin, Model):
    __tablename__ = "user_account"
    id: Mapped[uuid.UUID] = uuid_pk()
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    supervisor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # The web UI language the user chose (referral.i18n.LANGUAGES); empty until they choose:
    # their browser's Accept-Language decides. A Python-side default: no schema change.
    locale: Mapped[str] = mapped_column(String(10), default="")
    # The IANA time zone the user reads dates in (e.g. "Europe/Paris"); empty: the service's.
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Bumped on password change or forced sign-out: every session and token older dies.
    session_generation: Mapped[int] = mapped_column(default=0)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_last_step: Mapped[int | None] = mapped_column()
    mfa_deferred: Mapped[bool] = mapped_column(default=False)
    # Failed sign-ins and codes since the last successful sign-in, from anywhere (shown to
    # administrators); what slows and locks is counted per source in ``AuthThrottle``.
    failed_logins: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()

    agency: Mapped[Agency] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan",
                                                     lazy="selectin")

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role | str) -> bool:
        return holds_role(self.roles, roles)

    @property
    def is_active(self):
        return self.is_active_account

    @property
    def account(self) -> "User":
        """The account's row: the user itself (an API request's ``Actor`` loads it)."""
        return self

    def get_id(self):
        # The session holds the generation too, so a password change ends old sessions.
        return f"{self.id}:{self.session_generation}"

    def __repr__(self):
        return f"<User {self.username}>"


class AgencyRef:
    """An agency as a request's caller sees it: id, name and kind, read with the caller."""
    __slots__ = ("id", "name", "kind")

    def __init__(self, id, name, kind):  # noqa: A002 - the column's name
        self.id, self.name, self.kind = id, name, kind

    def __repr__(self):
        return f"<AgencyRef {self.name}>"


class Actor:
    """The caller of an API request, built from the one row that authenticates its bearer
    token: the account's id, names, agency, supervisor, roles and preferences, which is all
    that most requests read of their caller, without building the ORM objects for the
    account, its agency and its roles on every request.

    It stands for the ``User``: anything else read from it (a secret, a counter) and every
    change made through it go to the account's row, loaded in the request's session on
    first use (``account``), so a change is written with the request like any other."""
    _VALUES = ("id", "username", "display_name", "agency_id", "supervisor_id",
               "session_generation", "locale", "time_zone", "roles", "agency")
    __slots__ = _VALUES + ("_account",)

    is_active = True  # a deactivated account's token does not authenticate
    is_authenticated = True
    is_anonymous = False

    def __init__(self, **values):
        for name in self._VALUES:
            object.__setattr__(self, name, values[name])
        object.__setattr__(self, "_account", None)

    def has_role(self, *roles: Role | str) -> bool:
        return holds_role(self.roles, roles)

    def get_id(self):
        return f"{self.id}:{self.session_generation}"

    @property
    def account(self) -> "User":
        """The account's row, in the request's session (one query, the first time)."""
        if self._account is None:
            from ..extensions import db
            object.__setattr__(self, "_account", db.session.get(User, self.id))
        return self._account

    def __getattr__(self, name):  # only for what the value does not hold
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.account, name)

    def __setattr__(self, name, value):
        setattr(self.account, name, value)
        if name in self._VALUES:
            object.__setattr__(self, name, getattr(self.account, name))

    def __repr__(self):
        return f"<Actor {self.username}>"


class ApiToken(Model):
    """A bearer token; only its SHA-256 digest is stored."""
    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user_account.id",
                                                                ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    session_generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where it was issued: the client program summarised ("Firefox/Windows", never the whole
    # user-agent string) and the network address, which is personal data: sealed.
    device: Mapped[str | None] = mapped_column(String(80))
    address = sealed()
    address_enc: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(Model):
    """A signed-in browser, held on the server: the cookie carries only a random id whose
    digest is stored here. Ends when signed out, after SESSION_IDLE_MINUTES without use,
    SESSION_ABSOLUTE_HOURS after sign-in, or when the password changes."""
    __tablename__ = "web_session"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user_account.id",
                                                                ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    session_generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    # The browser summarised ("Firefox/Windows") and the address it signed in from (sealed:
    # an address is personal data), so the user can tell their sessions apart.
    device: Mapped[str | None] = mapped_column(String(80))
    address = sealed()
    address_enc: Mapped[str | None] = mapped_column(Text)
    # A new TOTP key shown on /account/mfa, waiting for a code from the app to confirm it:
    # kept here (sealed), never in the cookie.
    mfa_pending = sealed()
    mfa_pending_enc: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="joined")


class AuthThrottle(Model):
    """Failed attempts at one check (a password, or a one-time code for one purpose), for one
    account or typed username, from one source or from all sources (``source`` ``*``).

    A password guessed wrong from one address slows and then locks that username *from that
    address* only, so nobody can keep an account's owner out from elsewhere; codes (which
    need the first factor) are also counted for the account as a whole. Locks grow from 30
    seconds to at most 15 minutes, and an administrator can lift them. Usernames and
    addresses are stored as keyed hashes (HMAC under BLIND_INDEX_KEY): a password typed
    into the username field, or a visitor's address, is never kept in clear.
    """
    __tablename__ = "auth_throttle"
    __table_args__ = (UniqueConstraint("subject", "purpose", "source"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    subject: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(lazy="joined")


class MfaReset(Model):
    """An administrator asks to clear someone's two-step sign-in (a lost phone); it takes
    effect only when a second administrator of the same agency approves it. Until then the
    account keeps its key; nobody can both ask and approve, nor approve for themselves."""
    __tablename__ = "mfa_reset"
    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                               index=True)
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = created_at()
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))  # approved | cancelled

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")
