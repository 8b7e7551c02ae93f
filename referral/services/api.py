from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor
from ..cases import access as case_access
from . import access, service
from .models import SERVICES
from .schemas import (OfferInSchema, OfferSchema, ProviderArgsSchema, ProviderChangeSchema,
                      ProviderSchema,
                      RecipientReferralSchema, ReferralInSchema, ReferralSchema,
                      ServiceSchema, StepSchema, OfferAnswerSchema)

blp = Blueprint("api-services", __name__, url_prefix="/api/v1",
                description="Service catalogue, provider directory, referrals, offers")


@blp.route("/services")
class Services(MethodView):
    @blp.response(200, ServiceSchema(many=True))
    def get(self):
        """The service catalogue."""
        api_actor()
        return [{"code": code, "name": name} for code, name in SERVICES.items()]


@blp.route("/providers")
class Providers(MethodView):
    @blp.arguments(ProviderArgsSchema, location="query")
    @blp.response(200, ProviderSchema(many=True))
    def get(self, args):
        """The provider directory, optionally by service or language."""
        api_actor()
        return service.list_providers(**args)

    @blp.arguments(ProviderSchema)
    @blp.response(201, ProviderSchema)
    def post(self, body):
        """Add a provider (administrators and supervisors)."""
        provider = service.save_provider(api_actor(), body)
        return provider


@blp.route("/providers/<provider_id>")
class ProviderItem(MethodView):
    @blp.response(200, ProviderSchema)
    def get(self, provider_id):
        """One entry of the directory."""
        return access.get_provider_for(api_actor(), provider_id)

    @blp.arguments(ProviderChangeSchema)
    @blp.response(200, ProviderSchema)
    def patch(self, body, provider_id):
        """Change a directory entry: only the fields sent (administrators and supervisors;
        linking it to an agency, administrators only)."""
        actor = api_actor()
        return service.save_provider(actor, body, access.get_provider_for(actor, provider_id))


@blp.route("/providers/hsds")
class ProvidersHSDS(MethodView):
    @blp.response(200)
    def get(self):
        """The directory as Open Referral HSDS JSON."""
        api_actor()
        return service.hsds_export()


@blp.route("/cases/<case_id>/referrals")
class CaseReferrals(MethodView):
    @blp.response(200, ReferralSchema(many=True))
    def get(self, case_id):
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="file", reading="referrals")
        return service.referrals_of(case)

    @blp.arguments(ReferralInSchema)
    @blp.response(201, ReferralSchema)
    def post(self, body, case_id):
        """Refer to a provider; needs consent for that provider (CO-1)."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        referral = service.make_referral(actor, case, **body)
        return referral


@blp.route("/referrals/received")
class ReceivedReferrals(MethodView):
    @blp.response(200, RecipientReferralSchema(many=True))
    def get(self):
        """Referrals to the caller's own organisation, as a recipient may see them."""
        return service.received_referrals(api_actor())


@blp.route("/referrals/<referral_id>/<any(accept,reject,complete,revoke):step>")
class ReferralStep(MethodView):
    @blp.arguments(StepSchema)
    @blp.response(200, ReferralSchema)
    def post(self, body, referral_id, step):
        """Accept, reject (with reasons), complete or revoke a referral."""
        actor = api_actor()
        referral = access.get_referral_for(actor, referral_id, service.side_of(step))
        service.referral_step(actor, referral, step, **body)
        return referral


@blp.route("/cases/<case_id>/offers")
class Offers(MethodView):
    @blp.arguments(OfferInSchema)
    @blp.response(201, OfferSchema)
    def post(self, body, case_id):
        """Offer a service to the person."""
        actor = api_actor()
        case = case_access.get_case_for(actor, case_id, need="agency")
        offer = service.offer_service(actor, case, **body)
        return offer


@blp.route("/offers/<offer_id>/<any(accept,decline,withdraw):answer>")
class OfferAnswer(MethodView):
    @blp.arguments(OfferAnswerSchema)
    @blp.response(200, OfferSchema)
    @blp.alt_response(409, schema="ErrorsSchema", description="Refused: names the rule")
    def post(self, body, offer_id, answer):
        """The person accepts or declines, or the agency withdraws the offer; declining
        changes nothing else (CO-3); accepting needs consent (CO-1)."""
        actor = api_actor()
        offer = access.get_offer_for(actor, offer_id)
        service.answer_offer(actor, offer, answer, **body)
        return offer
