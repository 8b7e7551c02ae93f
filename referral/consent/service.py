"""Consent rules: give, check, withdraw (with its cascade), override with approval."""
import uuid
from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, literal, or_, select, union_all

from ..accounts.models import Role
from ..audit.service import record
from ..cases import access
from ..cases.facts import register_facts, shared
from ..cases.service import register_history_source, timeline_columns
from ..database import read_rows, utcnow
from ..errors import Forbidden, Invalid, Refused
from ..extensions import db
from ..labels import N_
from ..reminders.service import cancel_deadlines, plan_deadline
from .models import (DATA_CATEGORIES, FORBIDDEN_CATEGORIES, FORBIDDEN_RECIPIENTS, PURPOSES,
                     RECIPIENT_CATEGORIES, Consent,
                     ConsentOverride, RecipientNotice)

OVERRIDE_GROUNDS = ("danger_to_life", "child_without_guardian")
OVERRIDE_HOURS = 72

# Called on withdrawal, in the same transaction: (consent, actor) -> None. The services
# area revokes open referrals; any area that shares data registers here.
_withdrawal_handlers = []


def on_withdrawal(handler):
    _withdrawal_handlers.append(handler)
    return handler


def _provider(provider_id):
    from ..services.models import Provider
    if provider_id is None:
        return None
    try:
        provider = db.session.get(Provider, uuid.UUID(str(provider_id)))
    except ValueError:
        provider = None
    if provider is None:
        raise Invalid("provider_id", N_("no such provider in the directory"))
    return provider


# DP-1: a release of data outside the agency names the kind of recipient, not just a name.
CATEGORY_REQUIRED = frozenset({"data_share", "cross_border_transfer"})


def _check_recipient(name: str, category: str | None = None):
    if category is not None and category not in RECIPIENT_CATEGORIES:
        raise Invalid("recipient_category", N_("one of %(choices)s"),
                      {"choices": ", ".join(RECIPIENT_CATEGORIES)})
    if category in FORBIDDEN_CATEGORIES:  # by category, whatever the name (DP-1)
        raise Refused("DP-1", N_("identities are never made public: the media is never a "
                                 "recipient"))
    lowered = (name or "").strip().lower()
    if not lowered:
        raise Invalid("recipient_name", N_("name the recipient (CO-1)"))
    if any(word in lowered.split() or lowered == word for word in FORBIDDEN_RECIPIENTS):
        raise Refused("DP-1", N_("identities are never made public: the media is never a "
                                 "recipient"))


def give_consent(actor, case, *, purpose, language, information_given, given_by="person",
                 provider_id=None, recipient_name=None, data_categories=(),
                 guardian_name=None, child_views=None, expires_at=None,
                 recipient_category=None) -> Consent:
    """CO-1: informed, specific to purpose and recipient, with who, when, language,
    information and until when."""
    access.require(access.can_edit_case(actor, case))
    if purpose not in PURPOSES:
        raise Invalid("purpose", N_("one of %(choices)s"), {"choices": ", ".join(PURPOSES)})
    provider = _provider(provider_id)
    recipient_name = recipient_name or (provider.name if provider else None)
    if provider is not None:  # a directory entry carries its category
        recipient_category = provider.category
    _check_recipient(recipient_name, recipient_category)
    if recipient_category is None and purpose in CATEGORY_REQUIRED:
        raise Invalid("recipient_category", N_("say what kind of recipient this is (DP-1)"))
    if purpose == "referral" and provider is None:
        raise Invalid("provider_id", N_("a referral consent names the provider (CO-1)"))
    unknown = [c for c in data_categories if c not in DATA_CATEGORIES]
    if unknown:
        raise Invalid("data_categories", N_("unknown: %(codes)s"),
                      {"codes": ", ".join(unknown)})
    if not (language or "").strip():
        raise Invalid("language", N_("record the language the information was given in"))
    if not (information_given or "").strip():
        raise Invalid("information_given", N_("record what the person was told (informed "
                                              "consent)"))
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise Invalid("expires_at", N_("must be in the future"))
    if case.is_child:
        if given_by != "guardian":
            raise Invalid("given_by", N_("for a child, consent is given by the guardian (CH-3)"))
        if case.guardian_appointed_at is None:
            raise Refused("CH-3", N_("appoint a guardian first, or record a supervised "
                                     "override (CO-4)"))
        if not (child_views or "").strip():
            raise Invalid("child_views", N_("record the child's views (CH-3)"))
        guardian_name = guardian_name or case.guardian_name
    elif given_by != "person":
        raise Invalid("given_by", N_("an adult gives their own consent"))
    consent = Consent(case_id=case.id, purpose=purpose,
                      provider_id=provider.id if provider else None,
                      recipient_name=recipient_name.strip(),
                      recipient_category=recipient_category,
                      data_categories=list(dict.fromkeys(data_categories)),
                      given_by=given_by, guardian_name=guardian_name,
                      child_views=child_views, language=language.strip(),
                      information_given=information_given.strip(), given_at=now,
                      expires_at=expires_at, recorded_by_id=actor.id)
    db.session.add(consent)
    db.session.flush()
    if expires_at is not None:
        plan_deadline(case.id, "consent_expiry", expires_at, source_key=str(consent.id),
                      remind_days=(14, 3), assignee_id=case.assigned_to_id)
    record(actor, "consent.give", "consent", consent.id, case_id=case.id,
           purpose="consent management", details={"purpose": purpose})
    return consent


