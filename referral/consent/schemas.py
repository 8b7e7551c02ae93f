from datetime import timezone

from marshmallow import fields, validate

from ..validation import Schema

from .models import DATA_CATEGORIES, PURPOSES, RECIPIENT_CATEGORIES


class ConsentInSchema(Schema):
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    provider_id = fields.UUID(load_default=None, allow_none=True)
    recipient_name = fields.String(load_default=None, validate=validate.Length(max=200))
    # DP-1: the kind of recipient; "media" is refused whatever the name
    recipient_category = fields.String(load_default=None, allow_none=True,
                                       validate=validate.OneOf(RECIPIENT_CATEGORIES))
    data_categories = fields.List(fields.String(validate=validate.OneOf(DATA_CATEGORIES)),
                                  load_default=list)
    given_by = fields.String(load_default="person",
                             validate=validate.OneOf(["person", "guardian"]))
    guardian_name = fields.String(load_default=None, validate=validate.Length(max=400))
    child_views = fields.String(load_default=None, validate=validate.Length(max=5000))
    language = fields.String(required=True, validate=validate.Length(min=2, max=40))
    information_given = fields.String(required=True, validate=validate.Length(min=1,
                                                                              max=5000))
    expires_at = fields.AwareDateTime(load_default=None, default_timezone=timezone.utc)


class ConsentSchema(Schema):
    id = fields.UUID()
    purpose = fields.String()
    provider_id = fields.UUID(allow_none=True)
    recipient_name = fields.String()
    recipient_category = fields.String(allow_none=True)
    data_categories = fields.List(fields.String())
    given_by = fields.String()
    language = fields.String()
    information_given = fields.String()
    child_views = fields.String(allow_none=True)
    given_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    is_valid = fields.Function(lambda c: c.is_valid_at(__import__(
        "referral.database", fromlist=["utcnow"]).utcnow()))


class WithdrawSchema(Schema):
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class OverrideInSchema(Schema):
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    grounds = fields.String(required=True, validate=validate.OneOf(
        ["danger_to_life", "child_without_guardian"]))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    provider_id = fields.UUID(load_default=None, allow_none=True)


class OverrideSchema(Schema):
    id = fields.UUID()
    purpose = fields.String()
    grounds = fields.String()
    reason = fields.String()
    requested_at = fields.DateTime()
    approved_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime()
