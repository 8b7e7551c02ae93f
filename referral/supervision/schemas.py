from marshmallow import fields, validate

from ..validation import Schema


class OverdueSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID(allow_none=True)  # None for a restricted case (DP-7)
    case_reference = fields.String(allow_none=True)
    kind = fields.String()
    label = fields.String()
    due_at = fields.DateTime()
    risk = fields.Integer()
    days_overdue = fields.Integer()
    caseworker = fields.String(allow_none=True)
    agency = fields.String()
    escalated = fields.Boolean()
    late_reason = fields.String(allow_none=True)


class ReflectionEndingSchema(Schema):
    case_id = fields.UUID()
    case_reference = fields.String()
    reflection_ends_at = fields.DateTime()
    caseworker = fields.String(allow_none=True)


class RestrictionRowSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    case_reference = fields.String()
    expires_at = fields.DateTime()
    review_at = fields.DateTime()
    legal_basis = fields.String()


class RefusedAttemptSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    case_reference = fields.String()
    rule = fields.String()
    track = fields.String()
    event = fields.String()
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)


class DashboardArgsSchema(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "next_cursor of the previous page of overdue follow-ups; absent for "
                       "the first page"})
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200),
                              metadata={"description": "overdue follow-ups per page"})


class DashboardSchema(Schema):
    overdue = fields.List(fields.Nested(OverdueSchema), metadata={
        "description": "a page of overdue follow-ups, riskiest then longest overdue first; "
                       "no total is counted"})
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "pass as cursor for the next page of overdue follow-ups; null on the "
                       "last page. The other lists are whole on every page"})
    reflection_ending = fields.List(fields.Nested(ReflectionEndingSchema))
    restrictions = fields.List(fields.Nested(RestrictionRowSchema))
    refused_attempts = fields.List(fields.Nested(RefusedAttemptSchema))
