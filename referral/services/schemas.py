from marshmallow import fields, validate

from ..validation import Schema

from ..consent.models import FORBIDDEN_CATEGORIES, RECIPIENT_CATEGORIES
from .models import SERVICES


class ServiceSchema(Schema):
    code = fields.String()
    name = fields.String()


class ProviderSchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    agency_id = fields.UUID(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=5000))
    services = fields.List(fields.String(validate=validate.OneOf(list(SERVICES))),
                           load_default=list)
    # DP-1: what kind of recipient the entry is; never "media"
    category = fields.String(validate=validate.OneOf(
        [c for c in RECIPIENT_CATEGORIES if c not in FORBIDDEN_CATEGORIES]))
    genders_accepted = fields.List(fields.String(validate=validate.Length(max=20)),
                                   load_default=list)
    min_age = fields.Integer(load_default=None, allow_none=True,
                             validate=validate.Range(min=0, max=120))
    max_age = fields.Integer(load_default=None, allow_none=True,
                             validate=validate.Range(min=0, max=120))
    languages = fields.List(fields.String(validate=validate.Length(max=20)), load_default=list)
    capacity = fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=0, max=100000))
    address = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=400))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    email = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=254))
    data_sharing_agreement = fields.Boolean(load_default=False)
    dsa_reference = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(max=100))


class ProviderChangeSchema(ProviderSchema):
    """A change to a directory entry (PATCH): only the fields sent are validated and set."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class ProviderArgsSchema(Schema):
    service = fields.String(load_default=None, validate=validate.OneOf(list(SERVICES)))
    language = fields.String(load_default=None, validate=validate.Length(max=20))


class ReferralInSchema(Schema):
    provider_id = fields.UUID(required=True)
    service = fields.String(required=True, validate=validate.OneOf(list(SERVICES)))
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class ReferralSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    provider_id = fields.UUID()
    provider = fields.Function(lambda r: r.provider.name)
    service = fields.String()
    status = fields.String()
    reason = fields.String(allow_none=True)
    requested_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class RecipientReferralSchema(Schema):
    """What the receiving provider sees: no narrative, no legal or health data."""
    id = fields.UUID()
    reference = fields.String()
    service = fields.String()
    status = fields.String()
    requested_at = fields.DateTime()
    languages = fields.List(fields.String())
    interpreter_needed = fields.String()
    safe_contact = fields.String()
    name = fields.String()


class StepSchema(Schema):
    """Rejecting or revoking also takes ``reason_code`` (from ``referral.reject`` /
    ``referral.revoke``) and the person's view or ``person_view_declined`` (ID-6)."""
    reason = fields.String(load_default=None, validate=validate.Length(max=5000))
    person_view = fields.String(load_default=None, validate=validate.Length(max=5000))
    reason_code = fields.String(load_default=None, validate=validate.Length(max=40))
    person_view_declined = fields.Boolean(load_default=False)


class OfferAnswerSchema(StepSchema):
    """Declining or withdrawing an offer: a code from ``offer.decline`` /
    ``offer.withdraw`` and the person's view (ID-6); accepting needs consent (CO-1)."""


class OfferInSchema(Schema):
    service = fields.String(required=True, validate=validate.OneOf(list(SERVICES)))
    provider_id = fields.UUID(load_default=None, allow_none=True)


class OfferSchema(Schema):
    id = fields.UUID()
    service = fields.String()
    status = fields.String()
    offered_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    reason_code = fields.String(allow_none=True)
