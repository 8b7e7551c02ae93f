from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from . import service
from .schemas import DashboardSchema

blp = Blueprint("api-supervision", __name__, url_prefix="/api/v1/supervision",
                description="Supervisor dashboard")


@blp.route("/overdue")
class Overdue(MethodView):
    @blp.response(200, DashboardSchema)
    def get(self):
        """Overdue follow-ups (riskiest, then longest overdue, first), reflection periods
        ending with no next step, restrictions in force, refused NC-3 attempts."""
        data = service.dashboard(api_actor())
        return data
