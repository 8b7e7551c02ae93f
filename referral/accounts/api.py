from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import api_actor, api_token
from ..extensions import SIGN_IN_LIMIT, limiter
from . import access, service
from .schemas import (MeSchema, SignInLockSchema, TokenRequestSchema, TokenSchema,
                      UnlockSchema)

blp = Blueprint("api-auth", __name__, url_prefix="/api/v1/auth",
                description="Sign in for the API: bearer tokens")


@blp.route("/tokens")
class Tokens(MethodView):
    decorators = [limiter.limit(SIGN_IN_LIMIT, methods=["POST"])]

    @blp.arguments(TokenRequestSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(429, schema="ErrorsSchema", description="Too many attempts")
    @blp.doc(security=[])
    def post(self, body):
        """Exchange a username, password (and TOTP code where required) for a token."""
        user = service.authenticate(body["username"], body["password"], body.get("otp"))
        token, row = service.issue_token(user)
        return {"token": token, "expires_at": row.expires_at}


@blp.route("/tokens/current")
class CurrentToken(MethodView):
    @blp.response(204)
    def delete(self):
        """Revoke the token this request carries."""
        actor = api_actor()
        service.revoke_token(api_token(), actor)


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """The signed-in user, agency and roles."""
        return api_actor()


admin_blp = Blueprint("api-accounts", __name__, url_prefix="/api/v1",
                      description="Account administration: sign-in locks")


@admin_blp.route("/sign-in-locks")
class SignInLocks(MethodView):
    @admin_blp.response(200, SignInLockSchema(many=True))
    def get(self):
        """Pauses in force on the sign-in or codes of the administrator's agency's users."""
        return service.sign_in_locks(api_actor())


@admin_blp.route("/users/<user_id>/sign-in-locks")
class UserSignInLocks(MethodView):
    @admin_blp.response(200, UnlockSchema)
    def delete(self, user_id):
        """Lift every pause on the user's sign-in and codes, from every address."""
        actor = api_actor()
        return {"lifted": service.unlock(actor, access.get_user_for_admin(actor, user_id))}
