from marshmallow import fields, validate

from ..validation import Schema


class RemindersArgsSchema(Schema):
    mine = fields.Boolean(load_default=True)


class FollowUpSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    case_reference = fields.String()
    kind = fields.String()
    label = fields.String()
    due_at = fields.DateTime()
    risk = fields.Integer()
    is_overdue = fields.Boolean()
    days_overdue = fields.Integer()
    escalated = fields.Boolean()
    late_reason = fields.String(allow_none=True)


class NotificationSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    case_reference = fields.String(allow_none=True)
    message = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class RemindersSchema(Schema):
    follow_ups = fields.List(fields.Nested(FollowUpSchema))
    notifications = fields.List(fields.Nested(NotificationSchema))


class ReassignSchema(Schema):
    caseworker_id = fields.UUID(required=True)


class LateReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ParkedFollowUpSchema(Schema):
    """A follow-up the sweep set aside: what it is and why, not whose case it is."""
    id = fields.UUID()
    kind = fields.String()
    agency_id = fields.UUID(allow_none=True)
    due_at = fields.DateTime()
    failures = fields.Integer()
    last_error = fields.String(allow_none=True)
    parked_at = fields.DateTime(allow_none=True)
