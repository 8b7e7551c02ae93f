"""The assistance plan in the API: codes as in ``workflows/plans.py``, dates as ISO 8601."""
from marshmallow import Schema, fields, validate

import workflows.plans as rules

_words = dict(validate=validate.Length(max=5000))
_optional_words = dict(load_default=None, allow_none=True, **_words)


def _one_of(table):
    return validate.OneOf(tuple(table))


# ---- needs ---------------------------------------------------------------------------------

class NeedInSchema(Schema):
    priority = fields.String(required=True, validate=_one_of(rules.PRIORITIES))
    person_words = fields.String(**_optional_words, metadata={
        "description": "the need in the person's own words (required for a need)"})
    notes = fields.String(**_optional_words)


class NeedsAssessmentInSchema(Schema):
    items = fields.Dict(keys=fields.String(validate=_one_of(rules.NEED_DOMAINS)),
                        values=fields.Nested(NeedInSchema), required=True,
                        metadata={"description": "every domain: "
                                                 + ", ".join(rules.NEED_DOMAINS)})
    language = fields.String(required=True, validate=validate.Length(min=1, max=40))
    interpreter_used = fields.Boolean(load_default=False)


class NeedOutSchema(Schema):
    domain = fields.String()
    priority = fields.String()
    person_words = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class NeedsAssessmentSchema(Schema):
    id = fields.UUID()
    assessed_at = fields.DateTime()
    language = fields.String(allow_none=True)
    interpreter_used = fields.Boolean()
    items = fields.List(fields.Nested(NeedOutSchema))


# ---- risks and danger ------------------------------------------------------------------------

class RisksSchema(Schema):
    traffickers = fields.String(required=True, validate=_one_of(rules.RISK_LEVELS))
    retrafficking = fields.String(required=True, validate=_one_of(rules.RISK_LEVELS))
    self_harm = fields.String(required=True, validate=_one_of(rules.RISK_LEVELS))
    family = fields.String(required=True, validate=_one_of(rules.RISK_LEVELS))


class RiskAssessmentInSchema(Schema):
    risks = fields.Nested(RisksSchema, required=True)
    person_view = fields.String(**_optional_words)
    notes = fields.String(**_optional_words)
    immediate_danger = fields.Boolean(load_default=False)
    danger_reason = fields.String(**_optional_words)
    safety_measures = fields.List(fields.String(validate=_one_of(rules.SAFETY_MEASURES)),
                                  load_default=list)
    safety_plan = fields.String(**_optional_words)
    safety_review_on = fields.Date(load_default=None, allow_none=True)


class RisksOutSchema(Schema):
    traffickers = fields.String()
    retrafficking = fields.String()
    self_harm = fields.String()
    family = fields.String()


class RiskAssessmentSchema(Schema):
    id = fields.UUID()
    assessed_at = fields.DateTime()
    risks = fields.Nested(RisksOutSchema)
    person_view = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    immediate_danger = fields.Boolean()
    safety_measures = fields.List(fields.String())
    safety_plan = fields.String(allow_none=True)
    safety_review_at = fields.DateTime(allow_none=True)


class DangerInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class DangerFlagSchema(Schema):
    id = fields.UUID()
    reason = fields.String(allow_none=True)
    raised_at = fields.DateTime()
    cleared_at = fields.DateTime(allow_none=True)
    clear_reason = fields.String(allow_none=True)


# ---- goals, actions, versions -----------------------------------------------------------------

class ActionInSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    owner_kind = fields.String(required=True, validate=_one_of(rules.OWNER_KINDS))
    agency_id = fields.UUID(load_default=None, allow_none=True)
    provider_id = fields.UUID(load_default=None, allow_none=True)
    referral_id = fields.UUID(load_default=None, allow_none=True)
    due_on = fields.Date(required=True)
    review_on = fields.Date(load_default=None, allow_none=True)


class GoalInSchema(Schema):
    domain = fields.String(required=True, validate=_one_of(rules.NEED_DOMAINS))
    goal = fields.String(required=True, validate=validate.Length(min=1, max=5000),
                         metadata={"description": "in the person's own words"})
    horizon = fields.String(load_default="short", validate=_one_of(rules.GOAL_HORIZONS))
    action = fields.Nested(ActionInSchema, load_default=None, allow_none=True)


class StatusInSchema(Schema):
    status = fields.String(required=True)
    note = fields.String(**_optional_words)


