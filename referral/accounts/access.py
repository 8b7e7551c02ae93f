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
