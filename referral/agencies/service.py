"""Work across agencies: transfer, case team, case conferences, possible earlier referrals
and cross-border handover. Plain functions; the callers load records through ``access``."""
from datetime import timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import aliased

from ..accounts.models import Agency, AgencyKind, Role, User
from ..audit.service import record
from ..cases.access import record_read
from ..cases.models import Case
from ..consent import service as consent_service
from ..consent.models import Consent
from ..database import parse_id, utcnow
from ..errors import Forbidden, Invalid, NotFound, Refused
from ..extensions import db
from ..labels import AGENCY_FOLLOW_UPS, N_
from ..reminders.models import Deadline, DeadlineStatus
from ..reminders.service import LABELS, cancel_deadlines, meet_deadline, plan_deadline
from ..signals import case_opened
from . import matching
from .access import is_own_staff, membership_of
from .models import (HANDOVER_EVENTS, LEGAL_BASES, PARTICIPATION, TEAM_SCOPES, CaseLink,
                     CaseTransfer, Conference, ConferenceAction, ConferenceAttendee, Handover,
                     HandoverEvent, MatchKey, TeamMember)

LABELS.update(AGENCY_FOLLOW_UPS)  # marked for translation in referral.labels

# A cross-border package carries these consent data categories at most (CO-1, minimal).
HANDOVER_CATEGORIES = ("identity", "contact", "needs", "case_summary")
HANDOVER_STEPS = {"received": ("sent",), "first_contact": ("received",),
                  "check_in": ("first_contact",), "closed": ("received", "first_contact")}


def _require_staff(actor, case):
    if not is_own_staff(actor, case):
        raise Forbidden("permission", N_("only the case's own agency does this"))


def _agency(agency_id, field="agency_id") -> Agency:
    try:
        agency = db.session.get(Agency, parse_id(agency_id, field))
    except NotFound:
        agency = None
    if agency is None:
        raise Invalid(field, N_("no such agency"))
    return agency


def _consent_for(case, consent_id, purposes, recipient: str) -> Consent:
    """CO-1: a consent of this case, in force, for this purpose and this recipient."""
    try:
        consent = db.session.get(Consent, parse_id(consent_id, "consent_id"))
    except NotFound:
        consent = None
    if consent is None or consent.case_id != case.id:
        raise Invalid("consent_id", N_("choose a consent recorded on this case"))
    if consent.purpose not in purposes or \
            consent.recipient_name.strip().casefold() != recipient.strip().casefold():
        raise Refused("CO-1", N_("the consent must be for this purpose and name this "
                                 "recipient"))
    consent = consent_service.lock_consent(consent, share=True)
    if not consent.is_valid_at(utcnow()):
        raise Refused("CO-2", N_("this consent is withdrawn or has expired"))
    return consent


def _still_consented(consent_id):
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        return False
    consent = consent_service.lock_consent(consent, share=True)
    return consent.is_valid_at(utcnow())


# -- transfer -----------------------------------------------------------------------------

def request_transfer(actor, case, *, to_agency_id, consent_id, reason) -> CaseTransfer:
    """The case's own agency asks another agency to take the case, on the person's consent
    to share it with that agency (CO-1)."""
    _require_staff(actor, case)
    to_agency = _agency(to_agency_id, "to_agency_id")
    if to_agency.id == case.agency_id:
        raise Invalid("to_agency_id", N_("choose another agency"))
    if to_agency.kind == AgencyKind.partner_abroad:
        raise Invalid("to_agency_id", N_("a partner abroad receives a handover, not a "
                                         "transfer"))
    if not (reason or "").strip():
        raise Invalid("reason", N_("say why the case moves"))
    if case.is_restricted:
        raise Refused("DP-7", N_("a case restricted to named staff does not move to another "
                                 "agency while the restriction lasts"))
    consent = _consent_for(case, consent_id, ("data_share", "referral"), to_agency.name)
    pending = db.session.scalar(select(CaseTransfer.id).where(
        CaseTransfer.case_id == case.id, CaseTransfer.status == "requested"))
    if pending is not None:
        raise Refused("transfer", N_("a transfer of this case is already waiting for an "
                                     "answer"))
    transfer = CaseTransfer(case_id=case.id, case_reference=case.reference,
                            from_agency_id=case.agency_id, to_agency_id=to_agency.id,
                            consent_id=consent.id, reason=reason.strip(),
                            requested_by_id=actor.id, status="requested")
    db.session.add(transfer)
    db.session.flush()
    record(actor, "transfer.request", "case_transfer", transfer.id, case_id=case.id,
           purpose="case transfer", details={"to_agency": str(to_agency.id)})
    return transfer


