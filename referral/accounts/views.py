from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import (PasswordField, SelectChoice, SelectField, SelectMultipleField,
                     StringField)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..auth import roles_required, web_session_id
from ..boundary import attempt
from ..errors import Forbidden, Invalid, Unauthorized
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
    secret = service.pending_mfa_secret(web_session_id(), fresh=request.method == "GET")
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
            service.clear_pending_mfa(web_session_id())
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


# -- the user's own page: password, sessions, language and time zone (F18) -----------------

ROLE_LABELS = {
    "caseworker": _l("Caseworker"),
    "shelter_staff": _l("Shelter staff"),
    "legal_aid": _l("Legal aid"),
    "supervisor": _l("Supervisor"),
    "admin": _l("Administrator"),
    "auditor": _l("Auditor"),
    "dpo": _l("Data protection officer"),
}

AGENCY_KIND_LABELS = {
    "ngo": _l("NGO"),
    "shelter": _l("Shelter"),
    "legal_aid": _l("Legal aid"),
    "authority": _l("Authority"),
    "competent_authority": _l("Competent authority"),
}


def agency_kind_choices():
    """Every kind the agency model defines (another area may add kinds), labelled."""
    from .models import AgencyKind
    return [(kind.value, AGENCY_KIND_LABELS.get(kind.value, kind.value.replace("_", " ")))
            for kind in AgencyKind]


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=1024)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(),
                                                                  Length(max=1024)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(),
                                                                  Length(max=1024)])


