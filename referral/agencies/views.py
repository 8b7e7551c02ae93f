"""Pages for work across agencies: the case's agencies page (transfer, team, conferences,
earlier referrals, handovers), the agency's inbox, the team view, a conference, and the
partner's handovers."""
from datetime import datetime, timezone

from flask import Blueprint, flash, has_request_context, redirect, render_template, request, \
    url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from sqlalchemy import select

from ..accounts.models import Agency, AgencyKind, Role, User
from ..boundary import attempt
from ..cases.service import register_history_source
from ..cases.views import register_case_file_panel
from ..consent.models import Consent
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..web import NAV_LINKS, home_panel
from . import access, service
from .models import LEGAL_BASES, PARTICIPATION, TEAM_SCOPES
from .schemas import (ConferenceInSchema, ConferenceRecordSchema, HandoverInSchema,
                      HandoverStepSchema, MemberInSchema, TransferInSchema)

bp = Blueprint("agencies", __name__)

NAV_LINKS.append((_l("Other agencies"), "agencies.inbox", ("caseworker", "supervisor")))
NAV_LINKS.append((_l("Handovers received"), "agencies.partner_handovers", ("partner",)))


@home_panel("partner", _l("Handovers received"), "agencies/partner_panel.html")
def partner_panel(user):
    return {"handovers": service.partner_handovers(user)[:10], "status": _status}


@home_panel("caseworker", _l("Other agencies"), "agencies/inbox_panel.html")
def inbox_panel(user):
    return {"transfers": len(service.incoming_transfers(user)),
            "links": len(service.incoming_links(user))}


@register_history_source(service.timeline_rows)
def timeline(case, rows) -> list[dict]:
    items = service.timeline(rows)
    if has_request_context():
        for item in items:
            item["label"] = _("Transfer %(from)s → %(to)s: %(status)s",
                              **{"from": item["from_agency"], "to": item["to_agency"],
                                 "status": _status(item["event"])})
    return items


def _status(code):
    return {"requested": _("requested"), "accepted": _("accepted"),
            "declined": _("declined"), "cancelled": _("cancelled"),
            "found": _("possible match"), "linked": _("linked"),
            "scheduled": _("scheduled"), "sent": _("sent"),
            # a meeting that took place ("held" is also an item kept for the person)
            "held": pgettext("meeting", "held"),
            "received": _("received"), "first_contact": _("first contact made"),
            "check_in": _("check-in"), "closed": _("closed"),
            "withdrawn": _("withdrawn")}.get(code, code)


@register_case_file_panel("agencies/case_file_panel.html")
def case_file_panel(case, actor):
    return {"team": service.team_of(case),
            "pending_transfer": next((t for t in service.transfers_of(case)
                                      if t.status == "requested"), None)}


def _form_dict(*lists):
    data = {k: v for k, v in request.form.items() if v != "" and k not in lists}
    for name in lists:
        data[name] = [v for v in request.form.getlist(name) if v]
    data.pop("csrf_token", None)
    data.pop("idempotency_key", None)
    data.pop("action", None)
    return data


def _flash_error(exc):
    if isinstance(exc, ValidationError):
        for field, messages in exc.normalized_messages().items():
            text = messages if isinstance(messages, str) else "; ".join(
                m if isinstance(m, str) else str(m) for m in (
                    messages.values() if isinstance(messages, dict) else messages))
            flash(_("%(field)s: %(message)s", field=field.replace("_", " "),
                    message=_(text)), "error")
    else:
        flash(_("Not done (%(rule)s): %(message)s", rule=exc.key, message=exc.localized()),
              "error")


def _consents(case, purposes):
    now = utcnow()
    rows = db.session.scalars(select(Consent).where(Consent.case_id == case.id,
                                                    Consent.purpose.in_(purposes))).all()
    return [c for c in rows if c.is_valid_at(now)]


