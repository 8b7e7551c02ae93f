from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from ..cases import access as case_access
from ..plain import dumper
from . import access, service
from .schemas import (AssignLegalAidSchema, CompensationSchema, CompensationUpdateSchema,
                      CooperationSchema,
                      HearingSchema, InformationSchema, LegalAidCaseSchema, LegalAidPageArgsSchema,
                      LegalSummarySchema, MeasureSchema, NonPunishmentSchema, NoteSchema,
                      PermitSchema, PermitUpdateSchema, ProceedingInSchema, ProceedingSchema,
                      ProceedingUpdateSchema, ReleaseSchema, SafetyTaskSchema)

_legal_aid_cases = dumper(LegalAidCaseSchema, many=True)

blp = Blueprint("api-legal", __name__, url_prefix="/api/v1",
                description="Legal proceedings, non-punishment, compensation, permits")


@blp.route("/cases/<case_id>/legal")
class LegalSummary(MethodView):
    @blp.response(200, LegalSummarySchema)
    def get(self, case_id):
        """The legal track of a case, with any non-punishment alert (LP-4)."""
        actor = api_actor()
        data = service.legal_summary(actor, access.get_legal_case_for(actor, case_id))
        return data


@blp.route("/legal/cases")
class LegalAidView(MethodView):
    @blp.arguments(LegalAidPageArgsSchema, location="query")
    @blp.response(200, LegalAidCaseSchema(many=True))
    def get(self, args):
        """The legal aid view: my assigned cases' proceedings, hearings and deadlines; open
        matters first, a page at a time (``page``, ``per_page`` up to 200)."""
        # Dumped as the schema documents it, without marshmallow per row; returned finished.
        return jsonify(_legal_aid_cases(service.legal_aid_view(api_actor(), **args)))


@blp.route("/cases/<case_id>/legal-aid")
class AssignLegalAid(MethodView):
    @blp.arguments(AssignLegalAidSchema)
    @blp.response(201, AssignLegalAidSchema)
    def post(self, body, case_id):
        """Assign a member of legal aid staff to the case."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        row = service.assign_legal_aid(actor, case, body["user_id"])
        return {"user_id": row.user_id}


@blp.route("/cases/<case_id>/proceedings")
class Proceedings(MethodView):
    @blp.arguments(ProceedingInSchema)
    @blp.response(201, ProceedingSchema)
    def post(self, body, case_id):
        """Record proceedings in which the person is victim, witness, party or suspect."""
        actor = api_actor()
        case = access.get_legal_case_for(actor, case_id)
        proceeding = service.open_proceeding(actor, case, **body)
        return proceeding


@blp.route("/proceedings/<proceeding_id>")
class ProceedingItem(MethodView):
    @blp.arguments(ProceedingUpdateSchema)
    @blp.response(200, ProceedingSchema)
    def patch(self, body, proceeding_id):
        actor = api_actor()
        proceeding = access.get_proceeding_for(actor, proceeding_id)
        service.update_proceeding(actor, proceeding, **body)
        return proceeding


@blp.route("/proceedings/<proceeding_id>/hearings")
class Hearings(MethodView):
    @blp.arguments(HearingSchema)
    @blp.response(201, HearingSchema)
    def post(self, body, proceeding_id):
        """A hearing: a deadline with reminders (LP-1)."""
        actor = api_actor()
        proceeding = access.get_proceeding_for(actor, proceeding_id)
        hearing = service.add_hearing(actor, proceeding, **body)
        return hearing


@blp.route("/proceedings/<proceeding_id>/information")
class Information(MethodView):
    @blp.arguments(InformationSchema)
    @blp.response(201, InformationSchema)
    def post(self, body, proceeding_id):
        """Log what the person was told at this stage (LP-1)."""
        actor = api_actor()
        proceeding = access.get_proceeding_for(actor, proceeding_id)
        row = service.log_information(actor, proceeding, **body)
        return row


@blp.route("/proceedings/<proceeding_id>/offender-release")
class OffenderRelease(MethodView):
    @blp.arguments(ReleaseSchema)
    @blp.response(201, SafetyTaskSchema)
    def post(self, body, proceeding_id):
        """Release or escape of an offender: an urgent safety task (LP-1)."""
        actor = api_actor()
        proceeding = access.get_proceeding_for(actor, proceeding_id)
        task = service.offender_released(actor, proceeding, **body)
        return task


@blp.route("/proceedings/<proceeding_id>/measures")
class Measures(MethodView):
    @blp.arguments(MeasureSchema)
    @blp.response(201, MeasureSchema)
    def post(self, body, proceeding_id):
        """Protective measures and witness protection, with a review date (LP-2)."""
        actor = api_actor()
        proceeding = access.get_proceeding_for(actor, proceeding_id)
        measure = service.add_measure(actor, proceeding, **body)
        return measure


@blp.route("/proceedings/<proceeding_id>/non-punishment")
class NonPunishment(MethodView):
    @blp.arguments(NonPunishmentSchema)
    @blp.response(200, ProceedingSchema)
    def post(self, body, proceeding_id):
        """Record the non-punishment review and outcome (LP-4)."""
        actor = api_actor()
        proceeding = access.get_proceeding_for(actor, proceeding_id)
        service.review_non_punishment(actor, proceeding, **body)
        return proceeding


@blp.route("/proceedings/<proceeding_id>/non-punishment-letter")
class NonPunishmentLetter(MethodView):
    @blp.response(200, content_type="text/html")
    def get(self, proceeding_id):
        """A non-punishment advisory letter, only with the person's consent to share."""
        actor = api_actor()
        proceeding = access.get_proceeding_for(actor, proceeding_id)
        from .letters import advisory_letter
        html = advisory_letter(actor, proceeding)
        return html, 200, {"Content-Type": "text/html; charset=utf-8"}


