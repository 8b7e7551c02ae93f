from marshmallow import fields, validate, validates_schema, ValidationError

from ..validation import Schema
from .taxonomies import (EXPLOITATION_FORMS, INDICATORS, NATIONALITY_UNKNOWN,
                         REFERRAL_SOURCES, SECTORS, SEX_VALUES, VULNERABILITY_FACTORS)

_text = dict(validate=validate.Length(max=400))


AGE_ESTIMATE_TOLERANCE = 3  # years between a stated date of birth and an age estimate


class PersonInSchema(Schema):
    given_name = fields.String(load_default=None, **_text)
    family_name = fields.String(load_default=None, **_text)
    known_as = fields.String(load_default=None, **_text)
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=400)),
                          load_default=list, validate=validate.Length(max=20))
    date_of_birth = fields.Date(load_default=None)
    age_estimate = fields.Integer(load_default=None, validate=validate.Range(min=0, max=120))
    sex = fields.String(load_default="unknown", validate=validate.OneOf(SEX_VALUES))
    gender = fields.String(load_default=None, validate=validate.Length(max=100))
    nationality = fields.String(load_default=NATIONALITY_UNKNOWN,
                                validate=validate.Length(min=2, max=40))
    languages = fields.List(fields.String(validate=validate.Length(min=2, max=20)),
                            load_default=list)
    interpreter_needed = fields.String(load_default="unknown",
                                       validate=validate.OneOf(["yes", "no", "unknown"]))
    contact = fields.String(load_default=None, validate=validate.Length(max=1000))
    safe_contact = fields.String(load_default=None, validate=validate.Length(max=1000))
    contact_is_safe = fields.Boolean(load_default=False)

    @validates_schema
    def plausible_birth_date(self, data, **kwargs):
        from ..database import utcnow
        dob = data.get("date_of_birth")
        if dob and dob > utcnow().date():
            raise ValidationError("cannot be in the future", "date_of_birth")
        if dob and dob.year < 1900:
            raise ValidationError("before 1900: check the year", "date_of_birth")
        estimate = data.get("age_estimate")
        if dob and estimate is not None:  # one person, one age: they must agree
            today = utcnow().date()
            age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
            if abs(age - estimate) > AGE_ESTIMATE_TOLERANCE:
                raise ValidationError(
                    f"the date of birth gives {age}: the estimate differs by more than "
                    f"{AGE_ESTIMATE_TOLERANCE} years", "age_estimate")


class CaseCreateSchema(Schema):
    person = fields.Nested(PersonInSchema, required=True)
    referred_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    referral_source = fields.String(load_default="unknown",
                                    validate=validate.OneOf(REFERRAL_SOURCES))
    indicators = fields.List(fields.String(validate=validate.OneOf(INDICATORS)),
                             load_default=list)
    exploitation_forms = fields.List(fields.String(validate=validate.OneOf(
        EXPLOITATION_FORMS)), load_default=list)
    sectors = fields.List(fields.String(validate=validate.OneOf(SECTORS)), load_default=list)
    sector_formality = fields.String(load_default="unknown", validate=validate.OneOf(
        ["formal", "informal", "unknown"]))
    recruitment = fields.Dict(load_default=dict)
    vulnerability_factors = fields.List(fields.String(validate=validate.OneOf(
        VULNERABILITY_FACTORS)),
                                        load_default=list)
    internal_trafficking = fields.Boolean(load_default=None, allow_none=True)
    narrative = fields.String(load_default=None, validate=validate.Length(max=20000))
    jurisdiction = fields.String(load_default=None)
    is_child = fields.Boolean(load_default=None, allow_none=True)
    previous_case_id = fields.UUID(load_default=None, allow_none=True,
                                   metadata={"description": "an earlier case of the same "
                                                            "person (re-trafficking, RR-5)"})