def valid_consent(case_id, purpose, provider_id=None, at=None) -> Consent | None:
    """The consent in force for this purpose (and recipient, if named), or None."""
    at = at or utcnow()
    query = select(Consent).where(
        Consent.case_id == case_id, Consent.purpose == purpose,
        Consent.withdrawn_at.is_(None), Consent.given_at <= at,
        or_(Consent.expires_at.is_(None), Consent.expires_at > at))
    if provider_id is not None:
        query = query.where(Consent.provider_id == provider_id)
    return db.session.scalars(query.order_by(Consent.given_at.desc()).limit(1)).first()


def lock_consent(consent: Consent, *, share: bool) -> Consent:
    """Take the consent's row lock and read it afresh (CO-2).

    Withdrawal takes it exclusively; a referral (or anything else that rests on the
    consent) takes it shared for the rest of its transaction. So a withdrawal either
    happens first, and the referral then sees it and is refused, or waits until the referral
    has committed, and then finds and revokes it. Several referrals on one consent do not
    wait for each other."""
    return db.session.scalars(select(Consent).where(Consent.id == consent.id)
                              .with_for_update(read=share)
                              .execution_options(populate_existing=True)).one()


def approved_override(case_id, purpose, provider_id=None, at=None) -> ConsentOverride | None:
    at = at or utcnow()
    query = select(ConsentOverride).where(
        ConsentOverride.case_id == case_id, ConsentOverride.purpose == purpose,
        ConsentOverride.approved_at.is_not(None), ConsentOverride.expires_at > at)
    if provider_id is not None:
        query = query.where(or_(ConsentOverride.provider_id == provider_id,
                                ConsentOverride.provider_id.is_(None)))
    return db.session.scalars(query.limit(1)).first()


def has_valid_consent(case, purpose, provider_id=None, at=None) -> bool:
    case_id = getattr(case, "id", case)
    return bool(valid_consent(case_id, purpose, provider_id, at)
                or approved_override(case_id, purpose, provider_id, at))


def withdraw_consent(actor, consent: Consent, note: str | None = None) -> Consent:
    """CO-2: one action, effective at once, cascading in the same transaction."""
    from ..cases.models import Case
    case = db.session.get(Case, consent.case_id)
    access.require(access.can_edit_case(actor, case))
    consent = lock_consent(consent, share=False)
    if consent.withdrawn_at is not None:
        return consent  # withdrawing twice changes nothing
    consent.withdrawn_at = utcnow()
    consent.withdrawal_note = note
    cancel_deadlines(case.id, "consent_expiry", str(consent.id))
    for handler in _withdrawal_handlers:
        handler(consent, actor)
    provider = consent.provider
    db.session.add(RecipientNotice(agency_id=provider.agency_id if provider else None,
                                   recipient_name=consent.recipient_name,
                                   case_reference=case.reference, kind="consent_withdrawn"))
    record(actor, "consent.withdraw", "consent", consent.id, case_id=case.id,
           purpose="consent management", details={"purpose": consent.purpose})
    return consent


def request_override(actor, case, *, purpose, grounds, reason, provider_id=None):
    """CO-4: needs a permission and a written reason; only works once approved."""
    access.require(actor.has_role(Role.caseworker, Role.supervisor), "permission",
                   N_("only caseworkers and supervisors request a consent override"))
    access.get_case_for(actor, case.id)
    if purpose not in PURPOSES:
        raise Invalid("purpose", N_("one of %(choices)s"), {"choices": ", ".join(PURPOSES)})
    if grounds not in OVERRIDE_GROUNDS:
        raise Invalid("grounds", N_("one of %(choices)s"), {"choices": ", ".join(OVERRIDE_GROUNDS)})
    if grounds == "child_without_guardian" and not (case.is_child
                                                    and case.guardian_appointed_at is None):
        raise Refused("CO-4", N_("this ground applies only to a child with no guardian yet"))
    if not (reason or "").strip():
        raise Invalid("reason", N_("a written reason is required (CO-4)"))
    _provider(provider_id)
    row = ConsentOverride(case_id=case.id, purpose=purpose, provider_id=provider_id,
                          grounds=grounds, reason=reason.strip(), requested_by_id=actor.id,
                          expires_at=utcnow() + timedelta(hours=OVERRIDE_HOURS))
    db.session.add(row)
    db.session.flush()
    record(actor, "consent.override_request", "consent_override", row.id, case_id=case.id,
           purpose="consent override", details={"grounds": grounds, "purpose": purpose})
    return row


