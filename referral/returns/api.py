from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from ..cases import access as case_access
from . import access, service
from .schemas import (AssessmentSchema, CheckInSchema, PlanSchema, ReturnInSchema,
                      ReturnSchema, ReturnStepSchema)

blp = Blueprint("api-returns", __name__, url_prefix="/api/v1",
                description="Return, integration, reintegration and check-ins")


@blp.route("/cases/<case_id>/returns")
class Returns(MethodView):
    @blp.arguments(ReturnInSchema)
    @blp.response(201, ReturnSchema)
    def post(self, body, case_id):
        """The person asks to return (RR-1)."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        request = service.request_return(actor, case, **body)
        return request


@blp.route("/returns/<return_id>/assessments")
class Assessments(MethodView):
    @blp.arguments(AssessmentSchema)
    @blp.response(201, AssessmentSchema)
    def post(self, body, return_id):
        """Risk, non-refoulement, asylum, open proceedings; for a child, best interests and
        family tracing (RR-2, CH-5)."""
        actor = api_actor()
        request = access.get_return_for(actor, return_id)
        assessment = service.assess(actor, request, **body)
        return assessment


@blp.route("/returns/<return_id>/<any(approve,refuse,travel,withdraw,start_follow_up):step>")
class ReturnStep(MethodView):
    @blp.arguments(ReturnStepSchema)
    @blp.response(200, ReturnSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, return_id, step):
        actor = api_actor()
        request = access.get_return_for(actor, return_id)
        facts = {key: body[key] for key in ("person_view", "reason_code")
                 if body.get(key)}
        if body.get("person_view_declined"):
            facts["person_view_declined"] = True
        service.return_step(actor, request, step, reason=body.get("reason"), facts=facts)
        return request


@blp.route("/cases/<case_id>/reintegration-plan")
class Plan(MethodView):
    @blp.arguments(PlanSchema)
    @blp.response(201, PlanSchema)
    def post(self, body, case_id):
        """A reintegration plan in the person's words, and its check-in schedule (RR-4)."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        plan = service.create_plan(actor, case, **body)
        return plan


@blp.route("/cases/<case_id>/checkins")
class CheckIns(MethodView):
    @blp.arguments(CheckInSchema)
    @blp.response(201, CheckInSchema)
    def post(self, body, case_id):
        """Record a check-in, held or missed with a coded reason (RR-4)."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        checkin = service.record_checkin(actor, case, **body)
        return checkin
