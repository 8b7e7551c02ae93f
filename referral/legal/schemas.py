from datetime import timezone

from marshmallow import ValidationError, fields, validate

from ..validation import Schema

from .models import (COMPENSATION_KINDS, COOPERATION_KINDS, MEASURE_KINDS,
                     NON_PUNISHMENT_OUTCOMES, OFFENCE_CATEGORIES, PERMIT_KINDS, PERSON_ROLES,
                     PROCEEDING_KINDS)

_dt = dict(default_timezone=timezone.utc)


class ProceedingInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(PROCEEDING_KINDS))
    person_role = fields.String(required=True, validate=validate.OneOf(PERSON_ROLES))
    court_or_authority = fields.String(required=True, validate=validate.Length(min=1, max=200))
    reference = fields.String(load_default=None, validate=validate.Length(max=100))
    offence_category = fields.String(load_default=None, allow_none=True,
                                     validate=validate.OneOf(OFFENCE_CATEGORIES))


class HearingSchema(Schema):
    id = fields.UUID(dump_only=True)
    at = fields.AwareDateTime(required=True, **_dt)
    place = fields.String(required=True, validate=validate.Length(min=1, max=200))
    person_must = fields.String(load_default=None, validate=validate.Length(max=2000))


class MeasureSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEASURE_KINDS))
    review_at = fields.AwareDateTime(required=True, **_dt)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))
    status = fields.String(dump_only=True)


class ProceedingSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    kind = fields.String()
    person_role = fields.String()
    court_or_authority = fields.String()
    reference = fields.String(allow_none=True)
    status = fields.String()
    outcome = fields.String(allow_none=True)
    offence_category = fields.String(allow_none=True)
    non_punishment_outcome = fields.String(allow_none=True)
    opened_at = fields.DateTime()
    version = fields.Integer()
    hearings = fields.List(fields.Nested(HearingSchema))
    measures = fields.List(fields.Nested(MeasureSchema))


class ProceedingUpdateSchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["open", "pending", "appeal", "concluded", "discontinued", "closed"]))
    outcome = fields.String(load_default=None, validate=validate.Length(max=2000))
    version = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "the version the edit was made on; a proceeding edited since is "
                       "refused (409) instead of overwritten"})


class InformationSchema(Schema):
    id = fields.UUID(dump_only=True)
    stage = fields.String(required=True, validate=validate.Length(min=1, max=60))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    language = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="a language code such as 'ro' or 'pt-BR'"))
    given_at = fields.DateTime(dump_only=True)


class ReleaseSchema(Schema):
    event = fields.String(load_default="release", validate=validate.OneOf(["release",
                                                                           "escape"]))


class SafetyTaskSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    due_at = fields.DateTime()
    risk = fields.Integer()


class CooperationSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(COOPERATION_KINDS))
    value = fields.String(required=True, validate=validate.OneOf(
        ["given", "refused", "willing", "unwilling"]))
    proceeding_id = fields.UUID(load_default=None, allow_none=True)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class NonPunishmentSchema(Schema):
    review = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    outcome = fields.String(required=True, validate=validate.OneOf(NON_PUNISHMENT_OUTCOMES))


MAX_AMOUNT = 10 ** 12 - 1  # numeric(14, 2)
MONEY = {"type": "string", "format": "decimal", "example": "1200.00"}


def _amount(value):
    if not 0 <= value <= MAX_AMOUNT:
        raise ValidationError(f"between 0 and {MAX_AMOUNT}")


class ClaimStepSchema(Schema):
    """One step of a claim's history: who, when, from what to what, and why."""
    step = fields.String(metadata={"description": "record, or the lifecycle step taken "
                                                  "(grant, refuse, withdraw, renew, expire, "
                                                  "award, pay)"})
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    at = fields.DateTime(metadata={"description": "when it happened"})
    recorded_at = fields.DateTime()
    actor_id = fields.UUID(allow_none=True)
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    amount = fields.Decimal(allow_none=True, places=2, as_string=True, metadata=MONEY)


class CompensationSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(COMPENSATION_KINDS))
    # Not negative: checked by the service (a Range here would render badly in OpenAPI).
    # Money is a decimal string ("1200.00"): exact, as the column (numeric(14, 2)) keeps it.
    amount_claimed = fields.Decimal(required=True, places=2, as_string=True,
                                    validate=_amount,
                                    metadata=MONEY)
    amount_awarded = fields.Decimal(load_default=None, allow_none=True, places=2,
                                    as_string=True, metadata=MONEY,
                                    validate=_amount)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    limitation_at = fields.AwareDateTime(required=True, **_dt)
    status = fields.String(dump_only=True, metadata={
        "description": "filed -> awarded -> paid, or refused or withdrawn"})
    steps = fields.List(fields.Nested(ClaimStepSchema), dump_only=True)


class _StepInSchema(Schema):
    at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "when it happened (a decision's date); now if not given"}, **_dt)
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=2000))
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=5000),
                         metadata={"description": "kept sealed at rest"})


class CompensationUpdateSchema(_StepInSchema):
    """LP-3, DP-5: filed -> awarded (with ``amount_awarded``) | refused | withdrawn;
    awarded -> paid. Filed or awarded and unpaid, a claim holds the file against erasure."""
    status = fields.String(required=True, validate=validate.OneOf(
        ["awarded", "paid", "refused", "withdrawn"]))
    amount_awarded = fields.Decimal(load_default=None, allow_none=True, places=2,
                                    as_string=True, metadata=MONEY, validate=_amount)


class PermitSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(PERMIT_KINDS))
    status = fields.String(required=True, validate=validate.OneOf(
        ["applied", "granted", "refused", "expired"]), metadata={
        "description": "as it stands when recorded; an asylum claim is applied, granted or "
                       "refused, a permit applied, granted, refused or expired"})
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True, **_dt)
    conditions = fields.String(load_default=None, validate=validate.Length(max=2000))
    steps = fields.List(fields.Nested(ClaimStepSchema), dump_only=True)


class PermitUpdateSchema(_StepInSchema):
    """RR-2: an asylum claim: applied -> granted | refused | withdrawn. A permit: applied ->
    granted | refused | withdrawn; granted or renewed -> renewed (a new ``expires_at``) |
    expired. A pending asylum claim blocks return; a decided or withdrawn one does not."""
    status = fields.String(required=True, validate=validate.OneOf(
        ["granted", "refused", "withdrawn", "renewed", "expired"]))
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True, **_dt)


class NoteSchema(Schema):
    id = fields.UUID(dump_only=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    created_at = fields.DateTime(dump_only=True)


class AssignLegalAidSchema(Schema):
    user_id = fields.UUID(required=True)


class LegalSummarySchema(Schema):
    case_id = fields.UUID()
    reference = fields.String()
    legal_state = fields.String()
    proceedings = fields.List(fields.Nested(ProceedingSchema))
    compensation_claims = fields.List(fields.Nested(CompensationSchema))
    permits = fields.List(fields.Nested(PermitSchema))
    non_punishment_alerts = fields.List(fields.String())


class DeadlineRowSchema(Schema):
    kind = fields.String()
    due_at = fields.DateTime()


class LegalAidCaseSchema(Schema):
    case_id = fields.UUID()
    reference = fields.String()
    no_removal = fields.Boolean()  # RP-2: shown wherever the person's status is shown
    proceedings = fields.List(fields.Nested(ProceedingSchema))
    deadlines = fields.List(fields.Nested(DeadlineRowSchema))
    non_punishment_alerts = fields.List(fields.String())


class LegalAidPageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
