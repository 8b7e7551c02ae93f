from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from . import access, service
from .schemas import PersonCorrectionInSchema, PersonCorrectionSchema, PanelSchema

blp = Blueprint("api-person", __name__, url_prefix="/api/v1/cases",
                description="The person panel and its corrections (rectification)")


@blp.route("/<case_id>/person")
class Person(MethodView):
    @blp.response(200, PanelSchema)
    def get(self, case_id):
        """Who the person is, as they have told it, with the referral's facts."""
        actor = api_actor()
        case = access.get_case_for_person(actor, case_id)
        return service.panel(actor, case)

    @blp.arguments(PersonCorrectionInSchema)
    @blp.response(200, PanelSchema)
    def patch(self, body, case_id):
        """Correct fields with a reason; validated as at intake, kept in the history."""
        actor = api_actor()
        case = access.get_case_for_person(actor, case_id)
        service.correct(actor, case, **body)
        return service.panel(actor, case)


@blp.route("/<case_id>/person/corrections")
class Corrections(MethodView):
    @blp.response(200, PersonCorrectionSchema(many=True))
    def get(self, case_id):
        """The correction history, newest first."""
        actor = api_actor()
        case = access.get_case_for_person(actor, case_id)
        return service.corrections(actor, case)
