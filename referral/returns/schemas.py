from marshmallow import fields, validate

from ..validation import Schema

from .models import MISSED_REASONS, OUTCOMES, RISK_LEVELS

_risk = dict(load_default=None, allow_none=True, validate=validate.OneOf(RISK_LEVELS))


class ReturnInSchema(Schema):
    """One person, one return: a single case, never a list (RR-1)."""
    destination_country = fields.String(required=True, validate=validate.Length(min=2, max=40))
    person_words = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    receiving_organisation = fields.String(load_default=None,
                                           validate=validate.Length(max=200))


class AssessmentSchema(Schema):
    id = fields.UUID(dump_only=True)
    risk_retaliation = fields.String(**_risk)
    risk_retrafficking = fields.String(**_risk)
    risk_stigma = fields.String(**_risk)
    risk_notes = fields.String(load_default=None, validate=validate.Length(max=5000))
    non_refoulement_checked = fields.Boolean(load_default=False)
    asylum_information_given = fields.Boolean(load_default=False)
    open_proceedings_checked = fields.Boolean(load_default=False)
    best_interests_determination = fields.String(load_default=None,
                                                 validate=validate.Length(max=5000))
    family_tracing_done = fields.Boolean(load_default=False)
    family_involved = fields.String(load_default="unknown",
                                    validate=validate.OneOf(["yes", "no", "unknown"]))
    assessed_at = fields.DateTime(dump_only=True)


class ReturnSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    destination_country = fields.String()
    receiving_organisation = fields.String(allow_none=True)
    requested_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    state = fields.Function(lambda r: r.case.return_state)
    assessments = fields.List(fields.Nested(AssessmentSchema))


class ReturnStepSchema(Schema):
    """Refusing is adverse (ID-6): ``reason_code`` from ``return.refuse`` and the person's
    view or ``person_view_declined``."""
    reason = fields.String(load_default=None, validate=validate.Length(max=5000))
    person_view = fields.String(load_default=None, validate=validate.Length(max=5000))
    reason_code = fields.String(load_default=None, validate=validate.Length(max=40))
    person_view_declined = fields.Boolean(load_default=False)


class PlanSchema(Schema):
    id = fields.UUID(dump_only=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    wellbeing = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    economic = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    social = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    cultural = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    political = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class CheckInSchema(Schema):
    id = fields.UUID(dump_only=True)
    held = fields.Boolean(required=True)
    missed_reason = fields.String(load_default=None, allow_none=True,
                                  validate=validate.OneOf(MISSED_REASONS))
    inclusion_notes = fields.String(load_default=None, validate=validate.Length(max=5000))
    schedule_key = fields.String(dump_only=True, allow_none=True)
    at = fields.DateTime(dump_only=True)
