from flask.views import MethodView
from flask_smorest import Blueprint
from flask import request

from ..auth import api_actor
from ..errors import Invalid
from ..labels import N_
from . import access, service, transfer
from .schemas import (ContentArgsSchema, DocumentListArgsSchema, DocumentSchema,
                      UploadFormSchema, DocumentVersionSchema)

blp = Blueprint("api-documents", __name__, url_prefix="/api/v1",
                description="Case documents: checked by content, stripped of metadata, "
                            "sealed at rest, streamed back; every view and download audited")


def _file():
    storage = transfer.uploaded_file()
    if storage is None:
        raise Invalid("file", N_("choose a file"))
    return storage


@blp.route("/cases/<case_id>/documents")
class CaseDocuments(MethodView):
    @blp.arguments(DocumentListArgsSchema, location="query")
    @blp.response(200, DocumentSchema(many=True))
    def get(self, args, case_id):
        """The case's documents in the categories the caller sees, newest first."""
        actor = api_actor()
        case = access.get_case_for_documents(actor, case_id)
        return service.documents_for(actor, case, **args)

    @blp.response(201, DocumentSchema)
    @blp.alt_response(413, schema="ErrorsSchema", description="The file is too large")
    @blp.alt_response(422, schema="ErrorsSchema", description="Not an accepted type")
    def post(self, case_id):
        """Add a document: multipart/form-data with ``file``, ``category`` and ``title``.
        PDF, JPEG or PNG, checked by content; metadata is removed before it is stored."""
        actor = api_actor()
        case = access.get_case_for_documents(actor, case_id)
        storage = _file()
        form = UploadFormSchema().load(request.form.to_dict())
        return service.add_document(actor, case, source=storage.stream,
                                    filename=storage.filename, **form)


@blp.route("/documents/<document_id>")
class Document(MethodView):
    @blp.response(200, DocumentSchema)
    def get(self, document_id):
        """A document and its versions."""
        actor = api_actor()
        return service.read_document(actor, access.get_document_for(actor, document_id))


@blp.route("/documents/<document_id>/versions")
class Versions(MethodView):
    @blp.response(201, DocumentVersionSchema)
    @blp.alt_response(413, schema="ErrorsSchema", description="The file is too large")
    def post(self, document_id):
        """Add a new version (multipart/form-data with ``file``); earlier ones stay."""
        actor = api_actor()
        document = access.get_document_for(actor, document_id)
        storage = _file()
        return service.add_version(actor, document, source=storage.stream,
                                   filename=storage.filename)


@blp.route("/documents/<document_id>/versions/<int:number>/content")
class Content(MethodView):
    @blp.arguments(ContentArgsSchema, location="query")
    @blp.response(200, description="The file, streamed")
    def get(self, args, document_id, number):
        """Download a version: streamed in chunks, audited."""
        actor = api_actor()
        document = access.get_document_for(actor, document_id)
        version, chunks = service.open_version(actor, document, number,
                                               for_the_person=args["copy"])
        return transfer.send(version, chunks)
