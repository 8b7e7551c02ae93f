from datetime import timezone

from marshmallow import fields, validate

from ..validation import AdverseStepSchema, Schema

from .service import ITEM_KINDS, OUTING_PURPOSES


class StayInSchema(Schema):
    shelter_id = fields.UUID(required=True)
    room = fields.String(load_default=None, validate=validate.Length(max=40))


class StaySchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    shelter_agency_id = fields.UUID()
    room = fields.String(allow_none=True)
    admitted_at = fields.DateTime()
    left_at = fields.DateTime(allow_none=True)
    is_voluntary = fields.Boolean()


class LeaveSchema(Schema):
    """SH-1: leaving is never refused; what is recorded is coded (``shelter.leave``)."""
    note = fields.String(load_default=None, validate=validate.Length(max=2000))
    reason_code = fields.String(load_default="person_chose_to_leave",
                                validate=validate.Length(min=1, max=40))
    person_view = fields.String(load_default=None, validate=validate.Length(max=2000))


class EndStaySchema(AdverseStepSchema):
    """ID-6 / NC-3: a code from ``shelter.end_stay``, the person's view, text second."""


class RestrictionInSchema(Schema):
    legal_basis = fields.String(required=True, validate=validate.Length(min=1, max=400))
    decision_maker = fields.String(required=True, validate=validate.Length(min=1, max=200))
    grounds = fields.String(required=True, validate=validate.Length(min=1, max=20))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    expires_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    review_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    # ID-6: a code from ``restriction.impose`` and the person's view or that they declined
    reason_code = fields.String(load_default=None, validate=validate.Length(max=40))
    person_view = fields.String(load_default=None, validate=validate.Length(max=2000))
    person_view_declined = fields.Boolean(load_default=False)


class RestrictionSchema(Schema):
    id = fields.UUID()
    legal_basis = fields.String()
    decision_maker = fields.String()
    grounds = fields.String()
    reason = fields.String()
    imposed_at = fields.DateTime()
    expires_at = fields.DateTime()
    review_at = fields.DateTime()
    lifted_at = fields.DateTime(allow_none=True)
    is_active = fields.Function(lambda r: r.is_active())


class OutingInSchema(Schema):
    purpose = fields.String(required=True, validate=validate.OneOf(OUTING_PURPOSES))


class OutingSchema(Schema):
    id = fields.UUID()
    purpose = fields.String()
    left_at = fields.DateTime()


class HeldItemInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ITEM_KINDS))
    description = fields.String(load_default=None, validate=validate.Length(max=400))


class HeldItemSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    received_at = fields.DateTime()
    returned_at = fields.DateTime(allow_none=True)


class ShelterArgsSchema(Schema):
    shelter = fields.UUID(required=True)


class ShelterRestrictionSchema(Schema):
    id = fields.UUID()
    expires_at = fields.DateTime()
    review_at = fields.DateTime()
    legal_basis = fields.String()


class ShelterItemSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    returned = fields.Boolean()


class ShelterResidentSchema(Schema):
    """SH-3: what shelter staff need to run a stay, and nothing else."""
    id = fields.UUID()
    name = fields.String(allow_none=True)
    restricted_case = fields.Boolean()
    languages = fields.List(fields.String())
    interpreter_needed = fields.String()
    is_child = fields.Boolean()
    no_removal = fields.Boolean()
    room = fields.String(allow_none=True)
    admitted_at = fields.DateTime()
    is_voluntary = fields.Boolean()
    restrictions = fields.List(fields.Nested(ShelterRestrictionSchema))
    held_items = fields.List(fields.Nested(ShelterItemSchema))
