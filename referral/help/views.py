from flask import Blueprint, render_template
from flask_login import login_required

import workflows
from workflows import jurisdictions
from workflows.diagram import mermaid

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.route("/workflows")
@login_required
def workflow_diagrams():
    tracks = [(track, mermaid(track)) for track in workflows.tracks().values()]
    return render_template("help/workflows.html", tracks=tracks,
                           jurisdictions=list(jurisdictions.REGISTRY.values()))
