from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..errors import Unauthorized
from ..extensions import SIGN_IN_LIMIT, db, limiter
from . import service

bp = Blueprint("accounts", __name__)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    otp = StringField("Authentication code", validators=[
        Optional(), Regexp(r"^\d{6}$", message="Enter the 6-digit code")])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data,
                                        form.otp.data or None)
        except Unauthorized as exc:
            form.password.errors.append(exc.message)
        else:
            session.clear()  # a fresh session: nothing carried over from before sign-in
            session["sid"] = service.start_web_session(user)
            login_user(user)
            db.session.commit()
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("home")
            return redirect(target)
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    service.end_web_session(session.pop("sid", None))
    db.session.commit()
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("accounts.login"))