def _time_zone_choices():
    from zoneinfo import available_timezones
    return [SelectChoice("", _l("The service's time zone (UTC)"))] + [
        SelectChoice(zone, zone) for zone in sorted(available_timezones())
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/"))]


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[
        SelectChoice("", _l("The one my browser asks for"))] + [
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()])
    time_zone = SelectField(_l("Time zone"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = _time_zone_choices()


def _own_page(password_form=None, preferences_form=None, status=200):
    from ..accounts.service import is_current_session, live_sessions, live_tokens
    sid = web_session_id()
    sessions = [(row, is_current_session(row, sid)) for row in live_sessions(current_user)]
    return render_template(
        "accounts/account.html", password_form=password_form or PasswordForm(),
        preferences_form=preferences_form or PreferencesForm(
            locale=current_user.locale or "", time_zone=current_user.time_zone or ""),
        sessions=sessions, tokens=live_tokens(current_user), form=FlaskForm(),
        role_labels=ROLE_LABELS), status


@bp.route("/account")
@login_required
def account():
    """The user's own page: who they are, their password, where they are signed in, their
    language and time zone."""
    return _own_page()


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit(STEP_UP_LIMIT, key_func=signed_in_user_key, methods=["POST"])
def change_password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _own_page(password_form=form, status=400)
    try:
        with attempt():
            service.change_own_password(current_user, form.current_password.data,
                                        form.new_password.data, form.confirm.data)
    except Invalid as exc:
        getattr(form, exc.key, form.new_password).errors.append(exc.localized())
        return _own_page(password_form=form, status=400)
    # Every session ended with the change; this browser starts a new one.
    user = current_user._get_current_object()
    session.clear()
    session["sid"] = service.start_web_session(user)
    login_user(user)
    flash(_("Password changed. You are signed out everywhere else."), "ok")
    return redirect(url_for("accounts.account"))


@bp.route("/account/preferences", methods=["POST"])
@login_required
def preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _own_page(preferences_form=form, status=400)
    try:
        with attempt():
            service.set_preferences(current_user, locale=form.locale.data,
                                    time_zone=form.time_zone.data)
    except Invalid as exc:
        getattr(form, exc.key, form.time_zone).errors.append(exc.localized())
        return _own_page(preferences_form=form, status=400)
    refresh()
    flash(_("Saved."), "ok")
    return redirect(url_for("accounts.account"))


@bp.route("/account/sessions/<session_id>/end", methods=["POST"])
@login_required
def end_own_session(session_id):
    row = access.get_session_for(current_user, current_user, session_id)
    if FlaskForm().validate_on_submit():
        service.end_session(current_user, row, "signed_out")
        flash(_("That session is ended."), "ok")
    return redirect(url_for("accounts.account"))


@bp.route("/account/tokens/<token_id>/revoke", methods=["POST"])
@login_required
def revoke_own_token(token_id):
    row = access.get_token_for(current_user, current_user, token_id)
    if FlaskForm().validate_on_submit():
        service.end_token(current_user, row)
        flash(_("That token is revoked."), "ok")
    return redirect(url_for("accounts.account"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    if FlaskForm().validate_on_submit():
        service.sign_out_everywhere(current_user, keep=web_session_id())
        flash(_("You are signed out everywhere else, and your API tokens are revoked."), "ok")
    return redirect(url_for("accounts.account"))


# -- the administration console: users, roles, sessions, tokens, MFA resets, agencies -------

class NewUserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80),
                                                       Regexp(r"^[A-Za-z0-9._-]+$", message=_l(
                                                           "Letters, digits, dot, dash or "
                                                           "underscore"))])
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    password = PasswordField(_l("First password"), validators=[DataRequired(),
                                                                Length(max=1024)])
    roles = SelectMultipleField(_l("Roles"), choices=[], validators=[DataRequired(
        message=_l("Give at least one role"))], option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = list(ROLE_LABELS.items())


class RolesForm(FlaskForm):
    roles = SelectMultipleField(_l("Roles"), choices=[], validators=[DataRequired(
        message=_l("Give at least one role"))], option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = list(ROLE_LABELS.items())


class AgencyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[], validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = agency_kind_choices()


@bp.route("/admin/users", methods=["GET", "POST"])
@roles_required("admin")
def admin_users():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            with attempt():
                user = service.admin_create_user(
                    current_user, username=form.username.data, password=form.password.data,
                    display_name=form.display_name.data, email=form.email.data,
                    roles=form.roles.data)
        except Invalid as exc:
            getattr(form, exc.key, form.username).errors.append(exc.localized())
        else:
            flash(_("Account created for %(name)s.", name=user.display_name), "ok")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return render_template("accounts/admin_users.html", form=form,
                           users=service.agency_users(current_user),
                           resets=service.pending_mfa_resets(current_user),
                           role_labels=ROLE_LABELS), 400 if form.errors else 200


def _admin_user_page(user, roles_form=None, status=200):
    return render_template(
        "accounts/admin_user.html", user=user,
        roles_form=roles_form or RolesForm(roles=[r.value for r in user.roles]),
        sessions=service.live_sessions(user), tokens=service.live_tokens(user),
        reset=service.pending_mfa_reset(user), form=FlaskForm(),
        role_labels=ROLE_LABELS), status


@bp.route("/admin/users/<user_id>")
@roles_required("admin")
def admin_user(user_id):
    return _admin_user_page(access.get_user_for_admin(current_user, user_id))


@bp.route("/admin/users/<user_id>/roles", methods=["POST"])
@roles_required("admin")
def admin_user_roles(user_id):
    user = access.get_user_for_admin(current_user, user_id)
    form = RolesForm()
    if form.validate_on_submit():
        try:
            with attempt():
                service.set_roles(current_user, user, form.roles.data)
        except Invalid as exc:
            form.roles.errors.append(exc.localized())
        else:
            flash(_("Roles saved. The person signs in again to use them."), "ok")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return _admin_user_page(user, roles_form=form, status=400)


def _refused(exc):
    flash(_("Not done: %(message)s", message=exc.localized()), "error")


@bp.route("/admin/users/<user_id>/active", methods=["POST"])
@roles_required("admin")
def admin_user_active(user_id):
    user = access.get_user_for_admin(current_user, user_id)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                if request.form.get("active") == "yes":
                    service.reactivate(current_user, user)
                    flash(_("%(name)s can sign in again.", name=user.display_name), "ok")
                elif request.form.get("active") == "no":
                    service.deactivate(current_user, user)
                    flash(_("%(name)s is deactivated and signed out everywhere.",
                            name=user.display_name), "ok")
        except (Invalid, Forbidden) as exc:
            _refused(exc)
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/users/<user_id>/sessions/<session_id>/end", methods=["POST"])
@roles_required("admin")
def admin_end_session(user_id, session_id):
    user = access.get_user_for_admin(current_user, user_id)
    row = access.get_session_for(current_user, user, session_id)
    if FlaskForm().validate_on_submit():
        service.end_session(current_user, row)
        flash(_("That session is ended."), "ok")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/users/<user_id>/tokens/<token_id>/revoke", methods=["POST"])
@roles_required("admin")
def admin_revoke_token(user_id, token_id):
    user = access.get_user_for_admin(current_user, user_id)
    row = access.get_token_for(current_user, user, token_id)
    if FlaskForm().validate_on_submit():
        service.end_token(current_user, row)
        flash(_("That token is revoked."), "ok")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/users/<user_id>/mfa-reset", methods=["POST"])
@roles_required("admin")
def admin_mfa_reset(user_id):
    user = access.get_user_for_admin(current_user, user_id)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                service.request_mfa_reset(current_user, user)
        except (Invalid, Forbidden) as exc:
            _refused(exc)
        else:
            flash(_("Reset asked. A second administrator must approve it."), "ok")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/mfa-resets/<reset_id>", methods=["POST"])
@roles_required("admin")
def admin_mfa_reset_decide(reset_id):
    row = access.get_mfa_reset_for_admin(current_user, reset_id)
    if FlaskForm().validate_on_submit():
        try:
            with attempt():
                if request.form.get("decision") == "approve":
                    service.approve_mfa_reset(current_user, row)
                    flash(_("Two-step sign-in reset for %(name)s. They set it up again at "
                            "their next sign-in.", name=row.user.display_name), "ok")
                elif request.form.get("decision") == "cancel":
                    service.cancel_mfa_reset(current_user, row)
                    flash(_("Reset cancelled."), "ok")
        except (Invalid, Forbidden) as exc:
            _refused(exc)
    return redirect(url_for("accounts.admin_user", user_id=row.user_id))


@bp.route("/admin/agencies", methods=["GET", "POST"])
@roles_required("admin")
def admin_agencies():
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            with attempt():
                agency = service.admin_create_agency(current_user, form.name.data,
                                                     form.kind.data)
        except Invalid as exc:
            getattr(form, exc.key, form.name).errors.append(exc.localized())
        else:
            flash(_("Agency %(name)s added.", name=agency.name), "ok")
            return redirect(url_for("accounts.admin_agencies"))
    return render_template("accounts/admin_agencies.html", form=form,
                           agencies=service.agencies(),
                           kinds=dict(agency_kind_choices())), 400 if form.errors else 200
