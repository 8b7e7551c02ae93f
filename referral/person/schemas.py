from marshmallow import Schema, fields, validate

from ..cases.schemas import PersonOutSchema


class PersonCorrectionInSchema(Schema):
    """Only the fields that change; each is validated as at intake."""
    person = fields.Dict(load_default=dict, metadata={
        "description": "person fields as in POST /cases (given_name, aliases, "
                       "date_of_birth, nationality, languages, contact ...)"})
    referral = fields.Dict(load_default=dict, metadata={
        "description": "indicators, exploitation_forms, sectors, narrative, is_child"})
    reason = fields.String(required=True, validate=validate.Length(min=10, max=2000))


class PanelSchema(PersonOutSchema):
    indicators = fields.List(fields.String())
    exploitation_forms = fields.List(fields.String())
    sectors = fields.List(fields.String())
    narrative = fields.String(allow_none=True)
    is_child = fields.Boolean()
    age_status = fields.String()


class PersonCorrectionSchema(Schema):
    batch = fields.UUID()
    field = fields.String()
    before = fields.String(allow_none=True)
    after = fields.String(allow_none=True)
    reason = fields.String()
    corrected_by = fields.Function(lambda c: c.corrected_by.display_name)
    corrected_at = fields.DateTime()