def approve_override(actor, override: ConsentOverride):
    if not actor.has_role(Role.supervisor):
        raise Forbidden("permission", N_("a supervisor approves a consent override (CO-4)"))
    if override.requested_by_id == actor.id:
        raise Refused("CO-4", N_("the person who asked cannot approve their own override"))
    access.get_case_for(actor, override.case_id)
    override.approved_by_id = actor.id
    override.approved_at = utcnow()
    record(actor, "consent.override_approve", "consent_override", override.id,
           case_id=override.case_id, purpose="consent override")
    return override


def consents_of(case):
    return db.session.scalars(select(Consent).where(Consent.case_id == case.id)
                              .order_by(Consent.given_at)).all()


def consent_status(case) -> list[dict]:
    """Per purpose: the consent in force (if any) and how many were withdrawn."""
    rows = consents_of(case)
    now = utcnow()
    status = []
    for purpose in PURPOSES:
        mine = [c for c in rows if c.purpose == purpose]
        status.append({"purpose": purpose,
                       "active": [c for c in mine if c.is_valid_at(now)],
                       "withdrawn": [c for c in mine if c.withdrawn_at is not None]})
    return status


# Facts for the tracks' guards. None of them is about cooperation (NC-2).

def _grounds_in_force(case) -> list[tuple[str, str, object, list]]:
    """(``consent`` or ``override``, purpose, provider id, the provider's services) of each
    consent and approved override in force now: what ``valid_consent`` and
    ``approved_override`` look for, read in one statement that the assistance, shelter and
    return facts share."""
    def load():
        return read_rows(_grounds_read(), {"case_id": case.id}).all()
    now = utcnow()
    return [(source, purpose, provider_id, services)
            for source, purpose, provider_id, services, since, expires_at
            in shared(case, "consent", load)
            if (source == "override" or since <= now)
            and (expires_at is None or expires_at > now)]


@cache
def _grounds_read():
    """``_grounds_in_force``'s statement, built once and run with the case."""
    from sqlalchemy import cast, null

    from ..services.models import Provider
    case_id = bindparam("case_id", type_=Consent.case_id.type)
    consents = (select(literal("consent"), Consent.purpose, Consent.provider_id,
                       Provider.services, Consent.given_at, Consent.expires_at)
                .outerjoin(Provider, Provider.id == Consent.provider_id)
                .where(Consent.case_id == case_id, Consent.withdrawn_at.is_(None)))
    overrides = select(literal("override"), ConsentOverride.purpose,
                       ConsentOverride.provider_id, cast(null(), Provider.services.type),
                       ConsentOverride.approved_at, ConsentOverride.expires_at).where(
        ConsentOverride.case_id == case_id, ConsentOverride.approved_at.is_not(None))
    return union_all(consents, overrides)


def _grounds_for(case, purpose) -> bool:
    return any(p == purpose for _, p, _, _ in _grounds_in_force(case))


@register_facts(tracks=("assistance",))
def assistance_consent_facts(case) -> dict:
    return {"has_service_consent": _grounds_for(case, "service")}


@register_facts(tracks=("shelter",))
def shelter_consent_facts(case) -> dict:
    grounds = [(source, provider_id, services) for source, purpose, provider_id, services
               in _grounds_in_force(case) if purpose == "service"]
    consent_ok = any(provider_id and "accommodation" in (services or [])
                     for source, provider_id, services in grounds if source == "consent")
    return {"has_admission_consent": consent_ok or any(
        source == "override" for source, _, _ in grounds)}


@register_facts(tracks=("return",))
def return_consent_facts(case) -> dict:
    return {"has_handover_consent": _grounds_for(case, "cross_border_transfer")}


def _consent_rows():
    return (select(*timeline_columns(at=Consent.given_at, at2=Consent.withdrawn_at,
                                     text1=Consent.purpose, text2=Consent.recipient_name))
            .select_from(Consent).where(Consent.case_id == bindparam("case_id")))


@register_history_source(_consent_rows)
def consent_timeline(case, rows) -> list[dict]:
    """CO-1/CO-2 on the case timeline: each consent given and each withdrawal."""
    items = []
    for row in rows:
        items.append({"type": "consent", "at": row.at, "event": "given",
                      "purpose": row.text1, "recipient": row.text2})
        if row.at2 is not None:
            items.append({"type": "consent", "at": row.at2, "event": "withdrawn",
                          "purpose": row.text1, "recipient": row.text2})
    return items


def overrides_of(case) -> list[ConsentOverride]:
    """The case's consent overrides (CO-4), newest first."""
    return db.session.scalars(select(ConsentOverride).where(ConsentOverride.case_id == case.id)
                              .order_by(ConsentOverride.requested_at.desc())).all()
