"""The transitions overview gathers every track's facts once per request (``facts_by_track``)
and reads the rows several providers need in one statement. Its answer must be exactly what
asking each track for its facts on its own gives, with the consent and closure facts read as
they always were (``valid_consent``, ``approved_override``, one query per fact): the same
allowed events, the same refusals with the same rule ids and messages, for every role."""
from datetime import timedelta

import pytest
from sqlalchemy import exists, select

import workflows
from workflows import COOPERATION_FACTS, jurisdictions

from referral.cases import access, facts as facts_module, service
from referral.consent import service as consent_service
from referral.database import utcnow
from referral.extensions import db
from referral.reminders.service import plan_deadline
from tests.cases.conftest import decide, transition
from tests.factories import create_case, create_provider, create_user, give_consent


def legacy_consent_facts(case) -> dict:
    """The consent facts as they were computed before they shared one statement."""
    from referral.consent.models import Consent
    from referral.services.models import Provider
    consent_ok = any(
        c.provider_id and "accommodation" in (db.session.get(Provider, c.provider_id)
                                              .services or [])
        for c in db.session.scalars(select(Consent).where(
            Consent.case_id == case.id, Consent.purpose == "service",
            Consent.withdrawn_at.is_(None))).all()
        if c.is_valid_at(utcnow()))
    return {
        "has_service_consent": consent_service.has_valid_consent(case, "service"),
        "has_admission_consent": consent_ok or bool(
            consent_service.approved_override(case.id, "service")),
        "has_handover_consent": consent_service.has_valid_consent(case,
                                                                  "cross_border_transfer"),
    }


def legacy_closure_facts(case) -> dict:
    from referral.cases.models import Decision
    from referral.reminders.models import Deadline, DeadlineStatus
    since = utcnow() - timedelta(days=jurisdictions.for_case(case).risk_review_valid_days)
    return {
        "has_current_risk_review": bool(db.session.scalar(select(exists().where(
            Decision.case_id == case.id, Decision.kind == "risk_assessment",
            Decision.superseded_by_id.is_(None), Decision.decided_at >= since)))),
        "has_followup_schedule": bool(db.session.scalar(select(exists().where(
            Deadline.case_id == case.id, Deadline.kind.in_(facts_module.FOLLOW_UP_KINDS),
            Deadline.status == DeadlineStatus.pending)))),
        "has_best_interests": bool(db.session.scalar(select(exists().where(
            Decision.case_id == case.id, Decision.kind == "best_interests_assessment",
            Decision.superseded_by_id.is_(None))))),
    }


def legacy_facts(case, track) -> dict:
    """One track's facts, each provider asked on its own, the shared reads done the old way."""
    facts = facts_module.facts_for(case, track)
    for legacy in (legacy_consent_facts(case), legacy_closure_facts(case)):
        facts.update({k: v for k, v in legacy.items() if k in facts})
    return facts


def legacy_overview(actor, case) -> dict:
    overview = {}
    for name, definition in workflows.tracks().items():
        state = case.state_of(name)
        allowed, refused = workflows.allowed_events(definition, state,
                                                    legacy_facts(case, name))
        permitted = access.can_transition(actor, case, name)
        overview[name] = {
            "state": state,
            "allowed": allowed if permitted else [],
            "refused": {event: {"rule": r.rule, "message": r.message}
                        for event, r in refused.items()},
            "reason_required": sorted({t.event for t in definition.transitions
                                       if t.reason_required and state in t.src}),
        }
    return overview


RECEIVING_NGO = {"recipient_name": "Receiving NGO, Bucharest", "recipient_category": "ngo"}


