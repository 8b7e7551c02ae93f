"""The individual assistance plan over the API: needs and risk assessments, the danger flag,
goals and actions, versions agreed with the person, feedback, and the supervisor's list."""
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from . import access, service
from .schemas import (ActionInSchema, ActionSchema, AgreementInSchema, DangerFlagSchema,
                      DangerInSchema, FeedbackInSchema, FeedbackSchema, GoalInSchema,
                      GoalSchema, NeedsAssessmentInSchema, NeedsAssessmentSchema,
                      OwnedActionSchema, AssistancePlanSchema, ResponseInSchema,
                      RiskAssessmentInSchema, RiskAssessmentSchema, StatusInSchema,
                      SupervisionSchema, PlanVersionSchema, PlanVersionSummarySchema)

blp = Blueprint("api-plans", __name__, url_prefix="/api/v1",
                description="The individual assistance plan: needs, risks and safety, goals "
                            "and actions, the person's agreement and feedback (CNS-12, "
                            "CNS-13, SVC-02, SVC-03)")

REFUSED = dict(schema="ErrorsSchema", description="Refused: names the rule")


@blp.route("/cases/<case_id>/plan")
class Plan(MethodView):
    @blp.response(200, AssistancePlanSchema)
    def get(self, case_id):
        """The plan: latest assessments, an open danger, goals and their actions."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.plan_view(actor, case)


@blp.route("/cases/<case_id>/needs-assessments")
class NeedsAssessments(MethodView):
    @blp.response(200, NeedsAssessmentSchema(many=True))
    def get(self, case_id):
        """Every needs assessment, newest first (the history is kept)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return [service.needs_view(a) for a in service.needs_history(actor, case)]

    @blp.arguments(NeedsAssessmentInSchema)
    @blp.response(201, NeedsAssessmentSchema)
    def post(self, body, case_id):
        """A new needs assessment over every domain, in the person's words (SVC-02)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.needs_view(service.assess_needs(actor, case, **body))


@blp.route("/cases/<case_id>/risk-assessments")
class RiskAssessments(MethodView):
    @blp.response(200, RiskAssessmentSchema(many=True))
    def get(self, case_id):
        """Every risk assessment and safety plan, newest first."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return [service.risk_view(a) for a in service.risk_history(actor, case)]

    @blp.arguments(RiskAssessmentInSchema)
    @blp.response(201, RiskAssessmentSchema)
    def post(self, body, case_id):
        """Risks, the safety plan; an immediate danger raises the flag (SVC-03)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.risk_view(service.assess_risk(actor, case, **body))


@blp.route("/cases/<case_id>/danger-flags")
class DangerFlags(MethodView):
    @blp.arguments(DangerInSchema)
    @blp.response(201, DangerFlagSchema)
    def post(self, body, case_id):
        """Immediate danger: escalated to a supervisor at once (SVC-03)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.flag_view(service.raise_danger(actor, case, reason=body["reason"]))


@blp.route("/danger-flags/<flag_id>/clear")
class ClearDanger(MethodView):
    @blp.arguments(DangerInSchema)
    @blp.response(200, DangerFlagSchema)
    def post(self, body, flag_id):
        """Clear the flag, saying why."""
        actor = api_actor()
        flag = access.get_flag_for(actor, flag_id)
        return service.flag_view(service.clear_danger(actor, flag, reason=body["reason"]))


@blp.route("/cases/<case_id>/plan/goals")
class Goals(MethodView):
    @blp.arguments(GoalInSchema)
    @blp.response(201, GoalSchema)
    @blp.alt_response(409, **REFUSED)
    def post(self, body, case_id):
        """A goal answering a need of the latest assessment (SVC-02), with a first action."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.goal_view(service.add_goal(actor, case, **body))


@blp.route("/plan-goals/<goal_id>/actions")
class Actions(MethodView):
    @blp.arguments(ActionInSchema)
    @blp.response(201, ActionSchema)
    def post(self, body, goal_id):
        """An action: what, by whom, due when, reviewed when (both become follow-ups)."""
        actor = api_actor()
        goal = access.get_goal_for(actor, goal_id)
        return service.action_view(service.add_action(actor, goal, **body))


@blp.route("/plan-goals/<goal_id>/status")
class GoalStatus(MethodView):
    @blp.arguments(StatusInSchema)
    @blp.response(200, GoalSchema)
    def post(self, body, goal_id):
        """Mark a goal achieved or dropped (with why); its open actions are cancelled."""
        actor = api_actor()
        goal = access.get_goal_for(actor, goal_id)
        return service.goal_view(service.set_goal_status(actor, goal, **body))


@blp.route("/plan-actions")
class OwnedActions(MethodView):
    @blp.response(200, OwnedActionSchema(many=True))
    def get(self):
        """The open actions given to your organisation, and nothing else of the plans."""
        return service.owned_actions(api_actor())


@blp.route("/plan-actions/<action_id>/status")
class ActionStatus(MethodView):
    @blp.arguments(StatusInSchema)
    @blp.response(200, ActionSchema)
    def post(self, body, action_id):
        """How the action stands: in progress, done, could not be done (why), cancelled."""
        actor = api_actor()
        action = access.get_action_for(actor, action_id)
        return service.action_view(service.set_action_status(actor, action, **body))


@blp.route("/cases/<case_id>/plan/versions")
class Versions(MethodView):
    @blp.response(200, PlanVersionSummarySchema(many=True))
    def get(self, case_id):
        """The versions agreed and reviewed with the person, newest first."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.versions_of(actor, case)

    @blp.arguments(AgreementInSchema)
    @blp.response(201, PlanVersionSchema)
    @blp.alt_response(409, **REFUSED)
    def post(self, body, case_id):
        """Agree (first) or review the plan with the person: their participation, in their
        words (CNS-12); a new version; the next review."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, for_update=True)
        version = service.record_agreement(actor, case, **body)
        return service.version_view(actor, version)


@blp.route("/plan-versions/<version_id>")
class Version(MethodView):
    @blp.response(200, PlanVersionSchema)
    def get(self, version_id):
        """One version, as it was agreed."""
        actor = api_actor()
        return service.version_view(actor, access.get_version_for(actor, version_id))


@blp.route("/cases/<case_id>/feedback")
class Feedback(MethodView):
    @blp.response(200, FeedbackSchema(many=True))
    def get(self, case_id):
        """The person's feedback and complaints (the words for supervisors and the author)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.feedback_of_case(actor, case)

    @blp.arguments(FeedbackInSchema)
    @blp.response(201, FeedbackSchema)
    def post(self, body, case_id):
        """Feedback or a complaint from the person, routed to a supervisor (CNS-13)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id)
        return service.feedback_view(actor, service.record_feedback(actor, case, **body))


@blp.route("/feedback/<feedback_id>/response")
class FeedbackResponse(MethodView):
    @blp.arguments(ResponseInSchema)
    @blp.response(200, FeedbackSchema)
    def post(self, body, feedback_id):
        """A supervisor answers the person's feedback or complaint."""
        actor = api_actor()
        feedback = access.get_feedback_for(actor, feedback_id)
        return service.feedback_view(actor, service.respond_feedback(actor, feedback, **body))


@blp.route("/plans/supervision")
class Supervision(MethodView):
    @blp.response(200, SupervisionSchema)
    def get(self):
        """Your agency's plans overdue for review, open immediate-danger flags, and the
        person's feedback still to answer."""
        return service.supervision(api_actor())
