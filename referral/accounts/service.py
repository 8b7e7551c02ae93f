"""Account rules: passwords (argon2id), sign-in with lockout and MFA, API tokens.

Every check of a secret (the password at sign-in, a one-time code at sign-in, for breaking
the glass, for replacing the MFA device, for any step-up) goes through ``throttled_check``:
failures are counted per account and purpose, per source (so a stranger cannot keep the
owner out from elsewhere) and, for codes, for the account from all sources; they slow and
then lock, are audited, and an administrator can lift the lock.
"""
import hashlib
import hmac
import logging
import secrets
import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import NamedTuple

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from ..audit.service import record
from ..database import read_rows, utcnow
from ..errors import Forbidden, Invalid, NotFound, Unauthorized
from ..extensions import db
from ..labels import N_
from .models import (Actor, Agency, AgencyKind, AgencyRef, ApiToken, AuthThrottle, MfaReset,
                     Role, User, UserRole, WebSession)

logger = logging.getLogger(__name__)

# argon2id with the library's current recommended parameters (64 MiB, 3 passes).
_STANDARD_HASHER = PasswordHasher()
# The cheapest argon2id, for the test suite only: it is chosen by PASSWORD_HASH_FOR_TESTS,
# which config.load refuses outside TESTING and never reads from the environment. A hash
# carries its own parameters, so either hasher verifies what either wrote.
_TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_DUMMY_HASHES = {}
LOCKOUT_AFTER = 5  # failures from one source before the pauses start
ACCOUNT_LOCKOUT_AFTER = 10  # wrong codes from all sources before the account's codes pause
MAX_LOCK_SECONDS = 900
MIN_PASSWORD_LENGTH = 12
# What a secret is checked for; codes need the first factor (a password or a live session).
PASSWORD = "password"
CODE_PURPOSES = ("sign_in", "break_glass", "mfa_change", "step_up")
ALL_SOURCES = "*"
WRONG_SIGN_IN = N_("wrong username, password or code")
TOO_MANY = N_("too many failed attempts; try again in a few minutes")
WRONG_CODE = N_("the authentication code is wrong or was already used")
TOO_MANY_CODES = N_("too many wrong codes; try again in a few minutes")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("password", N_("use at least %(count)s characters"),
                      {"count": MIN_PASSWORD_LENGTH})
    return _hasher().hash(password)


def _hasher() -> PasswordHasher:
    return _TEST_HASHER if current_app.config.get("PASSWORD_HASH_FOR_TESTS") \
        else _STANDARD_HASHER


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when the username is unknown, so that an unknown name costs
    the same time as a wrong password."""
    if id(hasher) not in _DUMMY_HASHES:
        _DUMMY_HASHES[id(hasher)] = hasher.hash("not a real password")
    return _DUMMY_HASHES[id(hasher)]


def verify_password(user: User | None, password: str) -> bool:
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def create_agency(name: str, kind: AgencyKind | str) -> Agency:
    agency = Agency(name=name, kind=AgencyKind(kind))
    db.session.add(agency)
    db.session.flush()
    return agency


def create_user(username, password, *, agency, roles, display_name=None, email=None,
                supervisor=None, mfa_deferred=False, actor=None) -> User:
    username = (username or "").strip().lower()
    if not username:
        raise Invalid("username", N_("a username is required"))
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Invalid("username", N_("this username is taken"))
    roles = [Role(r) for r in roles]
    if not roles:
        raise Invalid("roles", N_("give at least one role"))
    user = User(username=username, display_name=display_name or username,
                email=email, password_hash=hash_password(password), agency=agency,
                supervisor_id=supervisor.id if supervisor else None,
                mfa_deferred=mfa_deferred,
                role_rows=[UserRole(role=r) for r in roles])
    db.session.add(user)
    db.session.flush()
    record(actor, "account.create", "user", user.id, purpose="account administration",
           details={"roles": sorted(r.value for r in roles)})
    return user


def change_password(user: User, new_password: str, actor=None):
    """Set a new password and end every session and token the user had."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_generation += 1
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()
    end_all_web_sessions(user, "password_changed")
    record(actor or user, "account.password_change", "user", user.id,
           purpose="account security")


