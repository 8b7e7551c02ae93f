from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from ..cases import access
from ..errors import Invalid
from ..extensions import STEP_UP_LIMIT, limiter, signed_in_user_key
from ..labels import N_
from . import service
from .schemas import (BreakGlassAlertSchema, BreakGlassInSchema, BreakGlassReviewInSchema, BreakGlassSchema,
                      ErasureInSchema, ErasureSchema, LiftInSchema, NamedStaffChangeSchema,
                      RestrictInSchema, CaseRestrictionSchema, RetentionSchema,
                      SubjectAccessSchema)

blp = Blueprint("api-privacy", __name__, url_prefix="/api/v1",
                description="Restricted cases (DP-7), retention and erasure (DP-5), "
                            "the person's own file (DP-6)")


def _restriction(case):
    return {"case_id": case.id, "is_restricted": case.is_restricted,
            "named_staff": service.named_staff(case)}


@blp.route("/cases/<case_id>/restriction")
class Restriction(MethodView):
    @blp.response(200, CaseRestrictionSchema)
    def get(self, case_id):
        """Whether the case is restricted, and to whom."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="file", reading="restriction")
        data = _restriction(case)
        return data

    @blp.arguments(RestrictInSchema)
    @blp.response(201, CaseRestrictionSchema)
    def post(self, body, case_id):
        """Restrict the case to named staff (suspected official involvement, DP-7)."""
        actor = api_actor()
        case = service.restrict_case(actor, case_id, **body)
        data = _restriction(case)
        return data

    @blp.arguments(NamedStaffChangeSchema)
    @blp.response(200, CaseRestrictionSchema)
    def patch(self, body, case_id):
        """Add or remove named staff."""
        actor = api_actor()
        service.name_staff(actor, case_id, **body)
        case = access.get_case_for(actor, case_id)
        data = _restriction(case)
        return data


@blp.route("/cases/<case_id>/restriction/lift")
class LiftRestriction(MethodView):
    @blp.arguments(LiftInSchema)
    @blp.response(200, CaseRestrictionSchema)
    def post(self, body, case_id):
        """Lift the restriction, with a reason."""
        actor = api_actor()
        case = service.lift_restriction(actor, case_id, reason=body["reason"])
        data = _restriction(case)
        return data


@blp.route("/cases/<case_id>/break-glass")
class BreakGlass(MethodView):
    decorators = [limiter.limit(STEP_UP_LIMIT, key_func=signed_in_user_key, methods=["POST"])]

    @blp.arguments(BreakGlassInSchema)
    @blp.response(201, BreakGlassSchema)
    @blp.alt_response(429, schema="ErrorsSchema", description="Too many attempts")
    def post(self, body, case_id):
        """Open a restricted case one is not named on: reason and a fresh MFA code;
        time-limited and reviewed by a supervisor."""
        opening = service.break_the_glass(api_actor(), case_id, **body)
        return opening


@blp.route("/privacy/break-glass")
class BreakGlassReviews(MethodView):
    @blp.response(200, BreakGlassSchema(many=True))
    def get(self):
        """Break-the-glass openings on the supervisor's agency's cases awaiting review."""
        rows = service.break_glass_to_review(api_actor())
        return rows


@blp.route("/privacy/break-glass/<uuid:access_id>/review")
class BreakGlassReview(MethodView):
    @blp.arguments(BreakGlassReviewInSchema)
    @blp.response(200, BreakGlassSchema)
    def post(self, body, access_id):
        """Review an opening: justified, or not (which ends it now and needs a note)."""
        opening = service.review_break_glass(api_actor(), access_id, **body)
        return opening


@blp.route("/cases/<case_id>/retention")
class Retention(MethodView):
    @blp.response(200, RetentionSchema)
    def get(self, case_id):
        """When the case is due for erasure, and any legal hold keeping it (DP-5)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="file", reading="retention")
        data = service.retention_status(case)
        return data


@blp.route("/cases/<case_id>/erasure")
class Erasure(MethodView):
    @blp.arguments(ErasureInSchema)
    @blp.response(201, ErasureSchema)
    def post(self, body, case_id):
        """Erase the file at the person's request (refused under legal hold, DP-5)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="agency")
        if body["confirm_reference"].strip().upper() != case.reference:
            raise Invalid("confirm_reference", N_("type the case reference to confirm"))
        erasure = service.request_erasure(actor, case_id)
        return erasure


@blp.route("/cases/<case_id>/subject-access")
class SubjectAccess(MethodView):
    @blp.response(200, SubjectAccessSchema)
    def get(self, case_id):
        """The person's own file, privileged legal notes and third parties left out, with
        who has seen it (DP-6)."""
        data = service.subject_access_export(api_actor(), case_id)
        return data


@blp.route("/privacy/break-glass/alerts")
class BreakGlassAlerts(MethodView):
    @blp.response(200, BreakGlassAlertSchema(many=True))
    def get(self):
        """For the data protection officer: openings judged not justified, and what the
        review undid."""
        return service.alerts_for(api_actor())
