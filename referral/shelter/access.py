"""Who reaches a stay and what they may do with it (SH-1, SH-3, SH-4).

- The shelter's own staff run the stays at their shelter: residents, outings, held items,
  restrictions, leaving. They never reach the case file (SH-3).
- The case's agency (caseworkers and supervisors) admits, records leaving, and a supervisor
  may record or lift a restriction. Legal aid reaches no stay.
"""
from ..accounts.models import Role
from ..cases import access as case_access
from ..database import get_or_404
from ..errors import Forbidden, NotFound
from ..labels import N_
from .models import HeldItem, Stay

RUN = "run"          # outings, held items: the shelter's own staff
LEAVE = "leave"      # the person leaves: the shelter's staff or the case's agency (SH-1)
RESTRICT = "restrict"  # a restriction of movement: the shelter's staff or a supervisor of
#                      the case's agency (SH-2)
ITEMS = "items"      # held items: the shelter's own staff, after the stay too (SH-4)


def is_shelter_staff_of(actor, stay: Stay) -> bool:
    return actor.has_role(Role.shelter_staff) and actor.agency_id == stay.shelter_agency_id


def get_stay_for(actor, stay_id, need: str) -> Stay:
    stay = get_or_404(Stay, stay_id, "stay")
    if is_shelter_staff_of(actor, stay):
        if stay.left_at is not None and need != ITEMS:
            raise NotFound("stay")  # the stay's end ends the shelter's reach (SH-3)
        return stay
    if actor.has_role(Role.shelter_staff):
        raise NotFound("stay")  # another shelter's stay: it does not exist for them
    if need in (RUN, ITEMS):
        raise Forbidden("permission", N_("the shelter's own staff run the stay"))
    case_access.get_case_for(actor, stay.case_id, need="agency")
    if need == RESTRICT and not actor.has_role(Role.supervisor):
        raise Forbidden("permission", N_("shelter staff or a supervisor record restrictions"))
    return stay


def get_item_for(actor, item_id) -> HeldItem:
    """Held items are logged and returned by the shelter's own staff (SH-4)."""
    item = get_or_404(HeldItem, item_id, "held_item")
    get_stay_for(actor, item.stay_id, ITEMS)
    return item


def own_shelter(actor, shelter_id):
    """The shelter whose residents the caller may list: only their own (SH-3)."""
    if not actor.has_role(Role.shelter_staff) or str(actor.agency_id) != str(shelter_id):
        raise NotFound("shelter")
    return actor.agency_id


def get_restriction_for(actor, restriction_id):
    """A restriction, reached through its stay (RESTRICT: shelter staff or a supervisor)."""
    from .models import Restriction
    restriction = get_or_404(Restriction, restriction_id, "restriction")
    get_stay_for(actor, restriction.stay_id, RESTRICT)
    return restriction
