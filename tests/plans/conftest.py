"""Helpers for the assistance plan tests: a needs assessment, a risk assessment, a goal with
an action, an agreed plan, each committed as a request would."""
from datetime import timedelta

import pytest

import workflows.plans as rules
from referral.database import utcnow
from referral.extensions import db
from referral.plans import service

# Planted in the person's words; the seal test looks for it in the raw rows.
WORDS_SENTINEL = "SENTINEL-PLAN-WORDS: I want a room where he cannot find me"


def needs_items(**priorities):
    """Every domain not discussed, except those given: ``accommodation="urgent"``."""
    items = {d: {"priority": "not_discussed"} for d in rules.NEED_DOMAINS}
    for domain, priority in priorities.items():
        items[domain] = {"priority": priority,
                         "person_words": f"{WORDS_SENTINEL} ({domain})",
                         "notes": "caseworker's note"}
    return items


def assess_needs(actor, case, **priorities):
    assessment = service.assess_needs(actor, case, items=needs_items(**(priorities or {
        "accommodation": "urgent", "legal": "high", "health": "medium"})),
        language="ro", interpreter_used=True)
    db.session.commit()
    return assessment


RISKS = {"traffickers": "high", "retrafficking": "medium", "self_harm": "low",
         "family": "unknown"}


def assess_risk(actor, case, **extra):
    assessment = service.assess_risk(actor, case, risks=dict(RISKS),
                                     person_view="I am afraid at night",
                                     safety_measures=["secret_address", "safe_phone"],
                                     safety_plan="Secret address; check in daily", **extra)
    db.session.commit()
    return assessment


def action(**extra):
    return {"description": "Find a women-only room", "owner_kind": "caseworker",
            "due_on": (utcnow() + timedelta(days=10)).date(),
            "review_on": (utcnow() + timedelta(days=5)).date(), **extra}


def add_goal(actor, case, domain="accommodation", **extra):
    extra.setdefault("action", action())
    goal = service.add_goal(actor, case, domain=domain, goal="A safe place to live",
                            horizon="short", **extra)
    db.session.commit()
    return goal


def agree(actor, case, **extra):
    values = {"person_present": True, "agreement": "agreed",
              "person_words": "Yes, this is what I want", "language": "ro"}
    values.update(extra)
    version = service.record_agreement(actor, case, **values)
    db.session.commit()
    return version


@pytest.fixture
def planned(caseworker, a_case):
    """A case with needs and risks assessed and one goal with one action (a draft plan)."""
    assess_needs(caseworker, a_case)
    assess_risk(caseworker, a_case)
    return add_goal(caseworker, a_case)
