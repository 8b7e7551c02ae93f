"""Who records missing episodes: the case's own agency (caseworkers, supervisors) and the
shelter staff of the person's current shelter, who are often first to notice. The case
scope comes from ``referral.cases.access.get_case_for``."""
from ..accounts.models import Role
from ..cases.access import get_case_for
from ..database import get_or_404
from ..errors import Forbidden
from ..labels import N_
from .models import MissingEpisode

WRITERS = (Role.caseworker, Role.supervisor, Role.shelter_staff)


def get_case_for_missing(user, case_id):
    case = get_case_for(user, case_id, reading="missing episodes")
    if not user.has_role(*WRITERS):
        raise Forbidden("role", N_("your role does not record missing episodes"))
    return case


def get_episode_for(user, episode_id) -> MissingEpisode:
    episode = get_or_404(MissingEpisode, episode_id, "missing episode")
    get_case_for_missing(user, episode.case_id)
    return episode