def decide_transfer(actor, transfer: CaseTransfer, *, accept: bool, reason=None):
    """The receiving agency accepts (the case, its history and its follow-ups move) or
    declines with a reason."""
    if transfer.status != "requested":
        raise Refused("transfer", N_("this transfer was already decided"))
    if not actor.has_role(Role.caseworker, Role.supervisor) or \
            actor.agency_id != transfer.to_agency_id:
        raise Forbidden("permission", N_("only the receiving agency decides a transfer"))
    case = db.session.scalar(select(Case).where(Case.id == transfer.case_id)
                             .with_for_update(of=Case))
    now = utcnow()
    transfer.decided_by_id, transfer.decided_at = actor.id, now
    if not accept:
        if not (reason or "").strip():
            raise Invalid("reason", N_("say why the transfer is declined"))
        transfer.status = "declined"
        transfer.decline_reason = reason.strip()[:400]
        record(actor, "transfer.decline", "case_transfer", transfer.id, case_id=case.id,
               purpose="case transfer")
        return transfer
    if not _still_consented(transfer.consent_id):
        raise Refused("CO-2", N_("the person's consent to this transfer was withdrawn"))
    if case.agency_id != transfer.from_agency_id:
        raise Refused("transfer", N_("the case has moved since this request"))
    assignee = actor.id if actor.has_role(Role.caseworker) else None
    case.agency_id = transfer.to_agency_id
    case.assigned_to_id = assignee
    # Follow-ups move with the case: the receiving agency's dashboards and its caseworker.
    moved = db.session.execute(
        update(Deadline).where(Deadline.case_id == case.id,
                               Deadline.status == DeadlineStatus.pending)
        .values(agency_id=transfer.to_agency_id, assignee_id=assignee)
        .execution_options(synchronize_session="fetch")).rowcount
    transfer.status = "accepted"
    transfer.moved_follow_ups = moved or 0
    db.session.flush()
    record(actor, "transfer.accept", "case_transfer", transfer.id, case_id=case.id,
           purpose="case transfer", details={"from_agency": str(transfer.from_agency_id),
                                             "follow_ups_moved": transfer.moved_follow_ups})
    return transfer


def cancel_transfer(actor, transfer: CaseTransfer):
    if transfer.status != "requested":
        raise Refused("transfer", N_("this transfer was already decided"))
    if not actor.has_role(Role.caseworker, Role.supervisor) or \
            actor.agency_id != transfer.from_agency_id:
        raise Forbidden("permission", N_("only the sending agency withdraws its request"))
    transfer.status = "cancelled"
    transfer.decided_by_id, transfer.decided_at = actor.id, utcnow()
    record(actor, "transfer.cancel", "case_transfer", transfer.id, case_id=transfer.case_id,
           purpose="case transfer")
    return transfer


def transfers_of(case):
    return db.session.scalars(select(CaseTransfer).where(CaseTransfer.case_id == case.id)
                              .order_by(CaseTransfer.requested_at)).all()


def incoming_transfers(user):
    return db.session.scalars(select(CaseTransfer).where(
        CaseTransfer.to_agency_id == user.agency_id, CaseTransfer.status == "requested")
        .order_by(CaseTransfer.requested_at)).all()


def transferred_out(user):
    """The sending agency's closed stubs: reference, when, to whom. No personal data."""
    return db.session.scalars(select(CaseTransfer).where(
        CaseTransfer.from_agency_id == user.agency_id,
        CaseTransfer.status.in_(("requested", "accepted", "declined")))
        .order_by(CaseTransfer.requested_at.desc()).limit(200)).all()


