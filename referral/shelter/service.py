"""Shelter stays: admission with consent, leaving always allowed, restrictions as dated
exceptions, held items returned on request (SH-1..5)."""
import uuid
from datetime import timedelta
from functools import cache
from types import SimpleNamespace

from sqlalchemy import select

from workflows import jurisdictions

from ..accounts.models import Agency, AgencyKind, Role
from ..audit.service import record
from ..cases import access
from ..cases.models import Case
from ..cases.service import apply_transition, check_adverse
from ..database import among_parameter, read_rows, utcnow
from ..errors import Forbidden, Invalid, Refused
from ..extensions import db
from ..labels import N_
from ..reminders.service import cancel_deadlines, plan_deadline
from .models import HeldItem, Outing, Restriction, Stay

OUTING_PURPOSES = ("court", "lawyer", "doctor")  # SH-5: never refused
ITEM_KINDS = ("document", "phone", "keys", "other")


def _shelter_agency(agency_id) -> Agency:
    try:
        agency = db.session.get(Agency, uuid.UUID(str(agency_id)))
    except ValueError:
        agency = None
    if agency is None or agency.kind != AgencyKind.shelter:
        raise Invalid("shelter_id", N_("no such shelter"))
    return agency


def admit(actor, case, *, shelter_id, room=None) -> Stay:
    """SH-1: admission records the person's consent to the stay."""
    access.require(access.can_edit_case(actor, case))
    agency = _shelter_agency(shelter_id)
    from ..services.models import Provider
    from ..consent.service import valid_consent
    consent = next((c for p in db.session.scalars(select(Provider).where(
        Provider.agency_id == agency.id))
        if "accommodation" in (p.services or [])
        and (c := valid_consent(case.id, "service", p.id))), None)
    return _admit(actor, case, agency, consent, room)


def admit_referred(actor, referral, *, room=None) -> Stay:
    """The shelter admits the person it accepted an accommodation referral for. Its staff
    never see the case file; the stay rests on the person's consent to this shelter."""
    from ..consent.service import valid_consent
    from ..services.service import is_recipient
    if not (actor.has_role(Role.shelter_staff) and is_recipient(actor, referral)):
        raise Forbidden("permission", N_("only the receiving shelter's staff admit"))
    if referral.service != "accommodation" or referral.status != "accepted":
        raise Invalid("referral", N_("admit from an accepted accommodation referral"))
    case = db.session.get(Case, referral.case_id)
    consent = valid_consent(case.id, "service", referral.provider_id)
    return _admit(actor, case, db.session.get(Agency, actor.agency_id), consent, room)


def _admit(actor, case, agency, consent, room) -> Stay:
    if consent is None:
        raise Refused("SH-1", N_("admission records the person's consent to stay at this shelter"))
    # The case's row lock first, before the stay is written: the stay's foreign key takes a
    # share lock on the case, and two admissions that each held that and then asked for the
    # row lock (in apply_transition) would deadlock. In this order the second one waits,
    # then finds the person already staying and is refused (409).
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    stay = Stay(case_id=case.id, shelter_agency_id=agency.id, consent_id=consent.id,
                provider_id=consent.provider_id, room=room)
    db.session.add(stay)
    db.session.flush()  # first, so the shelter's staff have the case in scope for the step
    apply_transition(actor, case, "shelter", "admit", via="shelter",
                     reason="admitted with consent")
    record(actor, "stay.admit", "stay", stay.id, case_id=case.id, purpose="shelter")
    return stay


def leave(actor, stay: Stay, note=None, *, reason_code="person_chose_to_leave",
          person_view=None) -> Stay:
    """SH-1: the person may leave at any time; there is no precondition, ever. What is
    recorded about it is coded (``shelter.leave``) and its note never ties the leaving to
    cooperation (NC-3). The person's leaving is their view when they gave no other."""
    if stay.left_at is not None:
        return stay
    check_adverse(actor, stay.case_id, "shelter.leave", reason_code=reason_code,
                  person_view=person_view, person_view_declined=True, reason=note)
    apply_transition(actor, stay.case_id, "shelter", "leave", via="shelter",
                     reason=note or "the person left")
    _end(actor, stay, note, "the person left")
    record(actor, "stay.leave", "stay", stay.id, case_id=stay.case_id, purpose="shelter")
    return stay


