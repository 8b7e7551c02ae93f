from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ..auth import api_actor
from . import access, service
from .schemas import (ConferenceInSchema, ConferenceRecordSchema, ConferenceSchema,
                      TransferDecisionInSchema, HandoverInSchema, HandoverSchema, HandoverStepSchema,
                      LinkDecisionSchema, LinkSchema, MatchesSchema, MemberInSchema,
                      MemberSchema, ReReferralSchema, TeamViewSchema, TransferInSchema,
                      TransferListSchema, TransferSchema)

blp = Blueprint("api-agencies", __name__, url_prefix="/api/v1",
                description="Work across agencies: transfers, case teams, case conferences, "
                            "possible earlier referrals and cross-border handovers")


@blp.route("/cases/<case_id>/transfers")
class CaseTransfers(MethodView):
    @blp.response(200, TransferSchema(many=True))
    def get(self, case_id):
        """The transfers of a case (requested, accepted, declined, cancelled)."""
        case = access.get_agency_case_for(api_actor(), case_id)
        return [service.transfer_view(t) for t in service.transfers_of(case)]

    @blp.arguments(TransferInSchema)
    @blp.response(201, TransferSchema)
    def post(self, body, case_id):
        """Ask another agency to take the case, on the person's consent (CO-1)."""
        actor = api_actor()
        case = access.get_agency_case_for(actor, case_id)
        return service.transfer_view(service.request_transfer(actor, case, **body))


@blp.route("/transfers")
class Transfers(MethodView):
    @blp.response(200, TransferListSchema)
    def get(self):
        """Transfers waiting for the caller's agency, and those it sent (closed stubs)."""
        actor = api_actor()
        return {"incoming": [service.transfer_view(t)
                             for t in service.incoming_transfers(actor)],
                "sent": [service.transfer_view(t) for t in service.transferred_out(actor)]}


@blp.route("/transfers/<transfer_id>/decision")
class TransferDecision(MethodView):
    @blp.arguments(TransferDecisionInSchema)
    @blp.response(200, TransferSchema)
    def post(self, body, transfer_id):
        """The receiving agency accepts (case, history and follow-ups move) or declines."""
        actor = api_actor()
        transfer = access.get_transfer_for(actor, transfer_id, deciding=True)
        return service.transfer_view(service.decide_transfer(actor, transfer, **body))


@blp.route("/transfers/<transfer_id>/cancel")
class TransferCancel(MethodView):
    @blp.response(200, TransferSchema)
    def post(self, transfer_id):
        """The sending agency withdraws its request before an answer."""
        actor = api_actor()
        transfer = access.get_transfer_for(actor, transfer_id)
        return service.transfer_view(service.cancel_transfer(actor, transfer))


@blp.route("/cases/<case_id>/team")
class CaseTeam(MethodView):
    @blp.response(200, MemberSchema(many=True))
    def get(self, case_id):
        """The case team, with each member's scope, including those who left."""
        case = access.get_agency_case_for(api_actor(), case_id, reading="case team")
        return service.team_of(case, include_ended=True)

    @blp.arguments(MemberInSchema)
    @blp.response(201, MemberSchema)
    def post(self, body, case_id):
        """Add a member of staff, of any agency, with a scope, on the person's consent."""
        actor = api_actor()
        case = access.get_agency_case_for(actor, case_id)
        return service.add_member(actor, case, **body)


@blp.route("/team-members/<member_id>/end")
class EndMembership(MethodView):
    @blp.response(200, MemberSchema)
    def post(self, member_id):
        """The member leaves the team: their access ends at once."""
        actor = api_actor()
        return service.end_member(actor, access.get_member_for(actor, member_id))


@blp.route("/cases/<case_id>/team-view")
class TeamView(MethodView):
    @blp.response(200, TeamViewSchema)
    def get(self, case_id):
        """What a team member sees of the case: their scope only."""
        actor = api_actor()
        case = access.get_team_case_for(actor, case_id)
        return service.team_view(actor, case)


@blp.route("/cases/<case_id>/conferences")
class Conferences(MethodView):
    @blp.response(200, ConferenceSchema(many=True))
    def get(self, case_id):
        """The case conferences, scheduled and held."""
        case = access.get_agency_case_for(api_actor(), case_id, reading="case conference")
        return service.conferences_of(case)

    @blp.arguments(ConferenceInSchema)
    @blp.response(201, ConferenceSchema)
    def post(self, body, case_id):
        """Schedule a conference: a follow-up with reminders."""
        actor = api_actor()
        case = access.get_agency_case_for(actor, case_id)
        return service.schedule_conference(actor, case, **body)