def transfer_view(transfer: CaseTransfer) -> dict:
    return {"id": transfer.id, "case_reference": transfer.case_reference,
            "from_agency": transfer.from_agency.name, "to_agency": transfer.to_agency.name,
            "status": transfer.status, "requested_at": transfer.requested_at,
            "decided_at": transfer.decided_at, "decline_reason": transfer.decline_reason,
            "moved_follow_ups": transfer.moved_follow_ups}


def timeline_rows():
    """The transfers' part of a case's history statement (``cases.service.history``)."""
    from ..cases.service import timeline_columns
    sender, receiver = aliased(Agency), aliased(Agency)
    return (select(*timeline_columns(at=CaseTransfer.requested_at, at2=CaseTransfer.decided_at,
                                     text1=CaseTransfer.status, text2=sender.name,
                                     text3=receiver.name))
            .select_from(CaseTransfer)
            .join(sender, sender.id == CaseTransfer.from_agency_id)
            .join(receiver, receiver.id == CaseTransfer.to_agency_id)
            .where(CaseTransfer.case_id == bindparam("case_id", type_=CaseTransfer.case_id.type)))


def timeline(rows) -> list[dict]:
    """Transfers on the case's timeline (the history moves with the case)."""
    return [{"type": "transfer", "at": r.at2 or r.at, "event": r.text1,
             "from_agency": r.text2, "to_agency": r.text3} for r in rows]


# -- case team -----------------------------------------------------------------------------