def _act(case, action):
    actor = current_user
    if action == "transfer":
        service.request_transfer(actor, case, **TransferInSchema().load(_form_dict()))
        return _("Transfer requested: the other agency is asked to accept.")
    if action == "team_add":
        service.add_member(actor, case, **MemberInSchema().load(_form_dict("scope")))
        return _("Added to the case team.")
    if action == "team_end":
        member = access.get_member_for(actor, request.form.get("member_id"))
        service.end_member(actor, member)
        return _("The member left the team; their access ended.")
    if action == "conference":
        service.schedule_conference(actor, case, **ConferenceInSchema().load(
            _form_dict("attendee_ids")))
        return _("Conference scheduled.")
    if action == "search":
        links = service.find_earlier_referrals(actor, case)
        return _("A possible earlier referral exists in another agency.") if links \
            else _("No earlier referral found in another agency.")
    if action == "link":
        link = access.get_link_for(actor, request.form.get("link_id"))
        service.request_link(actor, link)
        return _("Link requested: the other agency is asked to confirm.")
    if action == "handover":
        service.send_handover(actor, case, **HandoverInSchema().load(
            _form_dict("categories")))
        return _("Handover sent to the partner abroad.")
    return None


@bp.route("/cases/<case_id>/agencies", methods=["GET", "POST"])
def case_agencies(case_id):
    actor = current_user
    case = access.get_agency_case_for(actor, case_id, reading="work across agencies")
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                message = _act(case, request.form.get("action"))
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.status in (403, 404):
                raise
            _flash_error(exc)
        else:
            if message:
                flash(message, "ok")
        if case.agency_id != actor.agency_id:
            return redirect(url_for("agencies.inbox"))
        return redirect(url_for("agencies.case_agencies", case_id=case.id))
    staff = db.session.scalars(select(User).where(User.is_active_account.is_(True),
                                                  User.id != actor.id)
                               .order_by(User.display_name)).all()
    context = {
        "case": case, "form": form,
        "transfers": [service.transfer_view(t) for t in service.transfers_of(case)],
        "agencies": db.session.scalars(select(Agency).where(
            Agency.id != case.agency_id, Agency.kind != AgencyKind.partner_abroad)
            .order_by(Agency.name)).all(),
        "partners": db.session.scalars(select(Agency).where(
            Agency.kind == AgencyKind.partner_abroad).order_by(Agency.name)).all(),
        "share_consents": _consents(case, ("data_share", "referral")),
        "border_consents": _consents(case, ("cross_border_transfer",)),
        "team": service.team_of(case, include_ended=True),
        "staff": [u for u in staff if not u.has_role(Role.partner, Role.admin, Role.auditor,
                                                     Role.dpo)],
        "attendees": [u for u in staff if u.agency_id == case.agency_id]
        + [m.user for m in service.team_of(case)],
        "conferences": service.conferences_of(case),
        "links": [service.link_view(link) for link in service.links_of(case)],
        "handovers": service.handovers_of(case),
        "scopes": TEAM_SCOPES, "legal_bases": LEGAL_BASES,
        "categories": service.HANDOVER_CATEGORIES, "status": _status,
    }
    return render_template("agencies/case.html", **context)


@bp.route("/agencies/inbox")
def inbox():
    actor = current_user
    return render_template(
        "agencies/inbox.html", form=FlaskForm(), status=_status,
        incoming=[service.transfer_view(t) for t in service.incoming_transfers(actor)],
        sent=[service.transfer_view(t) for t in service.transferred_out(actor)],
        links=[service.link_view(link, for_earlier_agency=True)
               for link in service.incoming_links(actor)],
        team_cases=service.my_team_cases(actor))


@bp.route("/transfers/<transfer_id>/decide", methods=["POST"])
def decide_transfer(transfer_id):
    actor = current_user
    transfer = access.get_transfer_for(actor, transfer_id, deciding=True)
    if FlaskForm().validate_on_submit():
        accept = request.form.get("accept") == "yes"
        try:
            with attempt():
                service.decide_transfer(actor, transfer, accept=accept,
                                        reason=request.form.get("reason"))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _flash_error(exc)
        else:
            if accept:
                flash(_("Transfer accepted: the case is now your agency's."), "ok")
                return redirect(url_for("cases.case_file", case_id=transfer.case_id))
            flash(_("Transfer declined."), "ok")
    return redirect(url_for("agencies.inbox"))