class PersonOutSchema(Schema):
    given_name = fields.String(allow_none=True)
    family_name = fields.String(allow_none=True)
    known_as = fields.String(allow_none=True)
    aliases = fields.List(fields.String(), allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    age_estimate = fields.Integer(allow_none=True)
    sex = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    nationality = fields.String(allow_none=True)
    languages = fields.List(fields.String(allow_none=True))
    interpreter_needed = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    safe_contact = fields.String(allow_none=True)
    contact_is_safe = fields.Boolean(allow_none=True)


class CaseSchema(Schema):
    id = fields.UUID(allow_none=True)
    reference = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    jurisdiction = fields.String(allow_none=True)
    rule_version = fields.String(allow_none=True)
    tracks = fields.Dict(keys=fields.String(allow_none=True), values=fields.String(allow_none=True))
    is_child = fields.Boolean(allow_none=True)
    age_status = fields.Function(lambda c: c.age_status.value)
    is_presumed_victim = fields.Boolean(allow_none=True)
    identification = fields.String(allow_none=True)
    no_removal = fields.Boolean(allow_none=True)
    protection_ends_at = fields.DateTime(allow_none=True)  # NRM-3
    move_on_started_at = fields.DateTime(allow_none=True)  # NRM-4
    move_on_ends_at = fields.DateTime(allow_none=True)
    is_restricted = fields.Boolean(allow_none=True)
    person = fields.Nested(PersonOutSchema)
    referred_by = fields.String(allow_none=True)
    referred_at = fields.DateTime(allow_none=True)
    indicators = fields.List(fields.String(allow_none=True))
    exploitation_forms = fields.List(fields.String(allow_none=True))
    sectors = fields.List(fields.String(allow_none=True))
    sector_formality = fields.String(allow_none=True)
    recruitment = fields.Dict()
    vulnerability_factors = fields.List(fields.String(allow_none=True))
    internal_trafficking = fields.Boolean(allow_none=True)
    narrative = fields.String(allow_none=True)
    agency = fields.String(attribute="agency_name")
    assigned_to = fields.String(attribute="assigned_to_name", allow_none=True)
    guardian_appointed_at = fields.DateTime(allow_none=True)
    guardian_name = fields.String(allow_none=True)
    previous_case_id = fields.UUID(allow_none=True)
    reflection_started_at = fields.DateTime(allow_none=True)
    reflection_minimum_ends_at = fields.DateTime(allow_none=True)
    reflection_ends_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(allow_none=True)


class CaseListArgsSchema(Schema):
    state = fields.String(load_default=None)
    assigned_to = fields.String(load_default=None, metadata={"description": "a user id or 'me'"})
    overdue = fields.Boolean(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    include_closed = fields.Boolean(load_default=False, metadata={
        "description": "with assigned_to: also the closed cases (by default a caseworker's "
                       "list holds their open cases)"})
    cursor = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "next_cursor of the previous page; absent for the first page"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000), metadata={
        "description": "page number (offset paging; prefer cursor, whose cost does not grow "
                       "with the page)"})
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))
    total = fields.Boolean(load_default=False, metadata={
        "description": "also count every match (an exact count; not on hot paths)"})


class CaseSummarySchema(Schema):
    id = fields.UUID()
    reference = fields.String()
    tracks = fields.Dict(keys=fields.String(), values=fields.String())
    is_child = fields.Boolean()
    no_removal = fields.Boolean()
    assigned_to = fields.Function(lambda c: c.assigned_to.display_name if c.assigned_to
                                  else None)
    referred_at = fields.DateTime()


class CasePageSchema(Schema):
    items = fields.List(fields.Nested(CaseSummarySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "pass as cursor for the next page; null on the last page"})
    total = fields.Integer(allow_none=True, metadata={
        "description": "every match, when asked for with total=true; otherwise null"})


class TransitionRequestSchema(Schema):
    track = fields.String(required=True, validate=validate.OneOf(
        ["nrm", "assistance", "shelter", "legal", "return"]))
    event = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reason = fields.String(load_default=None, validate=validate.Length(max=5000))
    facts = fields.Dict(keys=fields.String(), load_default=dict)
    version = fields.Integer(required=True)


class RefusalSchema(Schema):
    rule = fields.String()
    message = fields.String()


class TrackOptionsSchema(Schema):
    state = fields.String()
    allowed = fields.List(fields.String())
    refused = fields.Dict(keys=fields.String(), values=fields.Nested(RefusalSchema))
    reason_required = fields.List(fields.String())


