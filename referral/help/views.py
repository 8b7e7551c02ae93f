"""Help pages drawn from the definitions: workflows and rules."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

import workflows
from workflows import jurisdictions
from workflows.diagram import svg, timeline_svg

from ..labels import state_label

bp = Blueprint("help", __name__, url_prefix="/help")


def _event_label(track):
    labels = {t.event: t.label for t in track.transitions if t.label}
    return lambda event: _(labels[event]) if event in labels else event.replace("_", " ")


@bp.route("/workflows")
@login_required
def workflow_diagrams():
    """Each track drawn as a picture (SVG, rendered here from the definitions), and each
    jurisdiction's periods drawn to scale from its table."""
    # Every text in the pictures is escaped where they are drawn (workflows.diagram._esc), and
    # they are drawn only from the definitions and tables, never from user input.
    tracks = [(track, Markup(svg(track, state_label=lambda s: str(state_label(s)),  # nosec B704
                                 event_label=_event_label(track),
                                 title=_(track.description))))
              for track in workflows.tracks().values()]
    labels = {"first_decision_target_days": _("First decision target"),
              "reflection_min_days": _("Reflection period (minimum)"),
              "review_window_days": _("Reconsideration window"),
              "move_on_days": _("Move-on period"), "days": _("%(days)s days")}
    published = list(jurisdictions.REGISTRY.values())
    timelines = [(j, Markup(timeline_svg(j, labels=labels, title=_(j.name))))  # nosec B704
                 for j in published]
    return render_template("help/workflows.html", tracks=tracks, timelines=timelines,
                           jurisdictions=published)


@bp.route("/rules")
@login_required
def rules():
    """Every rule in plain words, one anchor per rule id: refusals link here."""
    from workflows.rules import rules_by_family
    families = [(family, _(heading), [(rule_id, _(title), _(text))
                                      for rule_id, title, text in rows])
                for family, heading, rows in rules_by_family()]
    return render_template("help/rules.html", families=families)
