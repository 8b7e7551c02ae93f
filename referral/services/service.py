"""Directory, referrals to providers and service offers."""
import uuid
from functools import partial

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role
from ..audit.service import record
from ..cases import access
from ..cases.service import check_adverse, register_history_source, timeline_columns
from ..consent import service as consent_service
from ..database import utcnow
from ..errors import Forbidden, Invalid, NotFound, Refused
from ..extensions import db
from ..labels import N_
from .models import SERVICES, Provider, Referral, ServiceOffer

REJECTION_NEEDS_REASON = True


# ---- directory --------------------------------------------------------------------------

def list_providers(service=None, language=None):
    """Providers, optionally offering a service or speaking a language. Never filtered on
    nationality, sex or another prohibited ground (ID-4)."""
    providers = db.session.scalars(select(Provider).order_by(Provider.name)).all()
    if service:
        providers = [p for p in providers if service in (p.services or [])]
    if language:
        providers = [p for p in providers if language in (p.languages or [])]
    return providers


def save_provider(actor, data: dict, provider: Provider | None = None) -> Provider:
    if not actor.has_role(Role.admin, Role.supervisor):
        raise Forbidden("permission", N_("administrators and supervisors keep the directory"))
    unknown = [s for s in data.get("services", []) if s not in SERVICES]
    if unknown:
        raise Invalid("services", N_("unknown services: %(codes)s"),
                      {"codes": ", ".join(unknown)})
    from ..consent.models import FORBIDDEN_CATEGORIES, RECIPIENT_CATEGORIES
    category = data.get("category")
    if category is not None and category not in RECIPIENT_CATEGORIES:
        raise Invalid("category", N_("one of %(choices)s"),
                      {"choices": ", ".join(RECIPIENT_CATEGORIES)})
    if category in FORBIDDEN_CATEGORIES:
        raise Refused("DP-1", N_("identities are never made public: the media is never a "
                                 "recipient"))
    name = (data.get("name") or (provider.name if provider else "")).strip()
    if not name:
        raise Invalid("name", N_("a provider has a name"))
    clash = db.session.scalar(select(Provider).where(Provider.name == name))
    if clash is not None and clash is not provider:
        raise Invalid("name", N_("a provider with this name exists"))
    agency_id = data.get("agency_id")
    if agency_id is not None and agency_id != (provider.agency_id if provider else None):
        # The provider's agency receives its referrals and sees what consent shares: only an
        # administrator binds one, and only to an agency that exists.
        from ..accounts.models import Agency
        if not actor.has_role(Role.admin):
            raise Forbidden("agency_id", N_("an administrator links a provider to an agency"))
        if db.session.get(Agency, agency_id) is None:
            raise Invalid("agency_id", N_("no such agency"))
    provider = provider or Provider()
    for key, value in data.items():
        setattr(provider, key, value)
    provider.name = name
    try:
        # Another supervisor may be saving the same name at this moment: the unique index
        # decides, and the one who comes second is told, as if the clash had been seen above.
        with db.session.begin_nested():
            db.session.add(provider)
            db.session.flush()
    except IntegrityError as exc:
        if not _violates(exc, "uq_provider_name", "provider.name"):
            raise
        raise Invalid("name", N_("a provider with this name exists"))
    record(actor, "provider.save", "provider", provider.id, purpose="directory")
    return provider


