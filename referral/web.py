"""Web shell: user loading, the home page per role, security headers."""
import re
from urllib.parse import unquote, urlsplit

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .extensions import login_manager
from .labels import N_

# Home panels by role: (role, title, template, context function(user) -> dict). Titles are
# lazy strings (``lazy_gettext``), translated when the page renders.
# Areas add theirs with ``home_panel``; the home page shows those of the user's roles.
_HOME_PANELS = []


# Browsers drop ASCII tab and newlines anywhere in a URL and read a backslash as a slash,
# so ``/\t/evil``, ``/\\evil`` or ``/%09/evil`` (decoded) become ``//evil``: another site.
_NOT_IN_A_LOCAL_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


def is_local_path(target: str | None) -> bool:
    """True only for a path on this site: starts with one ``/``, no scheme or host however
    it is parsed, no control character or backslash, and still so once decoded."""
    if not target or _NOT_IN_A_LOCAL_PATH.search(target):
        return False
    decoded = target
    for _ in range(3):  # doubly encoded forms too
        decoded = unquote(decoded)
    for candidate in (target, decoded):
        if _NOT_IN_A_LOCAL_PATH.search(candidate):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc or not candidate.startswith("/") \
                or candidate.startswith("//"):
            return False
    return True


def local_redirect(target: str | None, fallback: str):
    """Redirect to ``target`` only if it is a path on this site (``is_local_path``)."""
    return redirect(target if is_local_path(target) else fallback)


def add_error(field, message):
    """Show ``message`` under a form field, whether or not the form was validated yet
    (WTForms keeps an unvalidated field's errors as a tuple)."""
    field.errors = [*field.errors, message]


def home_panel(role: str, title: str, template: str):
    def wrap(context):
        _HOME_PANELS.append((role, title, template, context))
        return context
    return wrap


# Main navigation: (label, endpoint, roles that see it). Links to pages that do not exist in
# this build are left out. Labels are lazy: translated per request, in the reader's language.
NAV_LINKS = [
    (_l("Cases"), "cases.case_list", ("caseworker", "supervisor")),
    (_l("New referral"), "cases.new_referral", ("caseworker", "supervisor")),
    (_l("My follow-ups"), "reminders.my_follow_ups", ("caseworker",)),
    (_l("Residents"), "shelter.residents", ("shelter_staff",)),
    (_l("Legal matters"), "legal.legal_aid_view", ("legal_aid",)),
    (_l("Referrals received"), "services.received", ("shelter_staff", "legal_aid")),
    (_l("Supervision"), "supervision.dashboard", ("supervisor",)),
    (_l("Statistics"), "statistics.overview", ("supervisor", "auditor", "admin")),
    (_l("Break-the-glass reviews"), "privacy.reviews", ("supervisor",)),
    (_l("Audit trail"), "audit.search", ("auditor", "dpo")),
    (_l("Break-the-glass alerts"), "privacy.alerts", ("dpo",)),
    (_l("Staff accounts"), "accounts.admin_users", ("admin",)),
    (_l("Agencies"), "accounts.admin_agencies", ("admin",)),
    (_l("Service directory"), "services.admin_providers", ("admin", "supervisor")),
    (_l("Sign-in locks"), "accounts.sign_in_locks", ("admin",)),
    (_l("Two-step sign-in"), "accounts.mfa", ("caseworker", "supervisor", "shelter_staff",
                                             "legal_aid", "admin", "auditor", "dpo")),
    (_l("How cases move"), "help.workflow_diagrams", ("caseworker", "supervisor",
                                                     "shelter_staff", "legal_aid", "admin",
                                                     "auditor", "dpo")),
]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def register(app):
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id):
        # The cookie names a server-side session; the session decides (idle, absolute,
        # revoked), and it must belong to the user the cookie claims.
        from .accounts.service import resume_web_session
        from .auth import web_session_id
        user = resume_web_session(web_session_id())
        return user if user is not None and user.get_id() == user_id else None

    @app.route("/")
    @login_required
    def home():
        panels = [(title, template, context(current_user))
                  for role, title, template, context in _HOME_PANELS
                  if current_user.has_role(role)]
        return render_template("home.html", panels=panels)

    @app.before_request
    def refuse_nul_characters():
        """A NUL character is never meaningful input and PostgreSQL cannot store it."""
        from flask import request
        from .errors import Invalid
        if request.mimetype == "multipart/form-data":
            # Files are binary (NUL bytes are normal there) and may be large: Werkzeug spools
            # them to temporary files; only the text fields are checked, never read whole.
            text = [value for _, value in request.form.items(multi=True)]
            found = any("\x00" in value for value in text)
        elif request.content_length or "Transfer-Encoding" in request.headers:
            data = request.get_data(cache=True) or b""
            found = b"\x00" in data or b"\\u0000" in data
        else:
            found = False  # no body (most requests): nothing to read
        if (found or "\x00" in request.path
                or any("\x00" in value for value in request.args.values())):
            raise Invalid("request", N_("contains a NUL character"))

    @app.route("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), "
                                                          "geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # Any answer may carry personal data (API answers to bearer tokens included): no
        # browser, proxy or shared cache keeps one. Only the static files may be cached.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        hsts = app.config.get("HSTS_SECONDS") or 0
        if hsts:
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={int(hsts)}; includeSubDomains")
        return response

    from .submissions.service import hidden_field
    app.jinja_env.globals["idempotency_field"] = hidden_field

    @app.context_processor
    def navigation():
        if not current_user.is_authenticated:
            return {"role_names": [], "nav_links": []}
        links = [(label, endpoint) for label, endpoint, roles in NAV_LINKS
                 if endpoint in app.view_functions and current_user.has_role(*roles)]
        return {"role_names": sorted(r.value for r in current_user.roles), "nav_links": links}

    app.add_url_rule("/index", "index", lambda: redirect(url_for("home")))
