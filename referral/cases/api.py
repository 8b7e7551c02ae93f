from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from ..audit.service import record
from ..auth import api_actor
from ..extensions import db
from ..labels import N_
from ..plain import dumper
from . import access, decisions, service
from .models import Case
from .schemas import (AnonymousNotificationSchema, AssignSchema, CaseCreateSchema,
                      CaseListArgsSchema, CasePageSchema, CaseSchema, DecisionInSchema,
                      DecisionLetterSchema, DecisionSchema, ExtensionSchema, GuardianSchema, HistoryItemSchema,
                      ReviewRequestSchema, TransitionRequestSchema, TransitionsSchema)

blp = Blueprint("api-cases", __name__, url_prefix="/api/v1/cases",
                description="Case files, tracks and their transitions")


# One instance for every request, as the response decorators hold theirs: building a schema
# copies each of its declared fields (and the nested person schema's), and nothing in it
# depends on the request.
CASE_SCHEMA = CaseSchema()
_history = dumper(HistoryItemSchema, many=True)
_transitions = dumper(TransitionsSchema)


def case_payload(case: Case, actor, status=200):
    """The case as the actor's role may see it: hidden fields are absent, not null.

    Returned as a finished response so the documented schema is not applied twice.
    """
    data = access.visible_case_fields(actor, case, CASE_SCHEMA.dump(case))
    response = jsonify(data)
    response.status_code = status
    return response


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseListArgsSchema, location="query")
    @blp.response(200, CasePageSchema)
    def get(self, args):
        """Cases in the caller's scope, filtered and paginated."""
        actor = api_actor()
        access.require(access.can_list_cases(actor), "permission",
                       N_("your role works from its own view, not the case list"))
        query = service.case_list_query(actor, **{k: args[k] for k in
                                                  ("state", "assigned_to", "overdue", "q",
                                                   "include_closed")})
        total = (db.session.scalar(select(func.count()).select_from(
            query.with_only_columns(Case.id).subquery())) if args["total"] else None)
        # A page of summaries read as columns, already in CaseSummarySchema's form: the page
        # is returned as a finished response (the documented schema is not applied twice).
        items, next_cursor = service.page_of_cases(query, per_page=args["per_page"],
                                                   cursor=args["cursor"], page=args["page"])
        record(actor, "case.list", "case", None, purpose="case management",
               details={"count": len(items)})
        return jsonify({"items": items, "page": args["page"], "per_page": args["per_page"],
                        "next_cursor": next_cursor, "total": total})

    @blp.arguments(CaseCreateSchema)
    @blp.response(201, CaseSchema)
    def post(self, body):
        """Register a referral; the person is a presumed victim from now (ID-1)."""
        actor = api_actor()
        person = body.pop("person")
        case = service.open_case(actor, person=person, referral=body)
        return case_payload(case, actor, 201)


@blp.route("/<case_id>")
class CaseFile(MethodView):
    @blp.response(200, CaseSchema)
    def get(self, case_id):
        """The case as the caller's role may see it."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="file", reading="case file",
                                   names=True)
        return case_payload(case, actor)


@blp.route("/<case_id>/transitions")
class Transitions(MethodView):
    @blp.response(200, TransitionsSchema)
    def get(self, case_id):
        """Events allowed now on each track, and the rule refusing each refused one."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="file", reading="transitions")
        # Dumped as the schema documents it, without marshmallow's walk; returned finished.
        return jsonify(_transitions({"version": case.version,
                                     "tracks": service.transitions_overview(actor, case)}))

    @blp.arguments(TransitionRequestSchema)
    @blp.response(200, CaseSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, case_id):
        """Apply an event to a track. 409 names the refusing rule or a stale version."""
        actor = api_actor()
        case = service.apply_transition(actor, case_id, body["track"], body["event"],
                                        reason=body["reason"], facts=body["facts"],
                                        version=body["version"])
        return case_payload(case, actor)


@blp.route("/<case_id>/history")
class History(MethodView):
    @blp.response(200, HistoryItemSchema(many=True))
    def get(self, case_id):
        """Transitions and decisions, oldest first."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="file")
        return jsonify(_history(service.history(actor, case)))  # as the schema dumps it


@blp.route("/<case_id>/decisions")
class Decisions(MethodView):
    @blp.response(200, DecisionSchema(many=True))
    def get(self, case_id):
        """Decisions on the case, oldest first, superseded ones included (ID-5)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="decisions", reading="decisions")
        return decisions.decisions_of(case)

    @blp.arguments(DecisionInSchema)
    @blp.response(201, DecisionSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, case_id):
        """Record an identification decision, age, best interests or risk assessment."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="decide", for_update=True)
        decision = decisions.record_decision(actor, case, **body)
        return decision


@blp.route("/<case_id>/decisions/<decision_id>/review")
class DecisionReview(MethodView):
    @blp.arguments(ReviewRequestSchema)
    @blp.response(201, DecisionSchema)
    def post(self, body, case_id, decision_id):
        """Request a review of a negative decision within its review window (ID-6)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="edit", for_update=True)
        decision = decisions.request_review(actor, case, decision_id, body["reason"],
                                            grounds=body["grounds"], evidence=body["evidence"])
        return decision


@blp.route("/<case_id>/decisions/<decision_id>/letter")
class DecisionLetter(MethodView):
    @blp.response(200, DecisionLetterSchema)
    def get(self, case_id, decision_id):
        """The decision letter for the person, in their language: for a negative decision
        it states the right to ask for reconsideration and the last day to ask (NRM-2)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="decisions", reading="decision letter")
        return decisions.decision_letter(actor, case, decision_id)


@blp.route("/<case_id>/decisions/<decision_id>/review-decision")
class ReviewDecision(MethodView):
    @blp.arguments(DecisionInSchema)
    @blp.response(201, DecisionSchema)
    def post(self, body, case_id, decision_id):
        """Decide a requested review: upheld (the negative is final) or overturned."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="decide", for_update=True)
        return decisions.decide_review(actor, case, decision_id, **body)


@blp.route("/<case_id>/guardian")
class Guardian(MethodView):
    @blp.arguments(GuardianSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Appoint a child's guardian or representative (CH-3)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="edit", for_update=True)
        decisions.appoint_guardian(actor, case, **body)
        return case_payload(case, actor)


@blp.route("/<case_id>/reflection-period/extend")
class ReflectionExtension(MethodView):
    @blp.arguments(ExtensionSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Extend the reflection period with reasons (RP-1); it is never shortened."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="edit", for_update=True)
        decisions.extend_reflection_period(actor, case, **body)
        return case_payload(case, actor)


@blp.route("/<case_id>/assign")
class Assign(MethodView):
    @blp.arguments(AssignSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Assign the case to a caseworker of its agency."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="agency", for_update=True)
        service.assign_case(actor, case, body["caseworker_id"])
        return case_payload(case, actor)


notifications_blp = Blueprint("api-notifications", __name__, url_prefix="/api/v1/notifications",
                              description="Anonymous notifications (ID-8)")


@notifications_blp.route("/anonymous")
class AnonymousNotifications(MethodView):
    @notifications_blp.arguments(AnonymousNotificationSchema)
    @notifications_blp.response(201, AnonymousNotificationSchema)
    def post(self, body):
        """Count an adult who declines identification, with no identity (ID-8)."""
        actor = api_actor()
        row = service.record_anonymous_notification(actor, **body)
        return row
