"""referral: case management and national referral mechanism for victims of trafficking."""
import importlib
import logging
from pathlib import Path

from flask import Flask

from . import config
from .extensions import api, csrf, db, init_limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# Domain areas, each a package with (optionally) models, api (``blp``), views (``bp``),
# and cli (``register(app)``). Adding an area is adding its name here.
AREAS = ("accounts", "audit", "cases", "consent", "services", "shelter", "legal", "returns",
         "reminders", "supervision", "privacy", "statistics", "drafts", "help", "submissions",
         "notes", "documents", "person", "keys", "plans", "missing", "agencies")


def _area_module(area: str, module: str):
    name = f"referral.{area}.{module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name in (name, f"referral.{area}"):
            return None
        raise


def import_models():
    """Import every area's models so the metadata is complete (app, migrations, tests)."""
    for area in AREAS:
        _area_module(area, "models")


def _serve_api_spec_once_built(app):
    """The OpenAPI document is fixed once every blueprint is registered: it is serialised
    on its first request and the same text served after (serialising it took about 25 ms of
    CPU on every request)."""
    endpoint = "api-docs.openapi_json"
    build = app.view_functions.get(endpoint)
    if build is None:
        return
    built = []

    def openapi_json():
        if not built:
            built.append(build().get_data())
        return app.response_class(built[0], mimetype="application/json")

    openapi_json.__doc__ = build.__doc__
    app.view_functions[endpoint] = openapi_json


def create_app(test_config=None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "referral" / "static"))
    config.load(app, test_config)
    from . import serving
    serving.init_app(app)  # innermost: the proxy fix below sees the request first
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s "
                                                   "%(message)s")
    app.config.setdefault("API_TITLE", "referral")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })

    import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    from . import i18n
    i18n.init_app(app)
    init_limiter(app)
    from . import validation
    validation.init_app(app)
    api.init_app(app)

    from .errors import register_error_handlers
    register_error_handlers(app)

    for area in AREAS:
        if (module := _area_module(area, "api")) is not None:
            for name in dir(module):
                if name == "blp" or name.endswith("_blp"):
                    api.register_blueprint(getattr(module, name))
        if (module := _area_module(area, "views")) is not None:
            app.register_blueprint(module.bp)
        if (module := _area_module(area, "cli")) is not None:
            module.register(app)
        if (module := _area_module(area, "hooks")) is not None:
            module.register(app)

    from . import cli, web, webforms
    cli.register(app)
    web.register(app)
    webforms.register(app)

    # Every API request is authenticated by bearer token, not by cookie: exempt from CSRF.
    for name, blueprint in app.blueprints.items():
        if name.startswith("api-") or blueprint.url_prefix and \
                blueprint.url_prefix.startswith("/api/"):
            csrf.exempt(blueprint)

    _serve_api_spec_once_built(app)

    # Last: every view now exists. One transaction per request, under the access policy.
    from . import boundary
    boundary.register(app)

    @app.teardown_request
    def rollback_unfinished(exc):
        if exc is not None:
            db.session.rollback()

    # The keys must fit the database, or the app does not start (referral/keys).
    from .keys.service import check_at_start
    check_at_start(app)
    return app