def mfa_required_by_role(user: User) -> bool:
    roles = {r.strip() for r in current_app.config["MFA_REQUIRED_ROLES"].split(",") if r.strip()}
    return bool(roles & {r.value for r in user.roles})


def mfa_required(user: User) -> bool:
    """Required for the user's role, unless an administrator deferred enrolment."""
    return mfa_required_by_role(user) and not user.mfa_deferred


def enrol_mfa(user: User) -> str:
    user.mfa_secret = pyotp.random_base32()
    user.mfa_last_step = None
    record(user, "account.mfa_enrol", "user", user.id, purpose="account security")
    return user.mfa_secret


def new_mfa_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="referral")


def confirm_mfa_enrolment(user: User, secret: str | None, otp: str | None,
                          current_otp: str | None = None):
    """Turn on (or replace) two-step sign-in once the user proves their app shows the
    codes. Replacing an existing one needs a code from the current app first."""
    if not secret:
        raise Invalid("otp", N_("start again: the set-up expired"))
    if user.mfa_secret:
        throttled_check("mfa_change", _keyed(f"user:{user.id}"), user.id,
                        lambda: verify_otp(user, current_otp),
                        wrong=lambda: Invalid("current_otp", N_("enter a code from the app "
                                                                "you use now")),
                        paused_error=lambda: Invalid("current_otp", TOO_MANY_CODES))
    step = _matching_step(secret, otp)
    if step is None:
        raise Invalid("otp", N_("that code does not match; check the time on your phone"))
    user.mfa_secret, user.mfa_last_step, user.mfa_deferred = secret, step, False
    record(user, "account.mfa_enrol", "user", user.id, purpose="account security")


def _matching_step(secret: str, otp: str | None) -> int | None:
    """The 30-second step ``otp`` belongs to, the current or the previous one, or None."""
    if not otp:
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (0, -1):
        at = now + timedelta(seconds=30 * drift)
        if totp.verify(otp, for_time=at, valid_window=0):
            return int(at.timestamp()) // 30
    return None


def verify_otp(user: User, otp: str | None) -> bool:
    """A TOTP code, valid for the current or the previous 30-second step, usable once."""
    if not user.mfa_secret:
        return False
    step = _matching_step(user.mfa_secret, otp)
    if step is None:
        return False
    if user.mfa_last_step is not None and step <= user.mfa_last_step:
        return False  # replay of a code already used
    user.mfa_last_step = step
    return True


def _lockout_delay(failures: int, after: int = LOCKOUT_AFTER) -> timedelta:
    """Short, growing pauses: they slow guessing without letting anyone lock a user out long."""
    if failures < after:
        return timedelta(0)
    return timedelta(seconds=min(30 * 2 ** (failures - after), MAX_LOCK_SECONDS))


def _keyed(value: str) -> str:
    """A keyed hash, so usernames as typed and client addresses are not kept in clear."""
    key = current_app.config["BLIND_INDEX_KEY"].encode()
    return hmac.new(key, f"throttle|{value}".encode(), hashlib.sha256).hexdigest()


def client_source() -> str:
    """Where the attempt comes from: the client's address (behind TRUSTED_PROXIES, the
    forwarded one), or ``local`` for commands and tasks."""
    if has_request_context():
        return request.remote_addr or "unknown"
    return "local"


def client_address() -> str | None:
    """The address a session or token is started from (sealed where it is kept), or None
    outside a request."""
    if has_request_context():
        return (request.remote_addr or "")[:64] or None
    return None


