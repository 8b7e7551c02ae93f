from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from . import access, service
from .schemas import (CaseNoteInSchema, CaseNoteListArgsSchema, CaseNotePageSchema,
                      CaseNoteSchema, NoteCorrectionInSchema, NoteCorrectionSchema)

blp = Blueprint("api-notes", __name__, url_prefix="/api/v1",
                description="Case notes and the contact log (sealed, visible by role)")


@blp.route("/cases/<case_id>/notes")
class CaseNotes(MethodView):
    @blp.arguments(CaseNoteListArgsSchema, location="query")
    @blp.response(200, CaseNotePageSchema)
    def get(self, args, case_id):
        """The notes of the case the caller may read, newest contact first."""
        actor = api_actor()
        case = access.get_case_for_notes(actor, case_id)
        items, total = service.notes_for(actor, case, page=args["page"],
                                         per_page=args["per_page"], kind=args["kind"])
        return {"items": items, "total": total, "page": args["page"],
                "per_page": args["per_page"]}

    @blp.arguments(CaseNoteInSchema)
    @blp.response(201, CaseNoteSchema)
    def post(self, body, case_id):
        """Record a contact (visit, call, interview, accompaniment ...) or a note."""
        actor = api_actor()
        case = access.get_case_for_notes(actor, case_id, write=True)
        note = service.record_contact(actor, case, **body)
        return note


@blp.route("/notes/<note_id>")
class Note(MethodView):
    @blp.response(200, CaseNoteSchema)
    def get(self, note_id):
        """One note with its corrections."""
        actor = api_actor()
        note = access.get_note_for(actor, note_id)
        return service.read_note(actor, note.case, note)

    @blp.arguments(CaseNoteInSchema)
    @blp.response(200, CaseNoteSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="The editing window has passed")
    def patch(self, body, note_id):
        """Its author edits a note within the editing window (409 afterwards)."""
        actor = api_actor()
        note = access.get_note_for(actor, note_id, write=True)
        return service.edit_note(actor, note.case, note, **body)


@blp.route("/notes/<note_id>/corrections")
class Corrections(MethodView):
    @blp.arguments(NoteCorrectionInSchema)
    @blp.response(201, NoteCorrectionSchema)
    def post(self, body, note_id):
        """Append a correction with a reason; the note stays as written."""
        actor = api_actor()
        note = access.get_note_for(actor, note_id, write=True)
        return service.correct_note(actor, note.case, note, **body)
