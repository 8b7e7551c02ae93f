"""Who is calling: bearer tokens for the API, the Flask-Login session for web pages."""
from functools import wraps

from flask import request
from flask_login import current_user, login_required

from .errors import Forbidden, Unauthorized
from .labels import N_


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def api_actor():
    """The user behind the request's bearer token; 401 if there is none or it is dead."""
    cached = getattr(request, "_referral_actor", None)
    if cached is not None:
        return cached
    from .accounts.service import resolve_token
    from .database import utcnow
    row = resolve_token(bearer_token())
    if row is None:
        raise Unauthorized("a valid bearer token is required")
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        row.last_used_at = now  # written at most once a minute: the idle timeout's clock
    request._referral_actor, request._referral_token = row.user, row
    return row.user


def api_token():
    api_actor()
    return request._referral_token


def web_session_id() -> str | None:
    """The id of the server-side web session the signed cookie carries (``web_session``
    rows are found by its digest), or None when signed out."""
    from flask import session
    return session.get("sid")


def web_actor():
    if not current_user.is_authenticated:
        raise Unauthorized()
    return current_user._get_current_object()


def roles_required(*roles):
    """Web view decorator: signed in and holding one of ``roles`` (403 otherwise)."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if roles and not current_user.has_role(*roles):
                raise Forbidden("role", N_("your role may not open this page"))
            return view(*args, **kwargs)
        return wrapped
    return decorate