# Client programs and systems told apart in a user-agent string, most specific first (Edge
# and Opera say "Chrome" too; Android says "Linux"; iOS browsers say "Safari").
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"),
             ("python-requests/", "Python"), ("python-httpx/", "Python"),
             ("Python-urllib/", "Python"), ("okhttp/", "Android app"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_device(user_agent: str | None) -> str | None:
    """A user-agent string summarised as ``browser/system`` ("Firefox/Windows",
    "Chrome/Android", "curl/"): enough to tell one's own devices apart, without keeping the
    full string (versions and build details fingerprint a person). None when unknown."""
    text = (user_agent or "")[:512]
    browser = next((name for marker, name in _BROWSERS if marker in text), "")
    system = next((name for marker, name in _SYSTEMS if marker in text), "")
    if not browser and not system:
        return None
    return f"{browser}/{system}"


def client_device() -> str | None:
    if has_request_context():
        return describe_device(request.headers.get("User-Agent"))
    return None


def _sources(purpose: str, source: str) -> list[tuple[str, int]]:
    """(source key, failures before pausing) counted for a check of ``purpose``."""
    found = [(_keyed(source), LOCKOUT_AFTER)]
    if purpose in CODE_PURPOSES:
        found.append((ALL_SOURCES, ACCOUNT_LOCKOUT_AFTER))
    return found


def _insert_ignore(conn, values: dict):
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    conn.execute(insert(AuthThrottle).values(**values).on_conflict_do_nothing(
        index_elements=["subject", "purpose", "source"]))


def _count_attempt(conn, subject: str, user_id, purpose: str, source: str) -> bool:
    """Count one attempt on every row of the check; True if a row is paused (and then
    nothing is counted). Rows are locked in a fixed order, so concurrent attempts queue."""
    now = utcnow()
    rows = []
    for source_key, after in sorted(_sources(purpose, source)):
        _insert_ignore(conn, {"id": uuid.uuid4(), "subject": subject, "user_id": user_id,
                              "purpose": purpose, "source": source_key, "failures": 0,
                              "last_failure_at": now})
        row = conn.execute(select(AuthThrottle.id, AuthThrottle.failures,
                                  AuthThrottle.locked_until)
                           .where(AuthThrottle.subject == subject,
                                  AuthThrottle.purpose == purpose,
                                  AuthThrottle.source == source_key)
                           .with_for_update()).one()
        rows.append((row, after))
    if any(row.locked_until and row.locked_until > now for row, _ in rows):
        return True
    for row, after in rows:
        failures = row.failures + 1
        delay = _lockout_delay(failures, after)
        values = {"failures": failures, "last_failure_at": now,
                  "locked_until": now + delay if delay else None}
        if user_id is not None:
            values["user_id"] = user_id
        conn.execute(update(AuthThrottle).where(AuthThrottle.id == row.id).values(**values))
    return False


def _paused(subject: str, purpose: str, source: str) -> bool:
    keys = [key for key, _ in _sources(purpose, source)]
    return db.session.scalar(select(AuthThrottle.id).where(
        AuthThrottle.subject == subject, AuthThrottle.purpose == purpose,
        AuthThrottle.source.in_(keys), AuthThrottle.locked_until > utcnow()).limit(1)) \
        is not None


def _reserving() -> bool:
    """On PostgreSQL an attempt is counted before the secret is checked, in a transaction
    of its own, so that guesses sent in parallel are all counted. (SQLite, for development,
    has one writer at a time: there the failure is counted after the refusal.)"""
    return db.engine.dialect.name == "postgresql"


def _begin_check(subject: str, user_id, purpose: str, source: str) -> bool:
    """True when the check may go ahead; False while it is paused."""
    if _reserving():
        # No account id here: this transaction must not wait on (or fail over) an account
        # row the caller's transaction has not committed. _check_failed fills it in.
        with db.engine.begin() as conn:
            return not _count_attempt(conn, subject, None, purpose, source)
    return not _paused(subject, purpose, source)


def _check_failed(subject: str, user_id, purpose: str, source: str, *, paused: bool):
    """Kept after the refusal's rollback: count it (where not counted already) and audit."""
    if not _reserving() and not paused:
        _count_attempt(db.session.connection(), subject, user_id, purpose, source)
    user = db.session.get(User, user_id) if user_id else None
    if user is not None:  # the account the counted rows belong to (administrators lift them)
        db.session.execute(update(AuthThrottle).where(
            AuthThrottle.subject == subject, AuthThrottle.purpose == purpose,
            AuthThrottle.user_id.is_(None)).values(user_id=user.id))
    if user is not None and not paused:
        user.failed_logins += 1
    locked = _paused(subject, purpose, source)
    record(user, "account.code_failed" if purpose in CODE_PURPOSES else "account.login_failed",
           "user", user_id, purpose="account security",
           details={"check": purpose, "locked": locked, "refused_while_locked": paused,
                    "known_account": user is not None})
    db.session.flush()


def _check_passed(subject: str, purpose: str, source: str):
    """The right secret: this source's count (and the account's) starts again. Where the
    attempt was counted in a transaction of its own, so is the reset."""
    keys = [key for key, _ in _sources(purpose, source)]
    statement = delete(AuthThrottle).where(AuthThrottle.subject == subject,
                                           AuthThrottle.purpose == purpose,
                                           AuthThrottle.source.in_(keys))
    if _reserving():
        with db.engine.begin() as conn:
            conn.execute(statement)
    else:
        db.session.execute(statement)


def throttled_check(purpose: str, subject: str, user_id, check, *, wrong, paused_error,
                    source: str | None = None):
    """Run ``check()`` (True when the secret is right) under the throttle of ``purpose``.
    Raises ``paused_error()`` while paused and ``wrong()`` when the check fails (factories:
    a DomainError counts as a refusal from the moment it exists); either way the failure is
    counted and audited after the refusal's rollback (``DomainError.keep``)."""
    source = source or client_source()
    if not _begin_check(subject, user_id, purpose, source):
        raise paused_error().keep(partial(_check_failed, subject, user_id, purpose, source,
                                          paused=True))
    if not check():
        raise wrong().keep(partial(_check_failed, subject, user_id, purpose, source,
                                   paused=False))
    _check_passed(subject, purpose, source)


def check_code(user: User, otp: str | None, purpose: str, source: str | None = None):
    """A one-time code for ``purpose`` (break_glass, mfa_change, step_up): 403 ``otp`` when
    wrong or used, and while the user's codes are paused after too many wrong ones."""
    if purpose not in CODE_PURPOSES:
        raise ValueError(f"unknown code purpose {purpose!r}")
    throttled_check(purpose, _keyed(f"user:{user.id}"), user.id,
                    lambda: verify_otp(user, otp), wrong=lambda: Forbidden("otp", WRONG_CODE),
                    paused_error=lambda: Forbidden("otp", TOO_MANY_CODES), source=source)


def authenticate(username: str, password: str, otp: str | None = None,
                 source: str | None = None) -> User:
    """Check credentials (and TOTP where required). Raises Unauthorized with one message
    for every wrong answer, known account or not; and one message while paused, known
    account or not (an unknown username is counted exactly like a known one).

    A failed attempt is counted even though the request fails: the count is written after
    the rollback by the request boundary (``DomainError.keep``)."""
    username = (username or "").strip().lower()
    user = db.session.scalar(select(User).where(User.username == username))
    subject = _keyed(f"username:{username}")
    user_id = user.id if user is not None else None

    def password_ok():
        return verify_password(user, password) and user.is_active

    try:
        throttled_check(PASSWORD, subject, user_id, password_ok,
                        wrong=lambda: Unauthorized(WRONG_SIGN_IN),
                        paused_error=lambda: Unauthorized(TOO_MANY), source=source)
    except Unauthorized as exc:
        if exc.template == TOO_MANY:
            verify_password(None, password)  # the same cost either way
        raise
    if user.mfa_secret or mfa_required(user):
        if not user.mfa_secret:
            raise Unauthorized(N_("multi-factor authentication must be set up for this "
                                  "account"))
        throttled_check("sign_in", _keyed(f"user:{user.id}"), user.id,
                        lambda: verify_otp(user, otp), wrong=lambda: Unauthorized(WRONG_SIGN_IN),
                        paused_error=lambda: Unauthorized(TOO_MANY), source=source)
    user.failed_logins = 0
    record(user, "account.login", "user", user.id, purpose="account security")
    return user


def sign_in_locks(actor: User) -> list[AuthThrottle]:
    """Accounts of the administrator's agency with a pause in force, newest first."""
    if not actor.has_role(Role.admin):
        raise Forbidden("permission", N_("administrators lift sign-in locks"))
    return db.session.scalars(
        select(AuthThrottle).join(User, User.id == AuthThrottle.user_id)
        .where(User.agency_id == actor.agency_id, AuthThrottle.locked_until > utcnow())
        .order_by(AuthThrottle.locked_until.desc())).all()


def unlock(actor: User, user: User) -> int:
    """An administrator of the user's agency lifts every pause on the user's sign-in and
    codes, from every source. Returns how many were lifted."""
    if not actor.has_role(Role.admin) or actor.agency_id != user.agency_id:
        raise NotFound("user")
    lifted = db.session.execute(delete(AuthThrottle).where(
        AuthThrottle.user_id == user.id)).rowcount
    record(actor, "account.unlock", "user", user.id, purpose="account security",
           details={"lifted": lifted})
    return lifted


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = "rf_" + secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    row = ApiToken(user=user, token_hash=_digest(token), expires_at=utcnow() + ttl,
                   session_generation=user.session_generation, device=client_device())
    row.address = client_address()
    db.session.add(row)
    db.session.flush()
    record(user, "account.token_issue", "api_token", row.id, purpose="account security")
    return token, row


def _one_with_user(statement, user):
    """The one row ``statement`` finds, with its user, the user's agency and roles, in one
    round trip: every request starts here, so it costs one query, not three."""
    statement = statement.options(joinedload(user).joinedload(User.role_rows))
    return db.session.execute(statement).unique().scalar_one_or_none()


# Built once: every API request runs it, and a statement object keeps its cache key, so
# SQLAlchemy finds the compiled form without walking the statement again. One row per role
# of the account (an account has one or two).
_TOKEN_CALLER = (
    select(ApiToken.id.label("token_id"), ApiToken.revoked_at, ApiToken.expires_at,
           ApiToken.created_at, ApiToken.last_used_at,
           ApiToken.session_generation.label("token_generation"),
           User.id, User.username, User.display_name, User.agency_id, User.supervisor_id,
           User.is_active_account, User.session_generation, User.locale, User.time_zone,
           Agency.name.label("agency_name"), Agency.kind.label("agency_kind"), UserRole.role)
    .join(User, User.id == ApiToken.user_id).join(Agency, Agency.id == User.agency_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash")))
_TOKEN_USED = (update(ApiToken.__table__).where(ApiToken.__table__.c.id == bindparam("token"))
               .values(last_used_at=bindparam("used_at")))


class TokenUse(NamedTuple):
    actor: Actor
    token_id: uuid.UUID
    last_used_at: datetime | None


def resolve_token(token: str) -> TokenUse | None:
    """The caller behind a bearer string, with the token's id and when it was last used, or
    None (expired, idle for longer than API_TOKEN_IDLE_MINUTES, revoked, superseded, the
    account deactivated). One statement, and no ORM object: every API request starts here."""
    if not token:
        return None
    rows = read_rows(_TOKEN_CALLER, {"token_hash": _digest(token)}).all()
    if not rows:
        return None
    row, now = rows[0], utcnow()
    if row.revoked_at is not None or row.expires_at <= now:
        return None
    idle = timedelta(minutes=int(current_app.config["API_TOKEN_IDLE_MINUTES"]))
    if now - (row.last_used_at or row.created_at) > idle:
        return None  # unused too long: sign in again
    if row.token_generation != row.session_generation or not row.is_active_account:
        return None
    actor = Actor(id=row.id, username=row.username, display_name=row.display_name,
                  agency_id=row.agency_id, supervisor_id=row.supervisor_id,
                  session_generation=row.session_generation, locale=row.locale,
                  time_zone=row.time_zone,
                  roles=frozenset(r.role for r in rows if r.role is not None),
                  agency=AgencyRef(row.agency_id, row.agency_name, row.agency_kind))
    return TokenUse(actor, row.token_id, row.last_used_at)


def note_token_use(token_id, now) -> None:
    """The token's last use, the idle timeout's clock, in the request's transaction."""
    db.session.connection().execute(_TOKEN_USED, {"token": token_id, "used_at": now})


def token_row(token_id) -> ApiToken:
    return db.session.get(ApiToken, token_id)


def revoke_token(row: ApiToken, actor: User):
    row.revoked_at = utcnow()
    record(actor, "account.token_revoke", "api_token", row.id, purpose="account security")


def start_web_session(user: User) -> str:
    """A new server-side session; returns the random id the cookie will carry."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(user_id=user.id, token_hash=_digest(token), created_at=now,
                     last_seen_at=now, session_generation=user.session_generation,
                     device=client_device())
    row.address = client_address()
    db.session.add(row)
    return token


def _session_end_reason(row: WebSession, now) -> str | None:
    config = current_app.config
    if row.ended_at is not None:
        return row.end_reason or "ended"
    if row.session_generation != row.user.session_generation or not row.user.is_active:
        return "revoked"
    if now - row.created_at > timedelta(hours=int(config["SESSION_ABSOLUTE_HOURS"])):
        return "absolute"
    if now - row.last_seen_at > timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])):
        return "idle"
    return None


def resume_web_session(token: str | None) -> User | None:
    """The user behind a session cookie, or None if the session has ended (and it is
    then marked ended, with why). Use is recorded at most once a minute."""
    if not token:
        return None
    row = _one_with_user(select(WebSession).where(WebSession.token_hash == _digest(token)),
                         WebSession.user)
    if row is None:
        return None
    now = utcnow()
    reason = _session_end_reason(row, now)
    if reason is not None:
        if row.ended_at is None:  # committed with the request (the boundary)
            row.ended_at, row.end_reason = now, reason
        return None
    if now - row.last_seen_at > timedelta(seconds=60):
        row.last_seen_at = now
    return row.user


def _live_web_session(token: str | None) -> WebSession | None:
    if not token:
        return None
    return db.session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token),
                                                      WebSession.ended_at.is_(None)))


def pending_mfa_secret(token: str | None, *, fresh: bool = False) -> str | None:
    """The TOTP key being set up in this browser session, kept on the server (sealed in the
    session's row, never in the cookie); a new one when ``fresh`` or none is waiting."""
    row = _live_web_session(token)
    if row is None:
        return None
    if fresh or not row.mfa_pending_enc:
        row.mfa_pending = new_mfa_secret()
    return row.mfa_pending


def clear_pending_mfa(token: str | None):
    row = _live_web_session(token)
    if row is not None:
        row.mfa_pending = None


def end_web_session(token: str | None, reason="signed_out"):
    if not token:
        return
    row = db.session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token),
                                                     WebSession.ended_at.is_(None)))
    if row is not None:
        row.ended_at, row.end_reason = utcnow(), reason


def end_all_web_sessions(user: User, reason="revoked"):
    now = utcnow()
    for row in db.session.scalars(select(WebSession).where(WebSession.user_id == user.id,
                                                           WebSession.ended_at.is_(None))):
        row.ended_at, row.end_reason = now, reason


# -- the administration console and the user's own page (issue 18, F18) -------------------

def _require_admin_of(actor: User, user: User):
    """An administrator acts on the users of their own agency only (404 otherwise)."""
    if not actor.has_role(Role.admin) or actor.agency_id != user.agency_id:
        raise NotFound("user")


def end_everything(user: User, reason: str):
    """End every web session and API token of ``user`` at once: the session generation
    moves on, so even a cookie or token not yet seen stops working on its next request."""
    user.session_generation += 1
    now = utcnow()
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
    end_all_web_sessions(user, reason)


def admin_create_user(actor: User, *, username, password, display_name, email=None,
                      roles=()) -> User:
    """An administrator adds a staff member to their own agency."""
    if not actor.has_role(Role.admin):
        raise Forbidden("permission", N_("administrators manage accounts"))
    # A role that needs two-step sign-in sets it up at the first sign-in (the sign-in page
    # sends them to it): the account cannot have a key before its owner has the phone.
    return create_user(username, password, agency=actor.account.agency, roles=roles,
                       display_name=display_name, email=email or None, actor=actor,
                       mfa_deferred=True)


def set_roles(actor: User, user: User, roles) -> User:
    """Replace the user's roles; an administrator cannot take away their own."""
    _require_admin_of(actor, user)
    wanted = {Role(r) for r in roles}
    if not wanted:
        raise Invalid("roles", N_("give at least one role"))
    if user.id == actor.id and Role.admin not in wanted:
        raise Invalid("roles", N_("you cannot remove your own administrator role"))
    before = sorted(r.value for r in user.roles)
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.roles, key=lambda r: r.value)]
    db.session.flush()
    after = sorted(r.value for r in wanted)
    if set(before) - set(after):
        # Access follows roles: what the user held under a role taken away ends now.
        end_everything(user, "revoked")
    record(actor, "account.roles_change", "user", user.id, purpose="account administration",
           details={"before": before, "after": after})
    return user


