from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from . import service
from ..plain import dumper
from ..cases import access
from .schemas import DashboardArgsSchema, DashboardSchema, RefusedAttemptSchema

_dashboard = dumper(DashboardSchema)

blp = Blueprint("api-supervision", __name__, url_prefix="/api/v1/supervision",
                description="Supervisor dashboard")


@blp.route("/overdue")
class Overdue(MethodView):
    @blp.arguments(DashboardArgsSchema, location="query")
    @blp.response(200, DashboardSchema)
    def get(self, args):
        """Overdue follow-ups (riskiest, then longest overdue, first), a page at a time
        (``per_page``, 50 unless given; ``next_cursor`` reads the next page), reflection
        periods ending with no next step, restrictions in force, refused NC-3 attempts."""
        data = service.dashboard(api_actor(), cursor=args["cursor"],
                                 per_page=args["per_page"], workload_shown=False)
        # Dumped as the schema documents it, without marshmallow per row; returned finished.
        return jsonify(_dashboard(data))


@blp.route("/attempts")
class RefusedAttempts(MethodView):
    @blp.response(200, RefusedAttemptSchema(many=True))
    def get(self):
        """Refused attempts not yet reviewed (NC-3 and the other watched rules), newest
        first, with the text that was refused."""
        return service.refused_attempts(api_actor())


@blp.route("/attempts/<attempt_id>/reviewed")
class RefusedAttemptReviewed(MethodView):
    @blp.response(200, RefusedAttemptSchema)
    def post(self, attempt_id):
        """Mark a refused attempt as reviewed: it leaves the list; who and when are kept."""
        actor = api_actor()
        attempt = access.get_refused_attempt_for(actor, attempt_id)
        service.mark_attempt_reviewed(actor, attempt)
        return {"id": attempt.id, "case_id": attempt.case_id, "rule": attempt.rule,
                "track": attempt.track, "event": attempt.event, "at": attempt.at,
                "reason": attempt.reason, "message": attempt.message,
                "reviewed_at": attempt.reviewed_at}