class TransitionsSchema(Schema):
    version = fields.Integer()
    tracks = fields.Dict(keys=fields.String(), values=fields.Nested(TrackOptionsSchema))


class HistoryItemSchema(Schema):
    type = fields.String()
    at = fields.DateTime()
    track = fields.String()
    event = fields.String()
    from_state = fields.String()
    to_state = fields.String()
    reason = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    kind = fields.String()
    outcome = fields.String()
    decision_maker = fields.String()
    reasons = fields.String()
    superseded = fields.Boolean()
    rule_version = fields.String()
    purpose = fields.String(metadata={"description": "consent items"})
    recipient = fields.String(allow_none=True)
    service = fields.String(metadata={"description": "referral items"})
    provider = fields.String(allow_none=True)


class DecisionInSchema(Schema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40))
    outcome = fields.String(required=True, validate=validate.Length(min=1, max=30))
    decision_maker = fields.String(required=True, validate=validate.Length(min=1, max=200))
    reasons = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    reason_codes = fields.List(fields.String(validate=validate.Length(max=40)),
                               load_default=list)
    evidence = fields.List(fields.String(validate=validate.Length(max=400)), load_default=list)
    language_explained_in = fields.String(load_default=None, validate=validate.Length(max=40))
    child_views = fields.String(load_default=None, validate=validate.Length(max=20000))
    best_interests = fields.String(load_default=None, validate=validate.Length(max=20000))
    deadline = fields.AwareDateTime(load_default=None, default_timezone=__import__(
        "datetime").timezone.utc)
    # ID-6: a negative decision records the person's view, or that they declined
    person_view = fields.String(load_default=None, validate=validate.Length(max=5000))
    person_view_declined = fields.Boolean(load_default=False)


class ReviewRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    # NRM-2: what the request rests on (the jurisdiction's grounds) and the evidence with it.
    grounds = fields.String(load_default=None, validate=validate.Length(max=40))
    evidence = fields.List(fields.String(validate=validate.Length(min=1, max=400)),
                           load_default=list, validate=validate.Length(max=50))


class DecisionSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    outcome = fields.String()
    decision_maker = fields.String()
    reasons = fields.String()
    reason_codes = fields.List(fields.String())
    evidence = fields.List(fields.String())
    language_explained_in = fields.String(allow_none=True)
    child_views = fields.String(allow_none=True)
    best_interests = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime()
    review_deadline = fields.DateTime(allow_none=True)
    review_requested_at = fields.DateTime(allow_none=True)
    review_of_id = fields.UUID(allow_none=True)
    superseded_by_id = fields.UUID(allow_none=True)
    rule_version = fields.String()
    # NRM-6: recorded by the competent authority itself, or received on paper.
    received_on_paper = fields.Function(
        lambda d: bool((d.details or {}).get("received_on_paper")))
    review_grounds = fields.Function(lambda d: (d.details or {}).get("review_grounds"))
    review_evidence = fields.Function(lambda d: (d.details or {}).get("review_evidence") or [])


class GuardianSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=400))
    organisation = fields.String(load_default=None, validate=validate.Length(max=200))


class ExtensionSchema(Schema):
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class AssignSchema(Schema):
    caseworker_id = fields.UUID(required=True)


class AnonymousNotificationSchema(Schema):
    id = fields.UUID(dump_only=True)
    sex = fields.String(load_default="unknown", validate=validate.OneOf(SEX_VALUES))
    age_group = fields.String(load_default="unknown", validate=validate.OneOf(
        ["18-24", "25-34", "35-49", "50+", "unknown"]))
    nationality = fields.String(load_default="unknown", validate=validate.Length(min=2, max=40))
    exploitation_forms = fields.List(fields.String(validate=validate.OneOf(
        EXPLOITATION_FORMS)), load_default=list)
    sectors = fields.List(fields.String(validate=validate.OneOf(SECTORS)), load_default=list)
    jurisdiction = fields.String(load_default=None)


class DecisionLetterSchema(Schema):
    """NRM-2: the letter served on the person, in their language."""
    decision_id = fields.UUID()
    language = fields.String()
    outcome = fields.String()
    reconsideration_deadline = fields.DateTime(allow_none=True)
    html = fields.String()