@blp.route("/cases/<case_id>/cooperation")
class Cooperation(MethodView):
    @blp.arguments(CooperationSchema)
    @blp.response(201, CooperationSchema)
    def post(self, body, case_id):
        """Statements, interviews, willingness to testify: the legal track only (NC-2)."""
        actor = api_actor()
        case = access.get_legal_case_for(actor, case_id)
        row = service.record_cooperation(actor, case, **body)
        return row


@blp.route("/cases/<case_id>/compensation")
class Compensation(MethodView):
    @blp.arguments(CompensationSchema)
    @blp.response(201, CompensationSchema)
    def post(self, body, case_id):
        """A compensation claim, whatever the residence status (LP-3)."""
        actor = api_actor()
        case = access.get_legal_case_for(actor, case_id)
        claim = service.add_compensation(actor, case, **body)
        return claim


@blp.route("/compensation/<compensation_id>/status")
class CompensationStatus(MethodView):
    @blp.arguments(CompensationUpdateSchema)
    @blp.response(200, CompensationSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, compensation_id):
        """LP-3, DP-5: a compensation claim is awarded and paid, or refused or withdrawn;
        each step is kept in its history. Paid, refused or withdrawn, it no longer holds
        the file against erasure."""
        actor = api_actor()
        claim = access.get_compensation_for(actor, compensation_id)
        return service.update_compensation(actor, claim, **body)


@blp.route("/cases/<case_id>/permits")
class Permits(MethodView):
    @blp.arguments(PermitSchema)
    @blp.response(201, PermitSchema)
    def post(self, body, case_id):
        """Residence status; conditions tied to cooperation stay here (NC-4)."""
        actor = api_actor()
        case = access.get_legal_case_for(actor, case_id)
        permit = service.add_permit(actor, case, **body)
        return permit


@blp.route("/permits/<permit_id>/status")
class PermitStatus(MethodView):
    @blp.arguments(PermitUpdateSchema)
    @blp.response(200, PermitSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, permit_id):
        """RR-2: an asylum claim is decided or withdrawn; a permit granted, renewed or
        expired. Each step is kept in its history; only a pending asylum claim blocks
        return."""
        actor = api_actor()
        permit = access.get_permit_for(actor, permit_id)
        return service.update_permit(actor, permit, **body)


@blp.route("/cases/<case_id>/legal-notes")
class Notes(MethodView):
    @blp.response(200, NoteSchema(many=True))
    def get(self, case_id):
        """Privileged notes: the person's legal aid staff only (LP-5)."""
        actor = api_actor()
        case = access.get_notes_case_for(actor, case_id)
        notes = service.notes_for(actor, case)
        return notes

    @blp.arguments(NoteSchema)
    @blp.response(201, NoteSchema)
    def post(self, body, case_id):
        actor = api_actor()
        case = access.get_notes_case_for(actor, case_id)
        note = service.add_note(actor, case, body["body"])
        return note