class ActionSchema(Schema):
    id = fields.UUID()
    goal_id = fields.UUID()
    description = fields.String(allow_none=True)
    owner_kind = fields.String()
    owner = fields.String(allow_none=True)
    due_at = fields.DateTime()
    review_at = fields.DateTime(allow_none=True)
    status = fields.String()
    status_note = fields.String(allow_none=True)


class OwnedActionSchema(ActionSchema):
    case_reference = fields.String(allow_none=True, metadata={
        "description": "absent for a shelter, which sees no case references (SH-3)"})
    person = fields.String(allow_none=True, metadata={
        "description": "for a shelter: the name of a person staying with it"})


class GoalSchema(Schema):
    id = fields.UUID()
    domain = fields.String()
    goal = fields.String(allow_none=True)
    horizon = fields.String()
    status = fields.String()
    status_note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    actions = fields.List(fields.Nested(ActionSchema))


class AssistancePlanSchema(Schema):
    case_id = fields.UUID()
    status = fields.String(allow_none=True)
    current_version = fields.Integer()
    activated_at = fields.DateTime(allow_none=True)
    next_review_at = fields.DateTime(allow_none=True)
    review_reason = fields.String(allow_none=True)
    review_due = fields.Boolean()
    review_interval_days = fields.Integer()
    danger = fields.Nested(DangerFlagSchema, allow_none=True)
    needs = fields.Nested(NeedsAssessmentSchema, allow_none=True)
    risk = fields.Nested(RiskAssessmentSchema, allow_none=True)
    goals = fields.List(fields.Nested(GoalSchema))


class AgreementInSchema(Schema):
    person_present = fields.Boolean(required=True)
    agreement = fields.String(required=True, validate=_one_of(rules.AGREEMENT))
    person_words = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    language = fields.String(required=True, validate=validate.Length(min=1, max=40))
    interpreter_used = fields.Boolean(load_default=False)
    disagreed_goals = fields.List(fields.UUID(), load_default=list)
    next_review_on = fields.Date(load_default=None, allow_none=True)


class PlanVersionSummarySchema(Schema):
    id = fields.UUID()
    number = fields.Integer()
    reason = fields.String()
    recorded_at = fields.DateTime()
    person_present = fields.Boolean()
    agreement = fields.String()
    next_review_at = fields.DateTime()
    rule_version = fields.String()


class PlanVersionSchema(PlanVersionSummarySchema):
    person_words = fields.String(allow_none=True)
    disagreed_goals = fields.List(fields.String())
    language = fields.String(allow_none=True)
    interpreter_used = fields.Boolean()
    content = fields.Dict()


# ---- feedback -----------------------------------------------------------------------------------

class FeedbackInSchema(Schema):
    kind = fields.String(required=True, validate=_one_of(rules.FEEDBACK_KINDS))
    topic = fields.String(required=True, validate=_one_of(rules.FEEDBACK_TOPICS))
    rating = fields.String(load_default="not_said", validate=_one_of(rules.FEEDBACK_RATINGS))
    moment = fields.String(load_default="during", validate=_one_of(rules.FEEDBACK_MOMENTS))
    words = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    language = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=40))


class ResponseInSchema(Schema):
    response = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class FeedbackSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    kind = fields.String()
    topic = fields.String()
    rating = fields.String()
    moment = fields.String()
    language = fields.String(allow_none=True)
    recorded_at = fields.DateTime()
    responded_at = fields.DateTime(allow_none=True)
    routed_to_me = fields.Boolean()
    readable = fields.Boolean(metadata={"description": "whether the words are shown to you"})
    words = fields.String(allow_none=True)
    response = fields.String(allow_none=True)


class SupervisionReviewSchema(Schema):
    case_id = fields.UUID()
    case_reference = fields.String()
    due_at = fields.DateTime()
    days_overdue = fields.Integer()
    reason = fields.String(allow_none=True)
    caseworker = fields.String(allow_none=True)


class SupervisionFlagSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    case_reference = fields.String()
    raised_at = fields.DateTime()
    caseworker = fields.String(allow_none=True)


class SupervisionFeedbackSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    case_reference = fields.String()
    kind = fields.String()
    topic = fields.String()
    recorded_at = fields.DateTime()
    routed_to_me = fields.Boolean()


class SupervisionSchema(Schema):
    overdue_reviews = fields.List(fields.Nested(SupervisionReviewSchema))
    open_flags = fields.List(fields.Nested(SupervisionFlagSchema))
    feedback_waiting = fields.List(fields.Nested(SupervisionFeedbackSchema))