def end_stay(actor, stay: Stay, *, reason: str | None = None, person_view: str | None = None,
             reason_code: str | None = None, person_view_declined: bool = False) -> Stay:
    """The shelter ends a stay: an adverse step with its reasons and the person's view
    (ID-6), never for not cooperating (NC-3)."""
    if stay.left_at is not None:
        raise Refused("SH-1", N_("the stay has already ended"))
    facts = {"person_view": person_view} if person_view else {}
    if reason_code:
        facts["reason_code"] = reason_code
    if person_view_declined:
        facts["person_view_declined"] = True
    apply_transition(actor, stay.case_id, "shelter", "end_stay", via="shelter", reason=reason,
                     facts=facts)
    _end(actor, stay, reason, "the stay ended")
    record(actor, "stay.end", "stay", stay.id, case_id=stay.case_id, purpose="shelter")
    return stay


def _end(actor, stay: Stay, note, lift_reason):
    """What depends on a stay ends with it: its restrictions, their follow-ups, and the
    shelter's reach into the case (the scope below reads ``left_at``)."""
    stay.left_at = utcnow()
    stay.left_note = note
    for restriction in stay.active_restrictions():
        restriction.lifted_at = stay.left_at
        restriction.lift_reason = lift_reason
    cancel_deadlines(stay.case_id, "restriction_review")
    cancel_deadlines(stay.case_id, "restriction_expiry")


@access.register_scope(applies=lambda user: user.has_role(Role.shelter_staff))
def _shelter_staff_scope(user_id, agency_id):
    """Shelter staff reach the cases of the people staying with them now, and only to run
    the stay: the case file itself stays closed to them (SH-3)."""
    from ..cases.models import Case
    return Case.id.in_(select(Stay.case_id).where(Stay.shelter_agency_id == agency_id,
                                                  Stay.left_at.is_(None)))


def impose_restriction(actor, stay: Stay, *, legal_basis, decision_maker, grounds, reason,
                       expires_at, review_at, reason_code=None, person_view=None,
                       person_view_declined=False) -> Restriction:
    """SH-2: exceptional, dated, reviewed; CH-4: never for a child on migration grounds.
    Who may: ``access.get_stay_for(actor, id, RESTRICT)``."""
    if stay.left_at is not None:
        raise Refused("SH-1", N_("the person has left; there is nothing to restrict"))
    from ..cases.models import Case
    case = db.session.get(Case, stay.case_id)
    if grounds != "safety":
        if case.is_child:
            raise Refused("CH-4", N_("a child's movement is never restricted on migration or "
                                     "other non-safety grounds"))
        raise Refused("SH-2", N_("a restriction of movement is only ever for the person's "
                                 "safety"))
    for field, value in (("legal_basis", legal_basis), ("decision_maker", decision_maker),
                         ("reason", reason)):
        if not (value or "").strip():
            raise Invalid(field, N_("required for a restriction of movement (SH-2)"))
    now = utcnow()
    maximum = jurisdictions.for_case(case).restriction_max_days
    if expires_at <= now:
        raise Invalid("expires_at", N_("must be in the future"))
    if expires_at > now + timedelta(days=maximum):
        raise Invalid("expires_at", N_("a restriction lasts at most %(days)s days; a new "
                                       "decision is needed to go on"), {"days": maximum})
    if not now < review_at <= expires_at:
        raise Invalid("review_at", N_("review before the restriction expires"))
    if stay.active_restrictions(now):
        raise Refused("SH-2", N_("a restriction is already in force: review it, do not stack "
                                 "or renew it"))
    check_adverse(actor, stay.case_id, "restriction.impose", reason_code=reason_code,
                  person_view=person_view, person_view_declined=person_view_declined,
                  reason=reason)
    restriction = Restriction(legal_basis=legal_basis.strip(),
                              decision_maker=decision_maker.strip(), grounds=grounds,
                              reason=reason.strip(), expires_at=expires_at,
                              reason_code=reason_code,
                              person_view=person_view or "declined to give a view",
                              review_at=review_at, imposed_by_id=actor.id)
    stay.restrictions.append(restriction)
    db.session.flush()
    plan_deadline(stay.case_id, "restriction_review", review_at,
                  source_key=str(restriction.id), remind_days=(1,), risk=2)
    plan_deadline(stay.case_id, "restriction_expiry", expires_at,
                  source_key=str(restriction.id), remind_days=(2,), risk=2)
    record(actor, "stay.restrict", "restriction", restriction.id, case_id=stay.case_id,
           purpose="shelter safety")
    return restriction


