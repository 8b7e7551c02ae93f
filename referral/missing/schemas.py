from datetime import timezone

from marshmallow import fields, validate

from ..validation import Schema
from .models import TOLD


class MissingInSchema(Schema):
    missing_since = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    last_seen_where = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(max=2000),
                                    metadata={"description": "sealed"})
    circumstances = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(max=20000),
                                  metadata={"description": "sealed"})
    told = fields.List(fields.String(validate=validate.OneOf(TOLD)), load_default=list)


class FoundInSchema(Schema):
    found_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    found_where = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=2000))
    told = fields.List(fields.String(validate=validate.OneOf(TOLD)), load_default=list)


class MissingEpisodeSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    missing_since = fields.DateTime()
    last_seen_where = fields.String(allow_none=True)
    circumstances = fields.String(allow_none=True)
    told = fields.List(fields.String())
    is_child = fields.Boolean()
    found_at = fields.DateTime(allow_none=True)
    found_where = fields.String(allow_none=True)
    found_told = fields.List(fields.String())
    escalations = fields.Integer()
    status = fields.String()
