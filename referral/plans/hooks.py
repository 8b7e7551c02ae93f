"""The assistance plan's codes named in the reader's language, as page filters."""
import workflows.plans as rules


def _labelled(table):
    from flask_babel import gettext

    def label(code):
        return gettext(table[code]) if code in table else (code or "").replace("_", " ")
    return label


FILTERS = {
    "need_domain": rules.NEED_DOMAINS, "priority": rules.PRIORITIES,
    "risk_name": rules.RISKS, "risk_level": rules.RISK_LEVELS,
    "safety_measure": rules.SAFETY_MEASURES, "owner_kind": rules.OWNER_KINDS,
    "horizon": rules.GOAL_HORIZONS, "goal_status": rules.GOAL_STATUSES,
    "action_status": rules.ACTION_STATUSES, "plan_status": rules.PLAN_STATUSES,
    "agreement": rules.AGREEMENT, "version_reason": rules.VERSION_REASONS,
    "review_reason": rules.REVIEW_REASONS, "feedback_kind": rules.FEEDBACK_KINDS,
    "feedback_moment": rules.FEEDBACK_MOMENTS, "feedback_topic": rules.FEEDBACK_TOPICS,
    "feedback_rating": rules.FEEDBACK_RATINGS,
}


def register(app):
    for name, table in FILTERS.items():
        app.jinja_env.filters[name] = _labelled(table)