def add_member(actor, case, *, user_id, team_role, scope, consent_id=None) -> TeamMember:
    """A member of staff on the case team with a scope. Staff of another agency need the
    person's consent to share with that agency (CO-1)."""
    _require_staff(actor, case)
    try:
        member_user = db.session.get(User, parse_id(user_id, "user_id"))
    except NotFound:
        member_user = None
    if member_user is None or not member_user.is_active_account or \
            member_user.has_role(Role.partner):
        raise Invalid("user_id", N_("no such member of staff"))
    scope = list(dict.fromkeys(scope or ()))
    unknown = [s for s in scope if s not in TEAM_SCOPES]
    if unknown or not scope:
        raise Invalid("scope", N_("one or more of %(choices)s"),
                      {"choices": ", ".join(TEAM_SCOPES)})
    if not (team_role or "").strip():
        raise Invalid("team_role", N_("say what the member does on the case"))
    if db.session.scalar(select(TeamMember.id).where(
            TeamMember.case_id == case.id, TeamMember.user_id == member_user.id,
            TeamMember.ended_at.is_(None))) is not None:
        raise Invalid("user_id", N_("already on the team"))
    if consent_id is None:
        raise Invalid("consent_id", N_("choose the person's consent to share with this "
                                       "agency (CO-1)"))
    consent = _consent_for(case, consent_id, ("data_share", "referral"),
                           member_user.agency.name)
    member = TeamMember(case_id=case.id, user_id=member_user.id,
                        agency_id=member_user.agency_id, team_role=team_role.strip()[:80],
                        scope=scope, consent_id=consent.id, added_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    record(actor, "team.add", "case_team_member", member.id, case_id=case.id,
           purpose="case team", details={"user": str(member_user.id), "scope": scope})
    return member


def end_member(actor, member: TeamMember, reason="left"):
    if member.ended_at is not None:
        return member
    member.ended_at = utcnow()
    member.end_reason = reason
    record(actor, "team.end", "case_team_member", member.id, case_id=member.case_id,
           purpose="case team", details={"reason": reason})
    return member


def team_of(case, include_ended=False):
    query = select(TeamMember).where(TeamMember.case_id == case.id)
    if not include_ended:
        query = query.where(TeamMember.ended_at.is_(None))
    return db.session.scalars(query.order_by(TeamMember.added_at)).all()


def team_view(actor, case) -> dict:
    """What a team member sees: the parts of the file in their scope, nothing else."""
    member = membership_of(actor, case)
    scope = set(TEAM_SCOPES) if is_own_staff(actor, case) else set(member.scope or ())
    view = {"reference": case.reference, "agency": case.agency.name if case.agency else "",
            "scope": sorted(scope), "is_child": case.is_child, "no_removal": case.no_removal,
            "tracks": {t: s for t, s in case.tracks.items() if t in scope}}
    if "identity" in scope:
        person = case.person
        view["identity"] = {"known_as": person.known_as or person.given_name,
                            "languages": person.languages,
                            "interpreter_needed": person.interpreter_needed}
    view["team"] = [{"name": m.user.display_name, "agency": m.agency.name,
                     "team_role": m.team_role} for m in team_of(case)]
    if "conferences" in scope:
        view["conferences"] = [{"id": c.id, "scheduled_for": c.scheduled_for,
                                "purpose": c.purpose, "status": c.status}
                               for c in conferences_of(case)]
    return view


def my_team_cases(user):
    return db.session.execute(select(TeamMember, Case.reference).join(
        Case, Case.id == TeamMember.case_id).where(
        TeamMember.user_id == user.id, TeamMember.ended_at.is_(None))).all()


# -- case conferences ------------------------------------------------------------------------

def _may_attend(case, user) -> bool:
    return user.agency_id == case.agency_id or any(
        m.user_id == user.id for m in team_of(case))


def schedule_conference(actor, case, *, scheduled_for, purpose, attendee_ids=()):
    """A conference is a follow-up (deadline) for the one who scheduled it."""
    _require_staff(actor, case)
    if scheduled_for <= utcnow():
        raise Invalid("scheduled_for", N_("must be in the future"))
    if not (purpose or "").strip():
        raise Invalid("purpose", N_("say what the conference is for"))
    conference = Conference(case_id=case.id, scheduled_for=scheduled_for,
                            purpose=purpose.strip()[:200], created_by_id=actor.id)
    db.session.add(conference)
    for user_id in dict.fromkeys([actor.id, *attendee_ids]):
        try:
            user = db.session.get(User, parse_id(user_id, "attendee_ids"))
        except NotFound:
            user = None
        if user is None or not _may_attend(case, user):
            raise Invalid("attendee_ids", N_("invite staff of the agency or of the case "
                                             "team"))
        conference.attendees.append(ConferenceAttendee(
            user_id=user.id, name=user.display_name, agency_name=user.agency.name))
    db.session.flush()
    plan_deadline(case.id, "case_conference", scheduled_for, source_key=str(conference.id),
                  remind_days=(2, 0), assignee_id=actor.id)
    record(actor, "conference.schedule", "case_conference", conference.id, case_id=case.id,
           purpose="case conference")
    return conference


def record_conference(actor, conference: Conference, *, participation, person_view=None,
                      minutes, attended_ids=(), decisions=(), actions=()):
    """Held: attendance, the person's participation or view (ID-6), sealed minutes, and
    actions that become follow-ups for their owners."""
    case = db.session.get(Case, conference.case_id)
    _require_staff(actor, case)
    if conference.status == "held":
        raise Refused("conference", N_("this conference is already recorded"))
    if participation not in PARTICIPATION:
        raise Invalid("participation", N_("one of %(choices)s"),
                      {"choices": ", ".join(PARTICIPATION)})
    if participation in ("attended", "view_given") and not (person_view or "").strip():
        raise Invalid("person_view", N_("record the person's view, in their words"))
    if not (minutes or "").strip():
        raise Invalid("minutes", N_("write the minutes"))
    attended = {str(i) for i in attended_ids}
    for attendee in conference.attendees:
        attendee.attended = str(attendee.user_id) in attended
    conference.participation = participation
    conference.person_view = (person_view or "").strip() or None
    conference.minutes = minutes.strip()
    conference.decisions = [d.strip() for d in decisions if (d or "").strip()]
    conference.status, conference.held_at = "held", utcnow()
    for item in actions:
        owner_id = item.get("owner_id") or actor.id
        try:
            owner = db.session.get(User, parse_id(owner_id, "actions"))
        except NotFound:
            owner = None
        if owner is None or not _may_attend(case, owner):
            raise Invalid("actions", N_("an action's owner is on the agency or the team"))
        if not (item.get("description") or "").strip() or item.get("due_at") is None:
            raise Invalid("actions", N_("an action says what is to be done, and by when"))
        action = ConferenceAction(description=item["description"].strip(), owner_id=owner.id,
                                  due_at=item["due_at"])
        conference.actions.append(action)
        db.session.flush()
        plan_deadline(case.id, "conference_action", item["due_at"], source_key=str(action.id),
                      remind_days=(3, 1), assignee_id=owner.id)
    meet_deadline(case.id, "case_conference", str(conference.id))
    db.session.flush()
    record(actor, "conference.record", "case_conference", conference.id, case_id=case.id,
           purpose="case conference", details={"actions": len(conference.actions)})
    return conference


def conferences_of(case):
    return db.session.scalars(select(Conference).where(Conference.case_id == case.id)
                              .order_by(Conference.scheduled_for)).all()


def read_conference(actor, conference):
    record_read(actor, conference.case_id, "case conference")
    return conference


# -- possible earlier referrals (RR-5) -------------------------------------------------------

def _keys_of(case) -> dict[str, str]:
    person = case.person
    names = [person.given_name, person.family_name, person.known_as, *(person.aliases or [])]
    keys = matching.plain_keys([n for n in names if n], person.date_of_birth,
                               person.nationality)
    return {key: key.split(":", 1)[0] for key in keys}


def index_case(case):
    """Store the case's match keys (hashed); replaces what was there."""
    db.session.query(MatchKey).filter(MatchKey.case_id == case.id).delete()
    for key, kind in _keys_of(case).items():
        db.session.add(MatchKey(case_id=case.id, kind=kind,
                                digest=matching.blind_index("match", key)))
    db.session.flush()


@case_opened.connect
def _index_on_open(case, **kwargs):
    index_case(case)


def find_earlier_referrals(actor, case) -> list[CaseLink]:
    """Possible earlier referrals of this person in other agencies, by match keys only."""
    _require_staff(actor, case)
    index_case(case)
    person = case.person
    names = [person.given_name, person.family_name, person.known_as, *(person.aliases or [])]
    wanted = {}
    for key in matching.query_keys([n for n in names if n], person.date_of_birth,
                                   person.nationality):
        wanted[matching.blind_index("match", key)] = key.split(":", 1)[0]
    rows = db.session.execute(
        select(MatchKey.case_id, MatchKey.kind, func.count(MatchKey.id))
        .join(Case, Case.id == MatchKey.case_id)
        .where(MatchKey.digest.in_(list(wanted)), MatchKey.case_id != case.id,
               Case.agency_id != case.agency_id, Case.referred_at <= case.referred_at)
        .group_by(MatchKey.case_id, MatchKey.kind)).all()
    found = {}
    for case_id, kind, count in rows:
        found.setdefault(case_id, {})[kind] = count
    existing = {link.earlier_case_id: link for link in db.session.scalars(
        select(CaseLink).where(CaseLink.case_id == case.id))}
    for case_id, kinds in found.items():
        if matching.is_match(kinds, person.date_of_birth is not None) \
                and case_id not in existing:
            link = CaseLink(case_id=case.id, earlier_case_id=case_id,
                            score=matching.score(kinds), status="found")
            db.session.add(link)
            existing[case_id] = link
    db.session.flush()
    record(actor, "match.search", "case", case.id, case_id=case.id,
           purpose="possible earlier referral", details={"found": len(existing)})
    return sorted(existing.values(), key=lambda link: -link.score)


def links_of(case):
    return db.session.scalars(select(CaseLink).where(CaseLink.case_id == case.id)
                              .order_by(CaseLink.score.desc())).all()


def link_view(link: CaseLink, for_earlier_agency=False) -> dict:
    """What each side sees: the requesting agency, that a possible earlier referral exists
    (and its reference only once linked); the holding agency, its own case's reference."""
    view = {"id": link.id, "status": link.status, "score": link.score,
            "found_at": link.found_at}
    if for_earlier_agency:
        view["your_case_reference"] = link.earlier_case.reference
        view["requesting_agency"] = link.case.agency.name
        view["requesting_case_reference"] = link.case.reference
    elif link.status == "linked":
        view["earlier_case_reference"] = link.earlier_case.reference
    return view


def request_link(actor, link: CaseLink):
    case = db.session.get(Case, link.case_id)
    _require_staff(actor, case)
    if link.status not in ("found", "declined"):
        raise Refused("RR-5", N_("a link is already requested or made"))
    link.status, link.requested_by_id, link.requested_at = "requested", actor.id, utcnow()
    record(actor, "match.request_link", "case_link", link.id, case_id=case.id,
           purpose="possible earlier referral")
    return link


def decide_link(actor, link: CaseLink, *, accept: bool):
    """The agency holding the earlier case confirms (or not) that it is the same person."""
    earlier = link.earlier_case
    if not actor.has_role(Role.caseworker, Role.supervisor) or \
            actor.agency_id != earlier.agency_id:
        raise Forbidden("permission", N_("only the agency holding the earlier case decides"))
    if link.status != "requested":
        raise Refused("RR-5", N_("no link is waiting for an answer"))
    link.decided_by_id, link.decided_at = actor.id, utcnow()
    link.status = "linked" if accept else "declined"
    if accept:
        case = db.session.get(Case, link.case_id)
        if case.previous_case_id is None:
            case.previous_case_id = earlier.id  # RR-5: counted as a re-referral
    record(actor, "match.link" if accept else "match.decline", "case_link", link.id,
           case_id=earlier.id, purpose="possible earlier referral")
    return link


def incoming_links(user):
    return db.session.scalars(select(CaseLink).join(Case, Case.id == CaseLink.earlier_case_id)
                              .where(Case.agency_id == user.agency_id,
                                     CaseLink.status == "requested")).all()


def re_referral_counts() -> dict:
    """RR-5, aggregate only (DP-4): referrals linked to an earlier case, and those linked
    across agencies."""
    linked = db.session.scalar(select(func.count(Case.id)).where(
        Case.previous_case_id.is_not(None))) or 0
    across = db.session.scalar(select(func.count(CaseLink.id)).where(
        CaseLink.status == "linked")) or 0
    return {"re_referrals": linked, "linked_across_agencies": across}


# -- cross-border handover -------------------------------------------------------------------

def _package(case, categories) -> dict:
    """The minimal package: only the categories consented to and chosen."""
    person, package = case.person, {"case_reference": case.reference}
    if "identity" in categories:
        package["identity"] = {
            "given_name": person.given_name, "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth
            else None, "sex": person.sex, "nationality": person.nationality,
            "languages": person.languages, "is_child": case.is_child}
    if "contact" in categories:
        package["contact"] = {"safe_contact": person.safe_contact
                              if person.contact_is_safe else None}
    if "needs" in categories:
        package["needs"] = {"interpreter_needed": person.interpreter_needed,
                            "assistance": case.assistance_state}
    if "case_summary" in categories:
        package["case_summary"] = {"exploitation_forms": case.exploitation_forms,
                                   "referred_on": case.referred_at.date().isoformat(),
                                   "identification": case.identification}
    return package


def send_handover(actor, case, *, partner_agency_id, country, legal_basis, categories,
                  response_due_at, consent_id) -> Handover:
    """CO-1: a cross-border transfer consent naming the partner; only its categories."""
    _require_staff(actor, case)
    partner = _agency(partner_agency_id, "partner_agency_id")
    if partner.kind != AgencyKind.partner_abroad:
        raise Invalid("partner_agency_id", N_("choose a partner organisation abroad"))
    if legal_basis not in LEGAL_BASES:
        raise Invalid("legal_basis", N_("one of %(choices)s"),
                      {"choices": ", ".join(LEGAL_BASES)})
    country = (country or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise Invalid("country", N_("a two-letter country code"))
    categories = list(dict.fromkeys(categories or ()))
    if not categories or any(c not in HANDOVER_CATEGORIES for c in categories):
        raise Invalid("categories", N_("one or more of %(choices)s"),
                      {"choices": ", ".join(HANDOVER_CATEGORIES)})
    if response_due_at <= utcnow():
        raise Invalid("response_due_at", N_("must be in the future"))
    consent = _consent_for(case, consent_id, ("cross_border_transfer",), partner.name)
    beyond = [c for c in categories if c not in (consent.data_categories or [])]
    if beyond:
        raise Refused("CO-1", N_("the consent does not cover: %(codes)s"),
                      {"codes": ", ".join(beyond)})
    handover = Handover(case_id=case.id, case_reference=case.reference,
                        partner_agency_id=partner.id, country=country,
                        legal_basis=legal_basis, categories=categories,
                        package=_package(case, categories), consent_id=consent.id,
                        response_due_at=response_due_at, status="sent", sent_by_id=actor.id)
    db.session.add(handover)
    db.session.flush()
    plan_deadline(case.id, "handover_response", response_due_at, source_key=str(handover.id),
                  remind_days=(3, 1), assignee_id=actor.id)
    record(actor, "handover.send", "handover", handover.id, case_id=case.id,
           purpose="cross-border handover",
           details={"partner": str(partner.id), "categories": categories})
    return handover


def record_handover_step(actor, handover: Handover, *, kind, at=None, note=None):
    """The partner records what happened: received, first contact made, check-ins."""
    if not (actor.has_role(Role.partner) and actor.agency_id == handover.partner_agency_id):
        raise Forbidden("permission", N_("only the partner it was handed to records this"))
    if kind not in HANDOVER_EVENTS:
        raise Invalid("kind", N_("one of %(choices)s"), {"choices": ", ".join(HANDOVER_EVENTS)})
    if handover.status not in HANDOVER_STEPS[kind] and not (
            kind == "check_in" and handover.status == "first_contact"):
        raise Refused("handover", N_("this step does not follow the handover's status"))
    at = at or utcnow()
    if at > utcnow() + timedelta(minutes=5):
        raise Invalid("at", N_("cannot be in the future"))
    handover.events.append(HandoverEvent(kind=kind, at=at, note=(note or "").strip() or None,
                                         actor_id=actor.id))
    if kind != "check_in":
        handover.status = kind
    if kind == "received":
        meet_deadline(handover.case_id, "handover_response", str(handover.id))
    db.session.flush()
    record(actor, f"handover.{kind}", "handover", handover.id, case_id=handover.case_id,
           purpose="cross-border handover")
    return handover


def read_handover(actor, handover: Handover) -> dict:
    """The handover in its documented JSON form; reading the package is audited."""
    record_read(actor, handover.case_id, "cross-border handover",
                purpose="cross-border handover")
    return handover_json(handover)


def handover_json(handover: Handover) -> dict:
    return {"format": "referral-handover/1", "id": str(handover.id),
            "case_reference": handover.case_reference,
            "partner": {"id": str(handover.partner_agency_id), "name": handover.partner.name},
            "country": handover.country, "legal_basis": handover.legal_basis,
            "categories": list(handover.categories), "package": handover.package,
            "consent_id": str(handover.consent_id),
            "sent_at": handover.sent_at.isoformat(),
            "response_due_at": handover.response_due_at.isoformat(),
            "status": handover.status,
            "events": [{"kind": e.kind, "at": e.at.isoformat(), "note": e.note}
                       for e in handover.events]}


def handovers_of(case):
    return db.session.scalars(select(Handover).where(Handover.case_id == case.id)
                              .order_by(Handover.sent_at)).all()


def partner_handovers(user):
    return db.session.scalars(select(Handover).where(
        Handover.partner_agency_id == user.agency_id, Handover.status != "withdrawn")
        .order_by(Handover.sent_at.desc())).all()


# -- consent withdrawal (CO-2): access that rested on it ends at once -------------------------

@consent_service.on_withdrawal
def end_on_withdrawal(consent, actor):
    for member in db.session.scalars(select(TeamMember).where(
            TeamMember.consent_id == consent.id, TeamMember.ended_at.is_(None))):
        end_member(actor, member, reason="consent_withdrawn")
    for transfer in db.session.scalars(select(CaseTransfer).where(
            CaseTransfer.consent_id == consent.id, CaseTransfer.status == "requested")):
        transfer.status, transfer.decided_at = "cancelled", utcnow()
        record(actor, "transfer.cancel", "case_transfer", transfer.id,
               case_id=transfer.case_id, purpose="consent withdrawn")
    for handover in db.session.scalars(select(Handover).where(
            Handover.consent_id == consent.id, Handover.status != "withdrawn")):
        handover.status = "withdrawn"
        cancel_deadlines(handover.case_id, "handover_response", str(handover.id))
        record(actor, "handover.withdraw", "handover", handover.id,
               case_id=handover.case_id, purpose="consent withdrawn")
