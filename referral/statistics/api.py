from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth import api_actor
from ..validation import Schema
from . import service

blp = Blueprint("api-statistics", __name__, url_prefix="/api/v1",
                description="Aggregate statistics, small cells suppressed (DP-4)")


class StatisticsArgsSchema(Schema):
    by = fields.String(load_default=None, validate=validate.OneOf(service.COLUMNS))


class StatisticsRowSchema(Schema):
    sex = fields.String()
    age_group = fields.String()
    cells = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    suppressed = fields.List(fields.String())
    total = fields.Integer(allow_none=True)


class StatisticsSchema(Schema):
    by = fields.String()
    threshold = fields.Integer()
    columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(StatisticsRowSchema))
    column_totals = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    total = fields.Integer(allow_none=True)
    counted_at = fields.DateTime(metadata={"description": "when these counts were made"})


@blp.route("/statistics")
class Statistics(MethodView):
    @blp.arguments(StatisticsArgsSchema, location="query")
    @blp.response(200, StatisticsSchema)
    def get(self, args):
        """Counts by sex and age group, optionally by nationality, form or sector."""
        data = service.statistics(api_actor(), args["by"])
        return data


class HtcdsArgsSchema(Schema):
    recipient = fields.String(required=True, validate=validate.Length(min=1, max=200))


@blp.route("/statistics/htcds")
class HtcdsExport(MethodView):
    @blp.arguments(HtcdsArgsSchema, location="query")
    @blp.response(200)
    def get(self, args):
        """Case-level data in the Human Trafficking Case Data Standard's shape, pseudonymised,
        for the cases whose person consented to share a case summary with the recipient."""
        from . import htcds
        return htcds.export(api_actor(), args["recipient"])
