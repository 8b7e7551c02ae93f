from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth import api_actor
from ..cases import access
from ..validation import Schema
from .service import access_entries, record, search_entries

blp = Blueprint("api-audit", __name__, url_prefix="/api/v1",
                description="The audit trail (DP-3) and who has seen a file (DP-6)")


class AuditArgsSchema(Schema):
    case = fields.UUID(required=True)
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    seq = fields.Integer(allow_none=True)  # None until the chainer has linked the entry
    at = fields.DateTime()
    actor_id = fields.UUID(allow_none=True)
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String(allow_none=True)
    purpose = fields.String()
    entry_hash = fields.String(allow_none=True)


class AccessLogSchema(Schema):
    at = fields.DateTime()
    who = fields.String()
    roles = fields.List(fields.String())
    agency = fields.String()
    action = fields.String()
    purpose = fields.String()


@blp.route("/audit")
class Audit(MethodView):
    @blp.arguments(AuditArgsSchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    def get(self, args):
        """Audit entries of one case (auditors, and supervisors for their agency's cases)."""
        rows = search_entries(api_actor(), case_id=args["case"], limit=args["limit"])
        return sorted(rows, key=lambda row: row.id)


def access_log(case_id) -> list[dict]:
    """DP-6: who read or wrote this file, and when (staff names, roles and agencies)."""
    return [{"at": at, "who": user.display_name, "roles": sorted(r.value for r in user.roles),
             "agency": user.agency.name, "action": action, "purpose": purpose}
            for at, action, purpose, user in access_entries(case_id) if user is not None]


@blp.route("/cases/<case_id>/access-log")
class AccessLog(MethodView):
    @blp.response(200, AccessLogSchema(many=True))
    def get(self, case_id):
        """Who has seen this file (DP-6)."""
        actor = api_actor()
        case = access.get_case_for(actor, case_id, need="file")
        log = access_log(case.id)
        record(actor, "audit.access_log", "case", case.id, case_id=case.id,
               purpose="subject access")
        return log
