from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from ..cases import access as case_access
from . import access, service
from .schemas import (ConsentInSchema, ConsentSchema, OverrideInSchema, OverrideSchema,
                      WithdrawSchema)

blp = Blueprint("api-consent", __name__, url_prefix="/api/v1",
                description="The consent ledger (CO-1..5)")


@blp.route("/cases/<case_id>/consents")
class CaseConsents(MethodView):
    @blp.response(200, ConsentSchema(many=True))
    def get(self, case_id):
        """Every consent on the case, withdrawn ones included."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="file", reading="consents")
        return service.consents_of(case)

    @blp.arguments(ConsentInSchema)
    @blp.response(201, ConsentSchema)
    def post(self, body, case_id):
        """Record informed consent for one purpose and one recipient (CO-1)."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        consent = service.give_consent(actor, case, **body)
        return consent


@blp.route("/consents/<consent_id>/withdraw")
class Withdraw(MethodView):
    @blp.arguments(WithdrawSchema)
    @blp.response(200, ConsentSchema)
    def post(self, body, consent_id):
        """Withdraw a consent: effective at once, referrals revoked, recipients told (CO-2)."""
        actor = api_actor()
        consent = access.get_consent_for(actor, consent_id)
        service.withdraw_consent(actor, consent, body.get("note"))
        return consent


@blp.route("/cases/<case_id>/consent-overrides")
class Overrides(MethodView):
    @blp.arguments(OverrideInSchema)
    @blp.response(201, OverrideSchema)
    def post(self, body, case_id):
        """Ask to act without consent (CO-4): a supervisor must approve."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        row = service.request_override(actor, case, **body)
        return row


@blp.route("/consent-overrides/<override_id>/approve")
class ApproveOverride(MethodView):
    @blp.response(200, OverrideSchema)
    def post(self, override_id):
        """A supervisor approves a requested override (CO-4)."""
        actor = api_actor()
        row = access.get_override_for(actor, override_id)
        service.approve_override(actor, row)
        return row
