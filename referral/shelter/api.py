from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from ..cases import access as case_access
from ..plain import dumper
from . import access, service
from .access import LEAVE, RESTRICT, RUN
from .schemas import (EndStaySchema, HeldItemInSchema, HeldItemSchema, LeaveSchema,
                      OutingInSchema,
                      OutingSchema, RestrictionInSchema, RestrictionSchema,
                      ShelterArgsSchema, ShelterResidentSchema, StayInSchema, StaySchema)

_residents = dumper(ShelterResidentSchema, many=True)

blp = Blueprint("api-shelter", __name__, url_prefix="/api/v1",
                description="Voluntary shelter stays (SH-1..5)")


@blp.route("/cases/<case_id>/stays")
class CaseStays(MethodView):
    @blp.arguments(StayInSchema)
    @blp.response(201, StaySchema)
    def post(self, body, case_id):
        """Admit to a shelter; admission records consent (SH-1)."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency", for_update=True)
        stay = service.admit(actor, case, **body)
        return stay


@blp.route("/stays")
class Stays(MethodView):
    @blp.arguments(ShelterArgsSchema, location="query")
    @blp.response(200, ShelterResidentSchema(many=True))
    def get(self, args):
        """The shelter view: who stays, voluntary or not, restrictions (SH-3)."""
        actor = api_actor()
        view = service.shelter_view(actor, args["shelter"])
        # Dumped as the schema documents it, without marshmallow per row; returned finished.
        return jsonify(_residents(view))


@blp.route("/stays/<stay_id>/leave")
class Leave(MethodView):
    @blp.arguments(LeaveSchema)
    @blp.response(200, StaySchema)
    def post(self, body, stay_id):
        """The person leaves. Always allowed, no precondition (SH-1)."""
        actor = api_actor()
        stay = access.get_stay_for(actor, stay_id, LEAVE)
        service.leave(actor, stay, body.get("note"), reason_code=body["reason_code"],
                      person_view=body.get("person_view"))
        return stay


@blp.route("/stays/<stay_id>/end")
class EndStay(MethodView):
    @blp.arguments(EndStaySchema)
    @blp.response(200, StaySchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, stay_id):
        """The shelter ends a stay: an adverse step with reasons and the person's view
        (ID-6), never for not cooperating (NC-3)."""
        actor = api_actor()
        stay = access.get_stay_for(actor, stay_id, LEAVE)
        return service.end_stay(actor, stay, **body)


@blp.route("/stays/<stay_id>/restrictions")
class Restrictions(MethodView):
    @blp.arguments(RestrictionInSchema)
    @blp.response(201, RestrictionSchema)
    def post(self, body, stay_id):
        """Record an exceptional, dated restriction of movement (SH-2)."""
        actor = api_actor()
        stay = access.get_stay_for(actor, stay_id, RESTRICT)
        restriction = service.impose_restriction(actor, stay, **body)
        return restriction


@blp.route("/stays/<stay_id>/outings")
class Outings(MethodView):
    @blp.arguments(OutingInSchema)
    @blp.response(201, OutingSchema)
    def post(self, body, stay_id):
        """Going to court, a lawyer or a doctor: always allowed (SH-5)."""
        actor = api_actor()
        stay = access.get_stay_for(actor, stay_id, RUN)
        outing = service.go_out(actor, stay, body["purpose"])
        return outing


@blp.route("/stays/<stay_id>/held-items")
class HeldItems(MethodView):
    @blp.arguments(HeldItemInSchema)
    @blp.response(201, HeldItemSchema)
    def post(self, body, stay_id):
        """Log a document, phone or key held by the shelter (SH-4)."""
        actor = api_actor()
        stay = access.get_stay_for(actor, stay_id, RUN)
        item = service.log_held_item(actor, stay, **body)
        return item


@blp.route("/held-items/<item_id>/return")
class ReturnItem(MethodView):
    @blp.response(200, HeldItemSchema)
    def post(self, item_id):
        """Return a held item on request: never refused (SH-4)."""
        actor = api_actor()
        item = access.get_item_for(actor, item_id)
        service.return_held_item(actor, item)
        return item
