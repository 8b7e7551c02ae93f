from datetime import timezone

from marshmallow import Schema, fields, validate

from .models import CONTACT_KINDS


class CaseNoteInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(CONTACT_KINDS))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    duration_minutes = fields.Integer(load_default=None, allow_none=True,
                                      validate=validate.Range(min=1, max=1440))
    person_present = fields.Boolean(load_default=True)
    participants = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Length(max=2000),
                                 metadata={"description": "who else took part (sealed; "
                                                          "left out of the person's copy)"})
    interpreter_used = fields.Boolean(load_default=False)
    interpreter_language = fields.String(load_default=None, allow_none=True,
                                         validate=validate.Length(min=2, max=20))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    follow_up_id = fields.UUID(load_default=None, allow_none=True,
                               metadata={"description": "a follow-up of this case the "
                                                        "contact answers"})
    shared_with_shelter = fields.Boolean(load_default=None, allow_none=True)
    shared_with_legal_aid = fields.Boolean(load_default=None, allow_none=True)


class NoteCorrectionInSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    reason = fields.String(required=True, validate=validate.Length(min=10, max=2000))


class NoteCorrectionSchema(Schema):
    id = fields.UUID()
    body = fields.String()
    reason = fields.String()
    author = fields.Function(lambda c: c.author.display_name)
    created_at = fields.DateTime()


class CaseNoteSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    kind = fields.String()
    occurred_at = fields.DateTime()
    duration_minutes = fields.Integer(allow_none=True)
    person_present = fields.Boolean()
    participants = fields.String(allow_none=True)
    interpreter_used = fields.Boolean()
    interpreter_language = fields.String(allow_none=True)
    body = fields.String()
    follow_up_id = fields.UUID(allow_none=True)
    shared_with_shelter = fields.Boolean()
    shared_with_legal_aid = fields.Boolean()
    author = fields.Function(lambda n: n.author.display_name)
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)
    corrections = fields.List(fields.Nested(NoteCorrectionSchema))


class CaseNoteListArgsSchema(Schema):
    kind = fields.String(load_default=None, validate=validate.OneOf(CONTACT_KINDS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class CaseNotePageSchema(Schema):
    items = fields.List(fields.Nested(CaseNoteSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