def deactivate(actor: User, user: User) -> User:
    """Stop an account: it cannot sign in, and its sessions and tokens end at once."""
    _require_admin_of(actor, user)
    if user.id == actor.id:
        raise Invalid("user", N_("you cannot deactivate your own account"))
    user.is_active_account = False
    end_everything(user, "deactivated")
    record(actor, "account.deactivate", "user", user.id, purpose="account administration")
    return user


def reactivate(actor: User, user: User) -> User:
    _require_admin_of(actor, user)
    user.is_active_account = True
    record(actor, "account.reactivate", "user", user.id, purpose="account administration")
    return user


def agency_users(actor: User) -> list[User]:
    if not actor.has_role(Role.admin):
        raise Forbidden("permission", N_("administrators manage accounts"))
    return db.session.scalars(select(User).where(User.agency_id == actor.agency_id)
                              .order_by(User.display_name)).all()


def agencies() -> list[Agency]:
    return db.session.scalars(select(Agency).order_by(Agency.name)).all()


def admin_create_agency(actor: User, name: str, kind) -> Agency:
    if not actor.has_role(Role.admin):
        raise Forbidden("permission", N_("administrators manage agencies"))
    name = (name or "").strip()
    if not name:
        raise Invalid("name", N_("a name is required"))
    if db.session.scalar(select(Agency.id).where(Agency.name == name)):
        raise Invalid("name", N_("an agency with this name exists"))
    try:
        kind = AgencyKind(kind)
    except ValueError:
        raise Invalid("kind", N_("not a kind of agency")) from None
    agency = create_agency(name, kind)
    record(actor, "agency.create", "agency", agency.id, purpose="account administration",
           details={"kind": kind.value})
    return agency


