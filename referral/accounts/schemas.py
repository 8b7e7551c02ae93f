from marshmallow import fields, validate

from ..validation import Schema


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=1, max=1024))
    otp = fields.String(load_default=None, allow_none=True,
                        validate=validate.Regexp(r"^\d{6}$", error="a 6-digit code"))


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class MeSchema(Schema):
    id = fields.UUID()
    username = fields.String()
    display_name = fields.String()
    agency = fields.Function(lambda u: u.agency.name)
    roles = fields.Function(lambda u: sorted(r.value for r in u.roles))


class SignInLockSchema(Schema):
    """A pause in force on an account's sign-in or codes (no address: it is kept hashed)."""
    user_id = fields.UUID()
    username = fields.Function(lambda row: row.user.username if row.user else None)
    check = fields.String(attribute="purpose")
    from_all_addresses = fields.Function(lambda row: row.source == "*")
    failures = fields.Integer()
    locked_until = fields.DateTime()


class UnlockSchema(Schema):
    lifted = fields.Integer()
