from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..auth import roles_required
from ..boundary import attempt
from ..errors import Invalid, Unauthorized
from ..extensions import SIGN_IN_LIMIT, STEP_UP_LIMIT, limiter, signed_in_user_key
from ..i18n import LANGUAGES
from ..web import local_redirect
from . import access, service

bp = Blueprint("accounts", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    otp = StringField(_l("Authentication code"), validators=[
        Optional(), Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code"))])


# The sign-in refusals of service.authenticate, as the sign-in page words them. The API gives
# the service's English message; a message missing here shows as the service words it.
SIGN_IN_REFUSALS = {
    "wrong username, password or code": _l("Wrong username, password or code."),
    "too many failed attempts; try again in a few minutes": _l(
        "Too many failed attempts; try again in a few minutes."),
    "multi-factor authentication must be set up for this account": _l(
        "Two-step sign-in must be set up for this account."),
}


class LanguageForm(FlaskForm):
    # Each language is named in its own words, so it can be found by someone who reads it.
    locale = SelectField(_l("Language"), choices=[
        SelectChoice("", _l("The one my browser asks for"))] + [
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data,
                                        form.otp.data or None)
        except Unauthorized as exc:
            form.password.errors.append(SIGN_IN_REFUSALS.get(exc.message, exc.localized()))
        else:
            session.clear()  # a fresh session: nothing carried over from before sign-in
            session["sid"] = service.start_web_session(user)
            login_user(user)
            if service.mfa_required_by_role(user) and not user.mfa_secret:
                flash(_("Your role needs two-step sign-in. Set it up now."), "error")
                return redirect(url_for("accounts.mfa"))
            return local_redirect(request.args.get("next"), url_for("home"))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    service.end_web_session(session.pop("sid", None))
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("accounts.login"))


class MfaForm(FlaskForm):
    otp = StringField(_l("Code shown in your app"), validators=[
        DataRequired(), Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code"))])
    current_otp = StringField(_l("Code from the app you use now"), validators=[
        Optional(), Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code"))])


@bp.route("/account/mfa", methods=["GET", "POST"])
@login_required
@limiter.limit(STEP_UP_LIMIT, key_func=signed_in_user_key, methods=["POST"])
def mfa():
    """Set up two-step sign-in: scan or type the key into an authenticator app, then prove
    it with one code. The key waits on the server, in this browser's session row (never in
    the cookie), until it is confirmed."""
    form = MfaForm()
    secret = service.pending_mfa_secret(session.get("sid"), fresh=request.method == "GET")
    if secret is None:  # no server-side session behind this browser: sign in again
        raise Unauthorized()
    if form.validate_on_submit():
        try:
            with attempt():
                service.confirm_mfa_enrolment(current_user, secret, form.otp.data,
                                              form.current_otp.data or None)
        except Invalid as exc:
            getattr(form, exc.key, form.otp).errors.append(exc.localized())
        else:
            service.clear_pending_mfa(session.get("sid"))
            flash(_("Two-step sign-in is on. You will be asked for a code each time."), "ok")
            return redirect(url_for("home"))
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("accounts/mfa.html", form=form, secret=grouped,
                           uri=service.provisioning_uri(current_user, secret),
                           enrolled=bool(current_user.mfa_secret)), 400 if form.errors else 200


@bp.route("/account/language", methods=["GET", "POST"])
@login_required
def language():
    """The language of the web pages for this user (saved, so it follows them)."""
    form = LanguageForm(locale=current_user.locale or "")
    if form.validate_on_submit():
        current_user.locale = form.locale.data
        refresh()  # this response is already in the new language
        flash(_("Language saved."), "ok")
        return redirect(url_for("accounts.language"))
    return render_template("accounts/language.html", form=form), 400 if form.errors else 200


# Labels of the checks a pause can be on (AuthThrottle.purpose).
CHECK_LABELS = {
    "password": _l("Password"),
    "sign_in": _l("Code at sign-in"),
    "break_glass": _l("Code to break the glass"),
    "mfa_change": _l("Code to replace the phone"),
    "step_up": _l("Code to confirm an action"),
}


@bp.route("/account/sign-in-locks")
@roles_required("admin")
def sign_in_locks():
    """Pauses in force on the sign-in or codes of the agency's staff, to lift when the
    person asks (they were not the one guessing) or after a password reset."""
    return render_template("accounts/locks.html", rows=service.sign_in_locks(current_user),
                           labels=CHECK_LABELS)


@bp.route("/account/sign-in-locks/<user_id>/lift", methods=["POST"])
@roles_required("admin")
def lift_sign_in_locks(user_id):
    user = access.get_user_for_admin(current_user, user_id)
    service.unlock(current_user, user)
    flash(_("%(name)s can sign in again.", name=user.display_name), "ok")
    return redirect(url_for("accounts.sign_in_locks"))
