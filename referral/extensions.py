"""Extensions, created unbound and attached to the app in ``create_app``."""
from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api, Blueprint
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from marshmallow import Schema, fields
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay loaded after commit: a response serialised after the commit must not reload
# every row one by one.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class ErrorsSchema(Schema):
    """The body of every error answer: ``{"errors": {"<field or rule>": ["message"]}}``."""
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw()), required=True)


class ReferralApi(Api):
    ERROR_SCHEMA = ErrorsSchema


api = ReferralApi()


class ArgumentsParser(FlaskParser):
    """Reads ``@blp.arguments(SomeSchema)`` with one instance of the schema for every
    request. Given a class, webargs built a new instance on each request, deep-copying every
    declared field; nothing in an arguments schema depends on the request (a load is given
    its data and options), as with the instances the response decorators hold."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas = {}

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)


# Every area's blueprint parses its arguments with it (set before any area is imported:
# the decorators bind the parser when the area's module loads).
Blueprint.ARGUMENTS_PARSER = ArgumentsParser()

# Sign-in endpoints are rate limited per client address (storage: Redis when REDIS_URL is
# set, memory otherwise; RATELIMIT_STORAGE_URI in config).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _rate_limits_switched_off():
    """The limiter object is shared by every app a process builds; each app's own
    RATELIMIT_ENABLED decides (read per request, so one app cannot switch another's off)."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def init_limiter(app):
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True  # always set up storage; the filter decides
    # The limiter is one object per process; options given for one app's storage must not
    # reach another app's (a memory:// storage takes none).
    limiter._storage_options = {}
    limiter._storage_dead = False  # a new storage: whether it answers is not known yet
    if not str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("redis"):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {}
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = enabled
    manager = limiter.limit_manager
    if not (manager.default_limits or manager.application_limits):
        # Every limit here is on a view, and the view's decorator checks it; the check the
        # limiter also runs before every request looks only for default and application
        # limits, and with none it finds nothing, at 2 % of the service's CPU under load.
        app.before_request_funcs[None].remove(limiter._check_request_limit)
SIGN_IN_LIMIT = "10 per minute;100 per hour"
# Endpoints that check a one-time code for a signed-in user (break the glass, replace the
# MFA device): per user, whatever the address, beside the per-account code throttle.
STEP_UP_LIMIT = "5 per minute;30 per hour"


def signed_in_user_key() -> str:
    """The rate-limit key of a signed-in caller: their user id (bearer token or session)."""
    from flask import request
    from flask_login import current_user
    if request.path.startswith("/api/"):
        from .auth import api_actor
        return f"user:{api_actor().id}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()
