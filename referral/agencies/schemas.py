"""Input and output of work across agencies; web forms load through the same schemas."""
from datetime import timezone

from marshmallow import fields, validate

from ..validation import Schema
from .models import LEGAL_BASES, PARTICIPATION, TEAM_SCOPES

_dt = dict(default_timezone=timezone.utc)
_text = dict(validate=validate.Length(max=4000))


class TransferInSchema(Schema):
    to_agency_id = fields.UUID(required=True)
    consent_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class TransferDecisionInSchema(Schema):
    accept = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=400))


class TransferSchema(Schema):
    id = fields.UUID()
    case_reference = fields.String()
    from_agency = fields.String()
    to_agency = fields.String()
    status = fields.String()
    requested_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    moved_follow_ups = fields.Integer()


class TransferListSchema(Schema):
    incoming = fields.List(fields.Nested(TransferSchema))
    sent = fields.List(fields.Nested(TransferSchema))


class MemberInSchema(Schema):
    user_id = fields.UUID(required=True)
    team_role = fields.String(required=True, validate=validate.Length(min=1, max=80))
    scope = fields.List(fields.String(validate=validate.OneOf(TEAM_SCOPES)), required=True,
                        validate=validate.Length(min=1))
    consent_id = fields.UUID(required=True)


class MemberSchema(Schema):
    id = fields.UUID()
    user_id = fields.UUID()
    name = fields.Function(lambda m: m.user.display_name)
    agency = fields.Function(lambda m: m.agency.name)
    team_role = fields.String()
    scope = fields.List(fields.String())
    added_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)


class TeamViewSchema(Schema):
    reference = fields.String()
    agency = fields.String()
    scope = fields.List(fields.String())
    is_child = fields.Boolean()
    no_removal = fields.Boolean()
    tracks = fields.Dict(keys=fields.String(), values=fields.String())
    identity = fields.Dict()
    team = fields.List(fields.Dict())
    conferences = fields.List(fields.Dict())


class ConferenceInSchema(Schema):
    scheduled_for = fields.AwareDateTime(required=True, **_dt)
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))
    attendee_ids = fields.List(fields.UUID(), load_default=list)


class ConferenceActionInSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    owner_id = fields.UUID(load_default=None, allow_none=True)
    due_at = fields.AwareDateTime(required=True, **_dt)


class ConferenceRecordSchema(Schema):
    participation = fields.String(required=True, validate=validate.OneOf(PARTICIPATION))
    person_view = fields.String(load_default=None, allow_none=True, **_text)
    minutes = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    attended_ids = fields.List(fields.UUID(), load_default=list)
    decisions = fields.List(fields.String(validate=validate.Length(max=1000)),
                            load_default=list)
    actions = fields.List(fields.Nested(ConferenceActionInSchema), load_default=list)


class AttendeeSchema(Schema):
    user_id = fields.UUID(allow_none=True)
    name = fields.String()
    agency_name = fields.String()
    attended = fields.Boolean()


class ConferenceActionSchema(Schema):
    id = fields.UUID()
    description = fields.String()
    owner_id = fields.UUID(allow_none=True)
    due_at = fields.DateTime()


class ConferenceSchema(Schema):
    id = fields.UUID()
    scheduled_for = fields.DateTime()
    purpose = fields.String()
    status = fields.String()
    held_at = fields.DateTime(allow_none=True)
    participation = fields.String(allow_none=True)
    person_view = fields.String(allow_none=True)
    minutes = fields.String(allow_none=True)
    decisions = fields.List(fields.String())
    attendees = fields.List(fields.Nested(AttendeeSchema))
    actions = fields.List(fields.Nested(ConferenceActionSchema))


class LinkSchema(Schema):
    id = fields.UUID()
    status = fields.String()
    score = fields.Float()
    found_at = fields.DateTime()
    earlier_case_reference = fields.String()
    your_case_reference = fields.String()
    requesting_agency = fields.String()
    requesting_case_reference = fields.String()


class MatchesSchema(Schema):
    message = fields.String()
    matches = fields.List(fields.Nested(LinkSchema))


class LinkDecisionSchema(Schema):
    accept = fields.Boolean(required=True)


class ReReferralSchema(Schema):
    re_referrals = fields.Integer()
    linked_across_agencies = fields.Integer()


class HandoverInSchema(Schema):
    partner_agency_id = fields.UUID(required=True)
    country = fields.String(required=True, validate=validate.Length(equal=2))
    legal_basis = fields.String(required=True, validate=validate.OneOf(LEGAL_BASES))
    categories = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    response_due_at = fields.AwareDateTime(required=True, **_dt)
    consent_id = fields.UUID(required=True)


class HandoverStepSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(
        ("received", "first_contact", "check_in", "closed")))
    at = fields.AwareDateTime(load_default=None, allow_none=True, **_dt)
    note = fields.String(load_default=None, allow_none=True, **_text)


class HandoverEventSchema(Schema):
    kind = fields.String()
    at = fields.String()
    note = fields.String(allow_none=True)


class HandoverPartnerSchema(Schema):
    id = fields.String()
    name = fields.String()


class HandoverSchema(Schema):
    """The open handover format ``referral-handover/1`` (docs/agencies.md)."""
    format = fields.String()
    id = fields.String()
    case_reference = fields.String()
    partner = fields.Nested(HandoverPartnerSchema)
    country = fields.String()
    legal_basis = fields.String()
    categories = fields.List(fields.String())
    package = fields.Dict()
    consent_id = fields.String()
    sent_at = fields.String()
    response_due_at = fields.String()
    status = fields.String()
    events = fields.List(fields.Nested(HandoverEventSchema))