def live_sessions(user: User) -> list[WebSession]:
    """The user's web sessions that have not ended (idle or old ones are shown as they
    would be refused on their next request)."""
    now = utcnow()
    rows = db.session.scalars(select(WebSession).where(WebSession.user_id == user.id,
                                                       WebSession.ended_at.is_(None))
                              .order_by(WebSession.last_seen_at.desc())).all()
    return [row for row in rows if _session_end_reason(row, now) is None]


def live_tokens(user: User) -> list[ApiToken]:
    now = utcnow()
    return db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now,
        ApiToken.session_generation == user.session_generation)
        .order_by(ApiToken.created_at.desc())).all()


def is_current_session(row: WebSession, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(row.token_hash, _digest(token))


def end_session(actor: User, row: WebSession, reason="revoked"):
    """End one web session (the user's own, or by an administrator of their agency)."""
    if row.user_id != actor.id:
        _require_admin_of(actor, row.user)
    if row.ended_at is None:
        row.ended_at, row.end_reason = utcnow(), reason
    record(actor, "account.session_end", "user", row.user_id, purpose="account security",
           details={"session": str(row.id)})


def end_token(actor: User, row: ApiToken):
    """Revoke one API token (the user's own, or by an administrator of their agency)."""
    if row.user_id != actor.id:
        _require_admin_of(actor, row.user)
    if row.revoked_at is None:
        revoke_token(row, actor)


def sign_out_everywhere(user: User, keep: str | None = None) -> int:
    """The user ends every other web session and every API token ("sign out everywhere");
    the browser whose session id is ``keep`` stays signed in. Returns how many ended."""
    now = utcnow()
    ended = 0
    for row in db.session.scalars(select(WebSession).where(WebSession.user_id == user.id,
                                                           WebSession.ended_at.is_(None))):
        if keep and is_current_session(row, keep):
            continue
        row.ended_at, row.end_reason = now, "signed_out_elsewhere"
        ended += 1
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
        ended += 1
    record(user, "account.sign_out_everywhere", "user", user.id, purpose="account security",
           details={"ended": ended})
    return ended


def change_own_password(user: User, current: str, new: str, confirm: str | None = None):
    """The user changes their password: the current one first (counted like a sign-in
    attempt), then the policy; every session and token ends, this browser's included (the
    page starts a new one for it)."""
    throttled_check(PASSWORD, _keyed(f"username:{user.username}"), user.id,
                    lambda: verify_password(user, current or ""),
                    wrong=lambda: Invalid("current_password", N_("the current password is "
                                                                 "wrong")),
                    paused_error=lambda: Invalid("current_password", TOO_MANY))
    check_password_policy(user, new, confirm)
    change_password(user, new)


def check_password_policy(user: User, new: str, confirm: str | None = None):
    new = new or ""
    if confirm is not None and new != confirm:
        raise Invalid("confirm", N_("the two new passwords differ"))
    if len(new) < MIN_PASSWORD_LENGTH:
        raise Invalid("new_password", N_("use at least %(count)s characters"),
                      {"count": MIN_PASSWORD_LENGTH})
    if len(new) > 1024:
        raise Invalid("new_password", N_("use at most 1024 characters"))
    if user.username and user.username.lower() in new.lower():
        raise Invalid("new_password", N_("do not put your username in your password"))
    if verify_password(user, new):
        raise Invalid("new_password", N_("choose a password you have not used here"))


def set_preferences(user: User, *, locale: str | None = None, time_zone: str | None = None):
    from zoneinfo import available_timezones

    from ..i18n import LANGUAGES
    if locale is not None:
        if locale and locale not in LANGUAGES:
            raise Invalid("locale", N_("not a language of this service"))
        user.locale = locale
    if time_zone is not None:
        if time_zone and time_zone not in available_timezones():
            raise Invalid("time_zone", N_("not a known time zone"))
        user.time_zone = time_zone
    record(user, "account.preferences", "user", user.id, purpose="account settings",
           details={"locale": user.locale, "time_zone": user.time_zone})


def request_mfa_reset(actor: User, user: User) -> MfaReset:
    """First administrator: ask to clear the user's two-step sign-in (nothing changes yet)."""
    _require_admin_of(actor, user)
    if user.id == actor.id:
        raise Forbidden("user", N_("another administrator resets your own two-step sign-in"))
    if not user.mfa_secret:
        raise Invalid("user", N_("this account has no two-step sign-in to reset"))
    if pending_mfa_reset(user) is not None:
        raise Invalid("user", N_("a reset is already waiting for approval"))
    row = MfaReset(user_id=user.id, requested_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record(actor, "account.mfa_reset_request", "user", user.id, purpose="account security",
           details={"request": str(row.id)})
    return row


def pending_mfa_reset(user: User):
    return db.session.scalar(select(MfaReset).where(MfaReset.user_id == user.id,
                                                    MfaReset.decided_at.is_(None)))


def pending_mfa_resets(actor: User) -> list:
    return db.session.scalars(select(MfaReset).join(User, User.id == MfaReset.user_id).where(
        User.agency_id == actor.agency_id, MfaReset.decided_at.is_(None))
        .order_by(MfaReset.requested_at)).all()


def approve_mfa_reset(actor: User, row) -> User:
    """Second administrator: the key is cleared, and the user's sessions and tokens end (who
    holds the lost phone may hold a session too). They set two-step sign-in up again at
    their next sign-in."""
    user = row.user
    _require_admin_of(actor, user)
    if row.decided_at is not None:
        raise Invalid("request", N_("this reset was already decided"))
    if actor.id == row.requested_by_id:
        raise Forbidden("approver", N_("a second administrator must approve: not the one "
                                       "who asked"))
    if actor.id == user.id:
        raise Forbidden("approver", N_("another administrator resets your own two-step "
                                       "sign-in"))
    # They sign in with their password once and are sent straight to set up a new key
    # (the sign-in page does so for every role that needs two-step sign-in).
    user.mfa_secret, user.mfa_last_step, user.mfa_deferred = None, None, True
    end_everything(user, "revoked")
    row.decided_by_id, row.decided_at, row.outcome = actor.id, utcnow(), "approved"
    record(actor, "account.mfa_reset", "user", user.id, purpose="account security",
           details={"request": str(row.id), "requested_by": str(row.requested_by_id)})
    return user


def cancel_mfa_reset(actor: User, row):
    _require_admin_of(actor, row.user)
    if row.decided_at is not None:
        raise Invalid("request", N_("this reset was already decided"))
    row.decided_by_id, row.decided_at, row.outcome = actor.id, utcnow(), "cancelled"
    record(actor, "account.mfa_reset_cancel", "user", row.user_id, purpose="account security",
           details={"request": str(row.id)})
