import pytest

from referral.boundary import unit_of_work
from referral.cases import decisions, service
from referral.extensions import db


def decide(actor, case, kind="identification", outcome="positive", **extra):
    fields = {"decision_maker": "NRM competent authority",
              "reasons": "indicators of act, means and purpose are all present",
              "language_explained_in": "ro", "evidence": ["interview notes"]}
    if outcome == "negative" and kind in decisions.IDENTIFICATION_KINDS:
        fields.update(reasons="no exploitation purpose was found", reason_codes=[
            "no_exploitation_purpose"], person_view="disagrees and will ask for a review")
    if case.is_child:
        fields.update(child_views="wants to stay in school", best_interests="safe placement")
    fields.update(extra)
    decision = decisions.record_decision(actor, case, kind=kind, outcome=outcome, **fields)
    db.session.commit()
    return decision


def transition(actor, case, track, event, **kwargs):
    """One step, as a request would take it: committed, or refused with what the refusal
    keeps (its audit entry, the attempt supervisors see) written."""
    with unit_of_work():
        return service.apply_transition(actor, case, track, event, **kwargs)


@pytest.fixture
def decide_fn():
    return decide