@bp.route("/transfers/<transfer_id>/cancel", methods=["POST"])
def cancel_transfer(transfer_id):
    """The sending agency withdraws its transfer request before the other agency answers;
    confirmed first, as it cannot be taken back (a new request can be made)."""
    actor = current_user
    transfer = access.get_transfer_for(actor, transfer_id)
    back = url_for("agencies.case_agencies", case_id=transfer.case_id) \
        if actor.agency_id == transfer.from_agency_id else url_for("agencies.inbox")
    if FlaskForm().validate_on_submit():
        if request.form.get("confirm") != "y":
            flash(_("Not done: tick the confirmation to withdraw the request."), "error")
            return redirect(back)
        try:
            with attempt():
                service.cancel_transfer(actor, transfer)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            from ..webforms import refusal_sentence
            flash(refusal_sentence(exc), "error")
        else:
            flash(_("Transfer request withdrawn: the case stays with your agency."), "ok")
    return redirect(back)


@bp.route("/links/<link_id>/decide", methods=["POST"])
def decide_link(link_id):
    actor = current_user
    link = access.get_link_for(actor, link_id, deciding=True)
    if FlaskForm().validate_on_submit():
        accept = request.form.get("accept") == "yes"
        try:
            with attempt():
                service.decide_link(actor, link, accept=accept)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _flash_error(exc)
        else:
            flash(_("The referrals are linked (counted as a re-referral).") if accept
                  else _("Not the same person: the link is declined."), "ok")
    return redirect(url_for("agencies.inbox"))


@bp.route("/cases/<case_id>/team-view")
def team_case(case_id):
    actor = current_user
    case = access.get_team_case_for(actor, case_id)
    return render_template("agencies/team_view.html", case=case,
                           view=service.team_view(actor, case), status=_status)


@bp.route("/conferences/<conference_id>", methods=["GET", "POST"])
def conference(conference_id):
    actor = current_user
    conference = access.get_conference_for(actor, conference_id,
                                           write=request.method == "POST")
    case = access.get_team_case_for(actor, conference.case_id, reading="case conference")
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        data = _form_dict("attended_ids", "decisions")
        actions = []
        for description, owner, due in zip(request.form.getlist("action_description"),
                                           request.form.getlist("action_owner"),
                                           request.form.getlist("action_due")):
            if description.strip():
                actions.append({"description": description, "owner_id": owner or None,
                                "due_at": due})
        for key in ("action_description", "action_owner", "action_due"):
            data.pop(key, None)
        data["decisions"] = [d for d in request.form.get("decisions", "").splitlines()
                             if d.strip()]
        data["actions"] = actions
        try:
            with attempt():
                service.record_conference(actor, conference,
                                          **ConferenceRecordSchema().load(data))
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.status in (403, 404):
                raise
            _flash_error(exc)
        else:
            flash(_("Conference recorded; its actions are follow-ups."), "ok")
        return redirect(url_for("agencies.conference", conference_id=conference.id))
    service.read_conference(actor, conference)
    return render_template("agencies/conference.html", conference=conference, case=case,
                           form=form, participation=PARTICIPATION, status=_status,
                           may_record=access.is_own_staff(actor, case)
                           and conference.status == "scheduled")


@bp.route("/partner/handovers")
def partner_handovers():
    actor = current_user
    return render_template("agencies/partner.html", status=_status,
                           handovers=service.partner_handovers(actor))


@bp.route("/handovers/<handover_id>", methods=["GET", "POST"])
def handover(handover_id):
    actor = current_user
    handover = access.get_handover_for(actor, handover_id,
                                       partner_step=request.method == "POST")
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                service.record_handover_step(actor, handover,
                                             **HandoverStepSchema().load(_form_dict()))
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.status in (403, 404):
                raise
            _flash_error(exc)
        else:
            flash(_("Step recorded."), "ok")
        return redirect(url_for("agencies.handover", handover_id=handover.id))
    data = service.read_handover(actor, handover)
    return render_template("agencies/handover.html", handover=handover, data=data,
                           form=form, status=_status,
                           is_partner=actor.has_role(Role.partner),
                           now=datetime.now(timezone.utc))
