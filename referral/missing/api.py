from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from . import access, service
from .schemas import FoundInSchema, MissingEpisodeSchema, MissingInSchema

blp = Blueprint("api-missing", __name__, url_prefix="/api/v1",
                description="Missing episodes: the case stays open, protection holds (MI-1)")


@blp.route("/cases/<case_id>/missing")
class CaseMissing(MethodView):
    @blp.response(200, MissingEpisodeSchema(many=True))
    def get(self, case_id):
        """The case's missing episodes, newest first."""
        actor = api_actor()
        case = access.get_case_for_missing(actor, case_id)
        return service.episodes_of(actor, case)

    @blp.arguments(MissingInSchema)
    @blp.response(201, MissingEpisodeSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, case_id):
        """Record that the person is missing; for a child, alert at once (MI-2)."""
        actor = api_actor()
        case = access.get_case_for_missing(actor, case_id)
        return service.report_missing(actor, case, **body)


@blp.route("/missing/<episode_id>/found")
class Found(MethodView):
    @blp.arguments(FoundInSchema)
    @blp.response(200, MissingEpisodeSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, episode_id):
        """Record that the person was found again: the episode closes (MI-1)."""
        actor = api_actor()
        episode = access.get_episode_for(actor, episode_id)
        return service.report_found(actor, episode, **body)