def _violates(exc: IntegrityError, constraint: str, sqlite_columns: str) -> bool:
    """Whether ``exc`` is the unique constraint named (PostgreSQL names it; SQLite names
    the columns in its message)."""
    diag = getattr(getattr(exc, "orig", None), "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None) == constraint
    return f"UNIQUE constraint failed: {sqlite_columns}" in str(exc.orig)


def hsds_export() -> dict:
    """The directory as Open Referral HSDS JSON: organizations, services, locations, and
    the service-at-location links."""
    organizations, services, locations, links = [], [], [], []
    for p in list_providers():
        org_id = str(p.id)
        organizations.append({"id": org_id, "name": p.name, "description": p.description or "",
                              "email": p.email, "x_referral": {
                                  "data_sharing_agreement": p.data_sharing_agreement,
                                  "dsa_reference": p.dsa_reference,
                                  "capacity": p.capacity,
                                  "genders_accepted": p.genders_accepted or [],
                                  "min_age": p.min_age, "max_age": p.max_age}})
        location_id = str(uuid.uuid5(p.id, "location"))
        if p.address:
            locations.append({"id": location_id, "organization_id": org_id,
                              "name": p.name, "addresses": [{"address_1": p.address}]})
        for code in p.services or []:
            service_id = str(uuid.uuid5(p.id, code))
            services.append({"id": service_id, "organization_id": org_id,
                             "name": SERVICES.get(code, code), "status": "active",
                             "languages": [{"language": lang} for lang in p.languages or []],
                             "phones": [{"number": p.phone}] if p.phone else [],
                             "x_referral_service": code,
                             "eligibility_description": _eligibility(p)})
            if p.address:
                links.append({"id": str(uuid.uuid5(p.id, code + "@loc")),
                              "service_id": service_id, "location_id": location_id})
    return {"organizations": organizations, "services": services, "locations": locations,
            "service_at_locations": links}


def _eligibility(p: Provider) -> str:
    parts = []
    if p.genders_accepted:
        parts.append("accepts: " + ", ".join(p.genders_accepted))
    if p.min_age is not None or p.max_age is not None:
        parts.append(f"ages {p.min_age or 0}-{p.max_age or 'any'}")
    return "; ".join(parts) or "all"


def hsds_import(actor, document: dict) -> int:
    """Create or update providers from an HSDS document produced here or elsewhere."""
    if not isinstance(document, dict) or not isinstance(document.get("organizations"), list):
        raise Invalid("organizations", N_("an HSDS document has a list of organizations"))
    services_by_org = {}
    for s in document.get("services", []):
        code = s.get("x_referral_service") or _service_code(s.get("name", ""))
        if code:
            services_by_org.setdefault(s.get("organization_id"), []).append(
                (code, [lang.get("language") for lang in s.get("languages", [])
                        if isinstance(lang, dict)]))
    count = 0
    for org in document["organizations"]:
        name = (org.get("name") or "").strip()
        if not name:
            raise Invalid("organizations", N_("every organization has a name"))
        extra = org.get("x_referral") or {}
        offered = services_by_org.get(org.get("id"), [])
        data = {"name": name, "description": org.get("description"),
                "email": org.get("email"),
                "services": sorted({code for code, _ in offered}),
                "languages": sorted({lang for _, langs in offered for lang in langs if lang}),
                "data_sharing_agreement": bool(extra.get("data_sharing_agreement")),
                "dsa_reference": extra.get("dsa_reference"),
                "capacity": extra.get("capacity"),
                "genders_accepted": extra.get("genders_accepted") or [],
                "min_age": extra.get("min_age"), "max_age": extra.get("max_age")}
        existing = db.session.scalar(select(Provider).where(Provider.name == name))
        save_provider(actor, data, existing)
        count += 1
    return count


def _service_code(name: str):
    lowered = name.strip().lower()
    return next((code for code, label in SERVICES.items() if label.lower() == lowered), None)


# ---- referrals ---------------------------------------------------------------------------

def _get_provider(provider_id) -> Provider:
    try:
        provider = db.session.get(Provider, uuid.UUID(str(provider_id)))
    except ValueError:
        provider = None
    if provider is None:
        raise Invalid("provider_id", N_("no such provider in the directory"))
    return provider


def _referral_authority(case, provider, at=None, *, lock=False):
    """CO-1: a referral needs consent for the purpose 'referral' to that very provider.

    With ``lock`` the consent found is held (shared) until the transaction ends and read
    again under the lock, so a withdrawal at the same moment cannot slip past (CO-2)."""
    consent = consent_service.valid_consent(case.id, "referral", provider.id, at)
    if consent is not None and lock:
        consent = consent_service.lock_consent(consent, share=True)
        if not consent.is_valid_at(at or utcnow()):
            return _referral_authority(case, provider, at, lock=True)  # the next in force
    override = None if consent else consent_service.approved_override(
        case.id, "referral", provider.id, at)
    return consent, override


def make_referral(actor, case, *, provider_id, service, note=None) -> Referral:
    access.require(access.can_edit_case(actor, case))
    provider = _get_provider(provider_id)
    if service not in SERVICES:
        raise Invalid("service", N_("one of %(choices)s"), {"choices": ", ".join(SERVICES)})
    if service not in (provider.services or []):
        raise Invalid("service", N_("this provider does not offer that service"))
    consent, override = _referral_authority(case, provider, lock=True)
    if consent is None and override is None:
        raise Refused("CO-1", N_("a referral needs the person's consent to share with this "
                                 "provider (or an approved override, CO-4)"))
    referral = Referral(case_id=case.id, provider_id=provider.id, service=service,
                        consent_id=consent.id if consent else None,
                        override_id=override.id if override else None, note=note,
                        requested_by_id=actor.id)
    db.session.add(referral)
    db.session.flush()
    record(actor, "referral.create", "referral", referral.id, case_id=case.id,
           purpose="referral to a provider", details={"provider": str(provider.id),
                                                      "service": service})
    return referral


def is_recipient(actor, referral) -> bool:
    from .access import is_recipient as _is_recipient
    return _is_recipient(actor, referral)


def _still_authorised(actor, referral):
    """CO-2: an open referral stays open only while its consent is in force."""
    consent, override = _referral_authority(referral.case, referral.provider)
    if consent is None and override is None:
        raise Refused("CO-2", N_("the consent for this referral is no longer in force; the "
                                 "referral was revoked")).keep(
            partial(_revoke_after_refusal, actor, referral.id))


def _revoke_after_refusal(actor, referral_id):
    """The revocation stands even though the step that found it is refused."""
    referral = db.session.get(Referral, referral_id)
    if referral.status in Referral.OPEN:
        _close(actor, referral, "revoked", "consent no longer in force",
               reason_code="consent_withdrawn")
    db.session.flush()


def _close(actor, referral, status, reason=None, person_view=None, reason_code=None):
    referral.status = status
    referral.reason = reason
    referral.person_view = person_view
    referral.reason_code = reason_code
    if status in ("accepted", "rejected"):
        referral.decided_at = utcnow()
    if status in ("completed", "revoked", "rejected"):
        referral.closed_at = utcnow()
    record(actor, f"referral.{status}", "referral", referral.id, case_id=referral.case_id,
           purpose="referral to a provider")


STEPS = {
    # step: (from statuses, to status, who: recipient|sender)
    "accept": (("requested",), "accepted", "recipient"),
    "reject": (("requested",), "rejected", "recipient"),
    "complete": (("accepted",), "completed", "recipient"),
    "revoke": (("requested", "accepted"), "revoked", "sender"),
}


def referral_step(actor, referral, step, *, reason=None, person_view=None, reason_code=None,
                  person_view_declined=False) -> Referral:
    """Rejecting or revoking is adverse (ID-6): a code from ``referral.<step>``, the
    person's view or that they declined, free text second and never about cooperation."""
    if step not in STEPS:
        raise NotFound("step")
    sources, target, _side = STEPS[step]  # who may: access.get_referral_for(..., side_of)
    if referral.status not in sources:
        raise Refused("WF-STATE", N_("a %(status)s referral cannot be %(target)s"),
                      {"status": referral.status, "target": target})
    if step in ("reject", "revoke"):
        check_adverse(actor, referral.case_id, f"referral.{step}", reason_code=reason_code,
                      person_view=person_view, person_view_declined=person_view_declined,
                      reason=reason)
    if step in ("accept", "complete"):
        _still_authorised(actor, referral)
    _close(actor, referral, target, reason, person_view,
           reason_code if step in ("reject", "revoke") else None)
    return referral


def side_of(step) -> str:
    """Who takes a step on a referral: the recipient or the sender (``access`` needs)."""
    if step not in STEPS:
        raise NotFound("step")
    return STEPS[step][2]


@consent_service.on_withdrawal
def revoke_referrals_on_withdrawal(consent, actor):
    """CO-2: withdrawing consent revokes the open referrals it allowed, at once."""
    query = select(Referral).where(Referral.case_id == consent.case_id,
                                   Referral.status.in_(Referral.OPEN))
    if consent.purpose == "referral":
        query = query.where(Referral.provider_id == consent.provider_id)
    else:
        return
    for referral in db.session.scalars(query):
        if referral.consent_id in (None, consent.id) or consent_service.valid_consent(
                consent.case_id, "referral", consent.provider_id) is None:
            _close(actor, referral, "revoked", "consent withdrawn")


def recipient_view(actor, referral) -> dict:
    """What the receiving provider sees: only what the consent's data categories allow, and
    only while the referral is open on a consent still in force (CO-2). A closed referral,
    or one whose case is restricted (DP-7), shows nothing personal. Each read that shows
    personal data is audited against the case (DP-3)."""
    case = referral.case
    view = {"id": referral.id, "reference": case.reference, "service": referral.service,
            "status": referral.status, "requested_at": referral.requested_at}
    restricted = case.is_restricted and case.id not in _open_case_ids(actor, [case.id])
    if restricted:
        view["reference"] = None
    if referral.status not in Referral.OPEN or restricted:
        return view
    consent, override = _referral_authority(case, referral.provider)
    if consent is None and override is None:
        return view  # the consent lapsed or was withdrawn: nothing more is shared
    categories = set(consent.data_categories or []) if consent else set()
    view.update(languages=case.person.languages,
                interpreter_needed=case.person.interpreter_needed)
    if referral.service == "accommodation":
        # SH-1: admission rests on a second consent, to the stay at this shelter (purpose
        # "service"), which the caseworker records; the referral's own consent is not it.
        view["stay_consent"] = consent_service.valid_consent(
            case.id, "service", referral.provider_id) is not None
    if "contact" in categories and case.person.contact_is_safe:
        view["safe_contact"] = case.person.safe_contact
    if "identity" in categories:
        view["name"] = " ".join(x for x in (case.person.given_name,
                                            case.person.family_name) if x)
    access.record_read(actor, case.id, "referral received", purpose="referral to a provider")
    return view


def _open_case_ids(actor, case_ids) -> set:
    from ..cases.models import Case
    return set(db.session.scalars(select(Case.id).where(Case.id.in_(case_ids),
                                                        access.open_to(actor))))


def referrals_of(case) -> list[Referral]:
    return db.session.scalars(select(Referral).where(Referral.case_id == case.id)
                              .order_by(Referral.requested_at)).all()


def referrals_for_recipient(actor):
    return db.session.scalars(
        select(Referral).join(Provider).where(Provider.agency_id == actor.agency_id)
        .order_by(Referral.requested_at.desc()).limit(200)).all()


def received_referrals(actor) -> list[dict]:
    """The referrals sent to the caller's organisation, each as a recipient may see it."""
    return [recipient_view(actor, r) for r in referrals_for_recipient(actor)]


# ---- service offers (CO-3) ----------------------------------------------------------------

def offer_service(actor, case, *, service, provider_id=None) -> ServiceOffer:
    access.require(access.can_edit_case(actor, case))
    if service not in SERVICES:
        raise Invalid("service", N_("one of %(choices)s"), {"choices": ", ".join(SERVICES)})
    if provider_id is not None:
        _get_provider(provider_id)
    offer = ServiceOffer(case_id=case.id, service=service, provider_id=provider_id)
    db.session.add(offer)
    db.session.flush()
    record(actor, "offer.create", "service_offer", offer.id, case_id=case.id,
           purpose="assistance")
    return offer


OFFER_ANSWERS = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}


