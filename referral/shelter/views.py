from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth import roles_required
from ..extensions import db
from ..web import home_panel
from . import service

bp = Blueprint("shelter", __name__, url_prefix="/shelter")


@bp.route("/residents")
@roles_required("shelter_staff")
def residents():
    view = service.shelter_view(current_user, current_user.agency_id)
    db.session.commit()
    return render_template("shelter/residents.html", residents=view, form=FlaskForm())


@bp.route("/stays/<stay_id>/leave", methods=["POST"])
@roles_required("shelter_staff")
def leave(stay_id):
    stay = service.get_stay_for(current_user, stay_id)
    if FlaskForm().validate_on_submit():
        service.leave(current_user, stay)
        db.session.commit()
        flash("Recorded: the person has left. Leaving is always their choice.", "ok")
    return redirect(url_for("shelter.residents"))


@home_panel("shelter_staff", "Residents", "shelter/panel.html")
def residents_panel(user):
    view = service.shelter_view(user, user.agency_id)
    return {"residents": view,
            "restricted": [r for r in view if not r["is_voluntary"]]}