def lift_restriction(actor, restriction: Restriction, reason: str) -> Restriction:
    if restriction.lifted_at is None:
        restriction.lifted_at = utcnow()
        restriction.lift_reason = reason
        cancel_deadlines(restriction.stay.case_id, None, str(restriction.id))
        record(actor, "stay.restriction_lifted", "restriction", restriction.id,
               case_id=restriction.stay.case_id, purpose="shelter safety")
    return restriction


def go_out(actor, stay: Stay, purpose: str) -> Outing:
    """SH-5: leaving to attend court, a lawyer or a doctor is always allowed."""
    if purpose not in OUTING_PURPOSES:
        raise Invalid("purpose", N_("one of %(choices)s"), {"choices": ", ".join(OUTING_PURPOSES)})
    outing = Outing(stay_id=stay.id, purpose=purpose)
    db.session.add(outing)
    db.session.flush()
    record(actor, "stay.outing", "outing", outing.id, case_id=stay.case_id, purpose="shelter")
    return outing


def log_held_item(actor, stay: Stay, *, kind, description=None) -> HeldItem:
    """SH-4: anything the shelter holds is logged."""
    if kind not in ITEM_KINDS:
        raise Invalid("kind", N_("one of %(choices)s"), {"choices": ", ".join(ITEM_KINDS)})
    item = HeldItem(stay_id=stay.id, kind=kind, description=description)
    db.session.add(item)
    db.session.flush()
    record(actor, "stay.item_held", "held_item", item.id, case_id=stay.case_id,
           purpose="shelter")
    return item


def return_held_item(actor, item: HeldItem) -> HeldItem:
    """SH-4: returned on request, never refused."""
    now = utcnow()
    item.return_requested_at = item.return_requested_at or now
    item.returned_at = item.returned_at or now
    record(actor, "stay.item_returned", "held_item", item.id, purpose="shelter")
    return item


def shelter_view(actor, shelter_id) -> list[dict]:
    """SH-3: who stays, whether voluntary, active restrictions and their expiry, and what is
    needed to run the stay. Nothing of the narrative, identity documents, legal track or
    health. Only the shelter's own staff, and each resident's read is audited against their
    case (DP-3, DP-6). A restricted case (DP-7) shows without name or reference."""
    from ..cases.access import record_reads
    from .access import own_shelter
    shelter_id = own_shelter(actor, shelter_id)
    reads = _shelter_view_reads(db.session.get_bind().dialect.name)
    stays = read_rows(reads.stays, {"shelter_id": shelter_id,
                                **access.viewer_params(actor)}).all()
    items, restrictions = {}, {}
    if stays:
        ids = [stay.id for stay in stays]
        for item in read_rows(reads.items, {"ids": ids}):
            items.setdefault(item.stay_id, []).append(item)
        for row in read_rows(reads.restrictions, {"ids": ids}):
            restrictions.setdefault(row.stay_id, []).append(row)
    now = utcnow()
    view = []
    for stay in stays:
        masked = not stay.is_open
        active = [r for r in restrictions.get(stay.id, []) if Restriction.is_active(r, now)]
        view.append({
            "id": stay.id, "case_id": None if masked else stay.case_id,
            "name": None if masked else _resident_name(stay),
            "restricted_case": masked,
            "languages": stay.languages, "interpreter_needed": stay.interpreter_needed,
            "is_child": Case.is_child.fget(stay), "room": stay.room,  # CH-1, from its columns
            "no_removal": Case.no_removal.fget(stay),  # RP-2: shown to every role
            "admitted_at": stay.admitted_at, "is_voluntary": not active,
            "restrictions": [{"id": r.id, "expires_at": r.expires_at,
                              "review_at": r.review_at, "legal_basis": r.legal_basis}
                             for r in active],
            "held_items": [{"id": i.id, "kind": i.kind, "returned": i.returned_at is not None}
                           for i in items.get(stay.id, [])],
        })
    # Each resident's read is audited against their case (DP-3, DP-6), in one statement.
    record_reads(actor, [stay.case_id for stay in stays], "shelter residents",
                 purpose="shelter")
    return view


