"""Loading accounts by id: an administrator reaches the users of their own agency (404 for
anyone else's, never revealing that the account exists)."""
from ..database import get_or_404
from ..errors import NotFound
from .models import Role, User


def get_user_for_admin(actor: User, user_id) -> User:
    user = get_or_404(User, user_id, "user")
    if not actor.has_role(Role.admin) or user.agency_id != actor.agency_id:
        raise NotFound("user")
    return user


def get_session_for(actor: User, user: User, session_id):
    """A web session of ``user``: their own, or any of a user an administrator reaches."""
    from .models import WebSession
    row = get_or_404(WebSession, session_id, "session")
    if row.user_id != user.id or (user.id != actor.id and (
            not actor.has_role(Role.admin) or user.agency_id != actor.agency_id)):
        raise NotFound("session")
    return row


def get_token_for(actor: User, user: User, token_id):
    from .models import ApiToken
    row = get_or_404(ApiToken, token_id, "token")
    if row.user_id != user.id or (user.id != actor.id and (
            not actor.has_role(Role.admin) or user.agency_id != actor.agency_id)):
        raise NotFound("token")
    return row


def get_mfa_reset_for_admin(actor: User, reset_id):
    from .models import MfaReset
    row = get_or_404(MfaReset, reset_id, "request")
    if not actor.has_role(Role.admin) or row.user.agency_id != actor.agency_id:
        raise NotFound("request")
    return row
