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
    """The caller behind the request's bearer token (an ``Actor``); 401 if there is none or
    it is dead."""
    cached = getattr(request, "_referral_actor", None)
    if cached is not None:
        return cached
    from .accounts.service import note_token_use, resolve_token
    from .database import utcnow
    found = resolve_token(bearer_token())
    if found is None:
        raise Unauthorized("a valid bearer token is required")
    now = utcnow()
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        note_token_use(found.token_id, now)  # at most once a minute: the idle timeout's clock
    request._referral_actor, request._referral_token_id = found.actor, found.token_id
    return found.actor


def api_token():
    """The row of the bearer token the request carries."""
    from .accounts.service import token_row
    api_actor()
    return token_row(request._referral_token_id)


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
