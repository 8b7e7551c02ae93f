"""ID-2, ID-4, ID-7, NC-1, NC-4: two people alike but for a ground the rules forbid walk the
same path. Whatever name a guard might give such a ground, it cannot decide anything here:
each variant below takes every step the plain case takes, and is offered and refused
exactly the same steps on every track (the legal track aside, whose subject cooperation
is).

The structural tests (tests/workflows/test_definitions.py) check the names a guard declares;
this one checks the behaviour, so a ground read under another name fails it too."""
from datetime import timedelta

import pytest
from freezegun import freeze_time

from referral.cases import service
from referral.extensions import db
from referral.legal import service as legal
from tests.cases.conftest import decide, transition
from tests.factories import create_case, give_consent, token_headers


def _cooperation(value):
    def record(actor, case):
        for kind in ("statement", "interview", "willingness_to_testify", "testimony"):
            legal.record_cooperation(actor, case, kind=kind,
                                     value={"refused": "refused", "given": "given"}[value]
                                     if kind != "willingness_to_testify"
                                     else {"refused": "unwilling", "given": "willing"}[value])
        db.session.commit()
    return record


def _conditional_permit(actor, case):
    legal.add_permit(actor, case, kind="temporary_residence", status="granted",
                     conditions="granted only while she cooperates with the prosecution")
    db.session.commit()


# variant -> (what differs at referral, what is recorded on the case after it)
VARIANTS = {
    # ID-2: police involvement, documents, going home, calling oneself a victim, cooperation
    "referred_by_police": ({"referred_by": "Metropolitan Police",
                            "referral_source": "police"}, None),
    "self_referred": ({"referred_by": "the person herself, who says she is a victim",
                       "referral_source": "self"}, None),
    "no_documents": ({"vulnerability_factors": ["no_documents", "irregular_status"],
                      "indicators": ["debt_bondage"]}, None),
    "refuses_to_cooperate": ({}, _cooperation("refused")),
    "cooperates": ({}, _cooperation("given")),
    # ID-4: sex and nationality
    "a_man": ({"person": {"sex": "male"}}, None),
    "sex_declined": ({"person": {"sex": "declined"}}, None),
    "another_nationality": ({"person": {"nationality": "NG"}}, None),
    # ID-7: internal trafficking, no confinement
    "internal_trafficking": ({"internal_trafficking": True}, None),
    # NC-4: a permit tied to cooperation
    "permit_tied_to_cooperation": ({}, _conditional_permit),
}


def _overview(actor, case):
    return {track: (view["state"], sorted(view["allowed"]),
                    {event: refusal["rule"] for event, refusal in view["refused"].items()})
            for track, view in service.transitions_overview(actor, case).items()
            if track != "legal"}


def walk(actor, case):
    """Identified, consents to a service, accepts it, moves to assistance after the period,
    and suspends and resumes it; the steps offered after each step, in order."""
    seen = [_overview(actor, case)]
    decide(actor, case)
    seen.append(_overview(actor, case))
    give_consent(actor, case, "service")
    for event in ("offer", "accept"):
        transition(actor, case, "assistance", event)
        seen.append(_overview(actor, case))
    with freeze_time(case.reflection_minimum_ends_at + timedelta(days=1)):
        transition(actor, case, "nrm", "begin_assistance")
        seen.append(_overview(actor, case))
        transition(actor, case, "assistance", "suspend", reason="in hospital for a week",
                   facts={"reason_code": "person_in_hospital",
                          "person_view": "asked for a pause"})
        transition(actor, case, "assistance", "resume")
        seen.append(_overview(actor, case))
    return seen


def _open(actor, referral):
    referral = dict(referral)
    person = {"sex": "female", "nationality": "RO", **referral.pop("person", {})}
    return create_case(actor, person=person, **referral)


@pytest.fixture
def plain_walk(caseworker):
    return walk(caseworker, _open(caseworker, {}))


@pytest.mark.parametrize("variant", VARIANTS)
def test_ID2_ID4_ID7_NC1_NC4_a_forbidden_ground_changes_no_step(client, caseworker,
                                                                plain_walk, variant):
    referral, after = VARIANTS[variant]
    case = _open(caseworker, referral)
    if after:
        after(caseworker, case)
    assert walk(caseworker, case) == plain_walk
    assert case.nrm_state == "assistance" and case.assistance_state == "in_progress"
    body = client.get(f"/api/v1/cases/{case.id}/transitions",
                      headers=token_headers(caseworker)).json
    assert sorted(body["tracks"]["assistance"]["allowed"]) == plain_walk[-1]["assistance"][1]
