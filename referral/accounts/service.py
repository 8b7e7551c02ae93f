"""Account rules: passwords (argon2id), sign-in with lockout and MFA, API tokens."""
import hashlib
import logging
import secrets
from datetime import timedelta
from functools import partial

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from ..audit.service import record
from ..database import utcnow
from ..errors import Invalid, Unauthorized
from ..extensions import db
from ..labels import N_
from .models import Agency, AgencyKind, ApiToken, Role, User, UserRole, WebSession

logger = logging.getLogger(__name__)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("not a real password")
LOCKOUT_AFTER = 5
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("password", N_("use at least %(count)s characters"),
                      {"count": MIN_PASSWORD_LENGTH})
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
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
    if user.mfa_secret and not verify_otp(user, current_otp):
        raise Invalid("current_otp", N_("enter a code from the app you use now"))
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


def _lockout_delay(failures: int) -> timedelta:
    """Short, growing pauses: they slow guessing without letting anyone lock a user out long."""
    if failures < LOCKOUT_AFTER:
        return timedelta(0)
    return timedelta(seconds=min(30 * 2 ** (failures - LOCKOUT_AFTER), 900))


def authenticate(username: str, password: str, otp: str | None = None) -> User:
    """Check credentials (and TOTP where required). Raises Unauthorized with one message.

    A failed attempt is counted even though the request fails: the count is written after
    the rollback by the request boundary (``DomainError.keep``)."""
    username = (username or "").strip().lower()
    user = db.session.scalar(select(User).where(User.username == username))
    now = utcnow()
    generic = "wrong username, password or code"
    if user is not None and user.locked_until and user.locked_until > now:
        verify_password(None, password)  # same cost either way
        raise Unauthorized("too many failed attempts; try again in a few minutes")
    if not verify_password(user, password) or not user.is_active:
        error = Unauthorized(generic)
        if user is not None:
            error.keep(partial(_count_failed_sign_in, user.id, lock=True))
        raise error
    if user.mfa_secret or mfa_required(user):
        if not user.mfa_secret:
            raise Unauthorized("multi-factor authentication must be set up for this account")
        if not verify_otp(user, otp):
            raise Unauthorized(generic).keep(partial(_count_failed_sign_in, user.id,
                                                     lock=False))
    user.failed_logins = 0
    user.locked_until = None
    record(user, "account.login", "user", user.id, purpose="account security")
    return user


def _count_failed_sign_in(user_id, *, lock: bool):
    user = db.session.get(User, user_id)
    user.failed_logins += 1
    if lock:
        delay = _lockout_delay(user.failed_logins)
        user.locked_until = utcnow() + delay if delay else None
        record(user, "account.login_failed", "user", user.id, purpose="account security")
    db.session.flush()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = "rf_" + secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    row = ApiToken(user=user, token_hash=_digest(token), expires_at=utcnow() + ttl,
                   session_generation=user.session_generation)
    db.session.add(row)
    db.session.flush()
    record(user, "account.token_issue", "api_token", row.id, purpose="account security")
    return token, row


def resolve_token(token: str) -> ApiToken | None:
    """The live token row for a bearer string, or None (expired, revoked, superseded)."""
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    if row.session_generation != row.user.session_generation or not row.user.is_active:
        return None
    return row


def revoke_token(row: ApiToken, actor: User):
    row.revoked_at = utcnow()
    record(actor, "account.token_revoke", "api_token", row.id, purpose="account security")


def start_web_session(user: User) -> str:
    """A new server-side session; returns the random id the cookie will carry."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(WebSession(user_id=user.id, token_hash=_digest(token), created_at=now,
                              last_seen_at=now, session_generation=user.session_generation))
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
    row = db.session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
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
