from marshmallow import fields, validate

from ..validation import Schema

from .models import REVIEW_OUTCOMES
from .service import MIN_REASON_LENGTH

REASON = dict(required=True, validate=validate.Length(min=MIN_REASON_LENGTH, max=4000))


class RestrictInSchema(Schema):
    reason = fields.String(**REASON)
    named_staff = fields.List(fields.UUID(), load_default=list,
                              validate=validate.Length(max=50))


class NamedStaffChangeSchema(Schema):
    add = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50))
    remove = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50))


class LiftInSchema(Schema):
    reason = fields.String(**REASON)


class NamedPersonSchema(Schema):
    user_id = fields.UUID()
    display_name = fields.Function(lambda row: row.user.display_name)
    granted_at = fields.DateTime()


class CaseRestrictionSchema(Schema):
    case_id = fields.UUID()
    is_restricted = fields.Boolean()
    named_staff = fields.List(fields.Nested(NamedPersonSchema))


class BreakGlassInSchema(Schema):
    reason = fields.String(**REASON)
    otp = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$",
                                                                error="a 6-digit code"))


class BreakGlassSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    user = fields.Function(lambda row: row.user.display_name)
    reason = fields.String()
    opened_at = fields.DateTime()
    expires_at = fields.DateTime()
    reviewed_at = fields.DateTime(allow_none=True)
    review_outcome = fields.String(allow_none=True)
    reverted = fields.Dict(allow_none=True)


class BreakGlassAlertSchema(BreakGlassSchema):
    """For the data protection officer: an opening judged not justified and what it undid."""
    case_reference = fields.Function(lambda row: row.case_reference)
    review_note = fields.String(allow_none=True)


class BreakGlassReviewInSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(REVIEW_OUTCOMES))
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=4000))


class RetentionSchema(Schema):
    closed_at = fields.DateTime(allow_none=True)
    erase_after = fields.DateTime(allow_none=True)
    due = fields.Boolean()
    legal_hold = fields.Boolean()
    hold_reasons = fields.List(fields.String())


class ErasureInSchema(Schema):
    confirm_reference = fields.String(required=True, validate=validate.Length(max=20),
                                      metadata={"description": "the case reference, typed "
                                                               "again to confirm"})


class ErasureSchema(Schema):
    case_id = fields.UUID()
    case_reference = fields.String()
    erased_at = fields.DateTime()
    basis = fields.String()
    rows_erased = fields.Integer()


class SeenBySchema(Schema):
    at = fields.String()
    action = fields.String()
    purpose = fields.String()
    organisation = fields.String()
    roles = fields.List(fields.String())


class SubjectAccessSchema(Schema):
    prepared_at = fields.String()
    person = fields.Dict()
    case = fields.Dict()
    records = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()))
    sections = fields.List(fields.Dict(), metadata={
        "description": "records opened and worded in the person's language, by area"})
    seen_by = fields.List(fields.Nested(SeenBySchema))