@blp.route("/conferences/<conference_id>")
class ConferenceItem(MethodView):
    @blp.response(200, ConferenceSchema)
    def get(self, conference_id):
        """One conference with its minutes (the case's staff; team members in scope)."""
        actor = api_actor()
        return access.get_conference_for(actor, conference_id)


@blp.route("/conferences/<conference_id>/record")
class ConferenceRecord(MethodView):
    @blp.arguments(ConferenceRecordSchema)
    @blp.response(200, ConferenceSchema)
    def post(self, body, conference_id):
        """Record a held conference: attendance, the person's view, minutes, actions."""
        actor = api_actor()
        conference = access.get_conference_for(actor, conference_id, write=True)
        return service.record_conference(actor, conference, **body)


@blp.route("/cases/<case_id>/earlier-referrals")
class EarlierReferrals(MethodView):
    @blp.response(200, MatchesSchema)
    def get(self, case_id):
        """Possible earlier referrals of this person in other agencies (no personal data)."""
        actor = api_actor()
        case = access.get_agency_case_for(actor, case_id)
        links = service.find_earlier_referrals(actor, case)
        return {"message": _("A possible earlier referral exists in another agency.")
                if links else _("No earlier referral found in another agency."),
                "matches": [service.link_view(link) for link in links]}


@blp.route("/links")
class LinkRequests(MethodView):
    @blp.response(200, LinkSchema(many=True))
    def get(self):
        """Requests from other agencies to link a referral to one of the caller's cases."""
        actor = api_actor()
        return [service.link_view(link, for_earlier_agency=True)
                for link in service.incoming_links(actor)]


@blp.route("/links/<link_id>/request")
class LinkRequest(MethodView):
    @blp.response(200, LinkSchema)
    def post(self, link_id):
        """Ask the agency holding the possible earlier referral to confirm the link."""
        actor = api_actor()
        link = access.get_link_for(actor, link_id)
        return service.link_view(service.request_link(actor, link))


@blp.route("/links/<link_id>/decision")
class LinkDecision(MethodView):
    @blp.arguments(LinkDecisionSchema)
    @blp.response(200, LinkSchema)
    def post(self, body, link_id):
        """The agency holding the earlier case confirms or declines (RR-5)."""
        actor = api_actor()
        link = access.get_link_for(actor, link_id, deciding=True)
        return service.link_view(service.decide_link(actor, link, **body),
                                 for_earlier_agency=True)


@blp.route("/re-referrals")
class ReReferrals(MethodView):
    @blp.response(200, ReReferralSchema)
    def get(self):
        """RR-5: how many referrals are linked to an earlier one (aggregate)."""
        return service.re_referral_counts()


@blp.route("/cases/<case_id>/handovers")
class CaseHandovers(MethodView):
    @blp.response(200, HandoverSchema(many=True))
    def get(self, case_id):
        """The cross-border handovers of a case, in the open format."""
        case = access.get_agency_case_for(api_actor(), case_id, reading="handovers")
        return [service.handover_json(h) for h in service.handovers_of(case)]

    @blp.arguments(HandoverInSchema)
    @blp.response(201, HandoverSchema)
    def post(self, body, case_id):
        """Send a consented, minimal package to a partner organisation abroad."""
        actor = api_actor()
        case = access.get_agency_case_for(actor, case_id)
        return service.handover_json(service.send_handover(actor, case, **body))


@blp.route("/handovers")
class PartnerHandovers(MethodView):
    @blp.response(200, HandoverSchema(many=True))
    def get(self):
        """A partner abroad: the handovers sent to its organisation."""
        actor = api_actor()
        return [service.read_handover(actor, h) for h in service.partner_handovers(actor)]


@blp.route("/handovers/<handover_id>")
class HandoverItem(MethodView):
    @blp.response(200, HandoverSchema)
    def get(self, handover_id):
        """One handover (its package read is audited)."""
        actor = api_actor()
        return service.read_handover(actor, access.get_handover_for(actor, handover_id))


@blp.route("/handovers/<handover_id>/events")
class HandoverSteps(MethodView):
    @blp.arguments(HandoverStepSchema)
    @blp.response(201, HandoverSchema)
    def post(self, body, handover_id):
        """The partner records a step: received, first contact made, a check-in, closed."""
        actor = api_actor()
        handover = access.get_handover_for(actor, handover_id, partner_step=True)
        return service.handover_json(service.record_handover_step(actor, handover, **body))