def answer_offer(actor, offer: ServiceOffer, accepted: bool | str, *, reason_code=None,
                 person_view=None, person_view_declined=False, reason=None) -> ServiceOffer:
    """The person accepts or declines, or the agency withdraws the offer; declining one
    service changes nothing else (CO-3). Accepting needs the person's consent to services
    in force (CO-1); declining and withdrawing are adverse (ID-6): a code from
    ``offer.<answer>`` and the person's view. Who may: ``access.get_offer_for``."""
    answer = accepted if isinstance(accepted, str) else ("accept" if accepted else "decline")
    if answer not in OFFER_ANSWERS:
        raise NotFound("answer")
    if offer.status != "offered":
        raise Refused("WF-STATE", N_("this offer was already %(status)s"),
                      {"status": offer.status})
    if answer == "accept":
        from ..consent.service import approved_override, has_valid_consent
        case = offer.case
        if not (has_valid_consent(case, "service")
                or approved_override(case.id, "service")):
            raise Refused("CO-1", N_("accepting a service needs the person's informed consent "
                                     "to services on file"))
    else:
        check_adverse(actor, offer.case_id, f"offer.{answer}", reason_code=reason_code,
                      person_view=person_view, person_view_declined=person_view_declined,
                      reason=reason)
        offer.reason_code, offer.person_view = reason_code, person_view
    offer.status = OFFER_ANSWERS[answer]
    offer.decided_at = utcnow()
    record(actor, f"offer.{offer.status}", "service_offer", offer.id, case_id=offer.case_id,
           purpose="assistance")
    return offer


def _referral_rows():
    return (select(*timeline_columns(at=Referral.requested_at, at2=Referral.decided_at,
                                     at3=Referral.closed_at, text1=Referral.status,
                                     text2=Referral.service, text3=Provider.name))
            .select_from(Referral).outerjoin(Provider, Provider.id == Referral.provider_id)
            .where(Referral.case_id == bindparam("case_id")))


@register_history_source(_referral_rows)
def referral_timeline(case, rows) -> list[dict]:
    """Referrals on the case timeline: when sent, and when answered or closed."""
    items = []
    for r in rows:
        items.append({"type": "referral", "at": r.at, "event": "requested",
                      "service": r.text2, "provider": r.text3})
        ended = r.at3 or r.at2
        if ended is not None and r.text1 != "requested":
            items.append({"type": "referral", "at": ended, "event": r.text1,
                          "service": r.text2, "provider": r.text3})
    return items


def offers_of(case) -> list[ServiceOffer]:
    """Services offered to the person, newest first, with their answers."""
    return db.session.scalars(select(ServiceOffer).where(ServiceOffer.case_id == case.id)
                              .order_by(ServiceOffer.offered_at.desc())).all()