def _varied_cases(caseworker, supervisor):
    from referral.legal import service as legal
    from referral.missing import service as missing
    shelter = create_provider(services=("accommodation",))
    medical = create_provider(services=("medical",))
    cases = {"fresh": create_case(caseworker),
             "child": create_case(caseworker, person={"date_of_birth": None,
                                                       "age_estimate": 15})}

    case = cases["consents"] = create_case(caseworker)
    give_consent(caseworker, case, "service", shelter)
    give_consent(caseworker, case, "cross_border_transfer", **RECEIVING_NGO)

    case = cases["consent_elsewhere"] = create_case(caseworker)
    give_consent(caseworker, case, "service", medical)

    case = cases["withdrawn"] = create_case(caseworker)
    consent = give_consent(caseworker, case, "service", shelter)
    consent_service.withdraw_consent(caseworker, consent)
    db.session.commit()

    case = cases["override"] = create_case(caseworker)
    override = consent_service.request_override(caseworker, case, purpose="service",
                                                grounds="danger_to_life", reason="urgent")
    consent_service.approve_override(supervisor, override)
    other = consent_service.request_override(caseworker, case, purpose="cross_border_transfer",
                                             grounds="danger_to_life", reason="urgent")
    db.session.commit()
    assert other.approved_at is None  # asked, never approved: not a ground

    case = cases["negative"] = create_case(caseworker)
    decide(caseworker, case, outcome="negative")

    case = cases["positive_closure_ready"] = create_case(caseworker)
    decide(caseworker, case, outcome="positive")
    decide(caseworker, case, kind="risk_assessment", outcome="low")
    decide(caseworker, case, kind="best_interests_assessment", outcome="completed")
    plan_deadline(case.id, "reintegration_checkin", utcnow() + timedelta(days=30))
    db.session.commit()

    case = cases["assistance"] = create_case(caseworker)
    give_consent(caseworker, case, "service")
    transition(caseworker, case, "assistance", "offer")

    case = cases["cooperation"] = create_case(caseworker)
    legal.record_cooperation(caseworker, case, kind="statement", value="given")
    legal.record_cooperation(caseworker, case, kind="willingness_to_testify", value="willing")
    db.session.commit()

    case = cases["missing"] = create_case(caseworker)
    missing.report_missing(caseworker, case, missing_since=utcnow() - timedelta(hours=3))
    db.session.commit()
    return cases


def test_the_overview_answers_as_each_track_asked_alone(caseworker, supervisor):
    cases = _varied_cases(caseworker, supervisor)
    actors = [caseworker, supervisor, create_user("legal_aid", agency=caseworker.agency),
              create_user("shelter_staff")]
    db.session.commit()
    for label, case in cases.items():
        db.session.expire_all()
        for actor in actors:
            assert service.transitions_overview(actor, case) == legacy_overview(actor, case), \
                (label, actor.username)
        gathered = facts_module.facts_by_track(case, workflows.tracks())
        for name in workflows.tracks():
            expected = legacy_facts(case, name)
            assert {k: v for k, v in gathered[name].items() if k != "now"} == \
                {k: v for k, v in expected.items() if k != "now"}, (label, name)


def test_the_gathered_facts_keep_cooperation_on_the_legal_track(caseworker, supervisor):
    cases = _varied_cases(caseworker, supervisor)
    gathered = facts_module.facts_by_track(cases["cooperation"], workflows.tracks())
    assert gathered["legal"]["statement_given"] is True
    for name, track in workflows.tracks().items():
        if not track.reads_cooperation:
            assert not COOPERATION_FACTS & set(gathered[name]), name


@pytest.mark.parametrize("purpose,fact,track", [
    ("service", "has_service_consent", "assistance"),
    ("cross_border_transfer", "has_handover_consent", "return"),
])
def test_a_consent_not_yet_given_or_expired_is_no_ground(caseworker, purpose, fact, track):
    case = create_case(caseworker)
    give_consent(caseworker, case, purpose, expires_at=utcnow() + timedelta(days=2),
                 **RECEIVING_NGO)
    assert facts_module.facts_by_track(case, [track])[track][fact] is True
    from referral.consent.models import Consent
    for consent in db.session.scalars(select(Consent).where(Consent.case_id == case.id)):
        consent.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert facts_module.facts_by_track(case, [track])[track][fact] is False
    assert legacy_consent_facts(case)[fact] is False
