"""Who reaches a referral or a service offer.

- The receiving provider's agency (its staff) answers a referral: accept, reject, complete.
- The case's agency (caseworkers and supervisors) sends, revokes and reads its referrals and
  offers, through the case's own scope (DP-7 included).
"""
from ..cases import access as case_access
from ..database import get_or_404
from ..errors import Forbidden, NotFound
from ..labels import N_
from .models import Provider, Referral, ServiceOffer

RECIPIENT = "recipient"  # the receiving provider's staff
SENDER = "sender"        # the case's agency


def is_recipient(actor, referral: Referral) -> bool:
    return referral.provider.agency_id is not None \
        and referral.provider.agency_id == actor.agency_id


def get_referral_for(actor, referral_id, need: str) -> Referral:
    referral = get_or_404(Referral, referral_id, "referral")
    if need == RECIPIENT:
        if not is_recipient(actor, referral):
            raise NotFound("referral")
        return referral
    if is_recipient(actor, referral) and not actor.has_role("caseworker", "supervisor"):
        raise Forbidden("permission", N_("only the sending agency does this"))
    case_access.get_case_for(actor, referral.case_id, need="agency")
    return referral


def get_offer_for(actor, offer_id) -> ServiceOffer:
    offer = get_or_404(ServiceOffer, offer_id, "offer")
    case_access.get_case_for(actor, offer.case_id, need="agency")
    return offer


def get_provider_for(actor, provider_id) -> Provider:
    """A directory entry: staff read it; changing it is the service's to allow (administrators
    and supervisors keep the directory)."""
    return get_or_404(Provider, provider_id, "provider")
