from marshmallow import Schema, fields, validate

from .models import CATEGORIES


class UploadFormSchema(Schema):
    """The form fields sent with the file (multipart/form-data; the file itself in
    ``file``)."""
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    title = fields.String(load_default=None, validate=validate.Length(max=200))


class DocumentListArgsSchema(Schema):
    category = fields.String(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class ContentArgsSchema(Schema):
    copy = fields.Boolean(load_default=False, metadata={
        "description": "downloaded for the person's own copy of their file (DP-6)"})


class DocumentVersionSchema(Schema):
    number = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    stripped = fields.List(fields.String(), metadata={
        "description": "hidden metadata removed before storing (exif, xmp, info, ...)"})
    uploaded_by = fields.Function(lambda v: v.uploaded_by.display_name)
    uploaded_at = fields.DateTime()


class DocumentSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    category = fields.String()
    title = fields.String()
    current_version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    versions = fields.List(fields.Nested(DocumentVersionSchema))