def _resident_name(row) -> str | None:
    """The name a resident goes by, else their given name, opened from the sealed columns
    as ``Person.known_as`` and ``Person.given_name`` open them."""
    from ..cases.models import Person
    from ..crypto import open_sealed
    return (open_sealed(Person.__tablename__, "known_as", row.person_id, row.known_as_enc)
            or open_sealed(Person.__tablename__, "given_name", row.person_id,
                           row.given_name_enc))


@cache
def _shelter_view_reads(dialect: str) -> SimpleNamespace:
    """The shelter view's statements, built once (per database kind) and run with the
    shelter, the reader and the residents' stays as parameters. Only what the view shows,
    as columns (SH-3): the stay, the case's status, the person's name and languages, and
    whether the case is open to the reader."""
    from sqlalchemy import bindparam

    from ..cases.models import Person
    return SimpleNamespace(
        stays=(select(Stay.id, Stay.case_id, Stay.room, Stay.admitted_at, Case.person_id,
                      Case.age_status, Case.nrm_state, Case.identification,
                      Case.reflection_ends_at, Case.protection_ends_at, Case.move_on_ends_at,
                      Person.known_as_enc, Person.given_name_enc, Person.languages,
                      Person.interpreter_needed, access.open_to_viewer().label("is_open"))
               .join(Case, Case.id == Stay.case_id).join(Person, Person.id == Case.person_id)
               .where(Stay.shelter_agency_id == bindparam("shelter_id",
                                                          type_=Stay.shelter_agency_id.type),
                      Stay.left_at.is_(None))
               .order_by(Stay.admitted_at)),
        items=select(HeldItem.id, HeldItem.stay_id, HeldItem.kind, HeldItem.returned_at)
        .where(among_parameter(HeldItem.stay_id, "ids", dialect)),
        restrictions=(select(Restriction.id, Restriction.stay_id, Restriction.expires_at,
                             Restriction.review_at, Restriction.legal_basis,
                             Restriction.lifted_at)
                      .where(among_parameter(Restriction.stay_id, "ids", dialect))
                      .order_by(Restriction.imposed_at)))


def stay_page(actor, stay: Stay) -> dict:
    """One stay as its shelter runs it (SH-1..5): voluntary or not, every restriction with
    its legal basis, expiry and review, outings, items held. Nothing of the case file beyond
    the voluntary-stay view (SH-3); the read is audited against the case."""
    from .access import own_shelter
    own_shelter(actor, stay.shelter_agency_id)
    resident = next((r for r in shelter_view(actor, stay.shelter_agency_id)
                     if r["id"] == stay.id), None)
    outings = db.session.scalars(select(Outing).where(Outing.stay_id == stay.id)
                                 .order_by(Outing.left_at.desc())).all()
    items = db.session.scalars(select(HeldItem).where(HeldItem.stay_id == stay.id)
                               .order_by(HeldItem.received_at)).all()
    from ..cases.models import Case
    case = db.session.get(Case, stay.case_id)
    maximum = jurisdictions.get(case.jurisdiction).restriction_max_days
    return {"resident": resident, "restrictions": list(stay.restrictions),
            "outings": outings, "held": items, "max_days": maximum,
            "is_child": case.is_child}


def items_held_after_leaving(actor) -> list[HeldItem]:
    """Items the shelter still holds for people who have left: theirs, to return (SH-4)."""
    from .access import own_shelter
    shelter_id = own_shelter(actor, actor.agency_id)
    return db.session.scalars(select(HeldItem).join(Stay, Stay.id == HeldItem.stay_id).where(
        Stay.shelter_agency_id == shelter_id, Stay.left_at.is_not(None),
        HeldItem.returned_at.is_(None)).order_by(HeldItem.received_at)).all()
