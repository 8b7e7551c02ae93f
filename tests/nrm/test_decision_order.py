"""The NRM as it runs (issue 16), per jurisdiction: NRM-1 decision order, NRM-2 the
reconsideration window, request and letter, NRM-3 lapse of no-removal, NRM-4 move-on,
NRM-5 refer-on, NRM-6 who decides."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from referral.accounts.models import AgencyKind
from referral.cases import decisions
from referral.errors import Invalid, Refused
from referral.extensions import db
from referral.reminders.models import Deadline, DeadlineStatus
from tests.cases.conftest import decide, transition
from tests.factories import create_agency, create_case, create_user, token_headers
from workflows import jurisdictions

JURISDICTIONS = ("baseline", "uk")


def later(days):
    return datetime.now(timezone.utc) + timedelta(days=days)


def first(code):
    return jurisdictions.get(code).first_decision


def final(code):
    return jurisdictions.get(code).final_decision


def identified(actor, case):
    """A positive final decision, in the jurisdiction's order."""
    j = jurisdictions.for_case(case)
    if j.first_decision != j.final_decision:
        decide(actor, case, kind=j.first_decision, outcome="positive")
    return decide(actor, case, kind=j.final_decision, outcome="positive")


def deadline(case, kind, source_key=None):
    query = select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind)
    if source_key is not None:
        query = query.where(Deadline.source_key == source_key)
    return db.session.scalars(query).all()


# -- NRM-1: a final decision needs a positive first decision --------------------------------

def test_NRM1_uk_a_conclusive_decision_without_a_reasonable_grounds_decision_is_refused(
        caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    with pytest.raises(Refused) as refused:
        decide(caseworker, case, kind="conclusive_grounds", outcome="positive")
    assert refused.value.rule == "NRM-1"
    assert case.identification == "pending"


def test_NRM1_uk_a_conclusive_decision_after_a_negative_first_is_refused(caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    decide(caseworker, case, kind="reasonable_grounds", outcome="negative")
    with pytest.raises(Refused) as refused:
        decide(caseworker, case, kind="conclusive_grounds", outcome="negative")
    assert refused.value.rule == "NRM-1"


def test_NRM1_uk_after_a_positive_first_the_conclusive_decision_is_taken(caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    decide(caseworker, case, kind="reasonable_grounds", outcome="positive")
    decide(caseworker, case, kind="conclusive_grounds", outcome="positive")
    assert case.identification == "positive"


def test_NRM1_baseline_one_decision_is_both_first_and_final(caseworker):
    case = create_case(caseworker, jurisdiction="baseline")
    decide(caseworker, case, kind="identification", outcome="positive")
    assert case.identification == "positive"


def test_NRM1_over_the_api_the_refusal_names_the_rule(client, caseworker, cw_headers):
    case = create_case(caseworker, jurisdiction="uk")
    response = client.post(f"/api/v1/cases/{case.id}/decisions", headers=cw_headers, json={
        "kind": "conclusive_grounds", "outcome": "positive", "decision_maker": "SCA",
        "reasons": "indicators present", "language_explained_in": "en"})
    assert response.status_code == 409
    assert "NRM-1" in response.json["errors"]


# -- NRM-2: the reconsideration window, request, follow-ups and letter ------------------------

@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM2_the_reconsideration_window_is_the_jurisdictions(caseworker, code):
    case = create_case(caseworker, jurisdiction=code)
    negative = decide(caseworker, case, kind=first(code), outcome="negative")
    window = jurisdictions.get(code).review_window_days
    assert negative.review_deadline - negative.decided_at == timedelta(days=window)
    with freeze_time(later(window - 1)):
        assert decisions.effective_identification(case) == "negative_pending_review"
    with freeze_time(later(window + 1)):
        assert decisions.effective_identification(case) == "negative_final"


def test_NRM2_uk_reconsideration_is_asked_within_30_calendar_days(caseworker):
    """Modern slavery: NRM and DtN statistics, Annex: Reasons for accepting reconsideration
    requests (gov.uk, 8 May 2025): within 30 calendar days (2026.1 said 90)."""
    assert jurisdictions.get("uk").review_window_days == 30
    case = create_case(caseworker, jurisdiction="uk")
    decide(caseworker, case, kind="reasonable_grounds", outcome="negative")
    with freeze_time(later(31)):
        assert decisions.effective_identification(case) == "negative_final"


def test_NRM2_a_case_opened_under_the_earlier_version_keeps_its_window(caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    case.rule_version = "uk@2026.1"  # opened before 2026.2 was published
    db.session.commit()
    negative = decide(caseworker, case, kind="reasonable_grounds", outcome="negative")
    assert negative.rule_version == "uk@2026.1"
    assert negative.review_deadline - negative.decided_at == timedelta(days=90)
    with freeze_time(later(31)):
        assert decisions.effective_identification(case) == "negative_pending_review"


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM2_the_last_day_to_ask_is_a_follow_up_for_caseworker_and_legal_aid(caseworker,
                                                                              code):
    from referral.legal import service as legal
    lawyer = create_user("legal_aid", agency=create_agency("Clinic", AgencyKind.legal_aid))
    case = create_case(caseworker, jurisdiction=code)
    legal.assign_legal_aid(caseworker, case, lawyer.id)
    db.session.commit()
    negative = decide(caseworker, case, kind=first(code), outcome="negative")
    [window] = deadline(case, "decision_review_window")
    assert window.assignee_id == caseworker.id and window.due_at == negative.review_deadline
    [theirs] = deadline(case, "reconsideration_legal_aid")
    assert theirs.assignee_id == lawyer.id and theirs.due_at == negative.review_deadline


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM2_a_request_records_its_grounds_and_evidence(caseworker, code):
    case = create_case(caseworker, jurisdiction=code)
    negative = decide(caseworker, case, kind=first(code), outcome="negative")
    decisions.request_review(caseworker, case, negative.id, "new police evidence",
                             grounds="new_evidence", evidence=["police letter"])
    assert negative.details["review_grounds"] == "new_evidence"
    assert negative.details["review_evidence"] == ["police letter"]
    with pytest.raises(Invalid) as invalid:
        decisions.request_review(caseworker, case, negative.id, "again", grounds="feeling")
    assert invalid.value.key == "grounds"


def test_NRM2_the_letter_states_the_right_and_the_deadline(app, caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    negative = decide(caseworker, case, kind="reasonable_grounds", outcome="negative")
    with app.test_request_context():
        letter = decisions.decision_letter(caseworker, case, negative.id)
    assert letter["reconsideration_deadline"] == negative.review_deadline
    assert "right to ask for reconsideration" in letter["html"]
    assert str(negative.review_deadline.year) in letter["html"]


def test_NRM2_the_letter_is_in_the_persons_language(client, caseworker, cw_headers):
    case = create_case(caseworker, jurisdiction="baseline",
                       person={"languages": ["fr"], "given_name": "A", "family_name": "B"})
    negative = decide(caseworker, case, kind="identification", outcome="negative")
    response = client.get(f"/api/v1/cases/{case.id}/decisions/{negative.id}/letter",
                          headers=cw_headers)
    assert response.status_code == 200
    assert response.json["language"] == "fr"
    assert "réexamen" in response.json["html"]


@pytest.mark.parametrize("lang,words", [
    ("ar", "إعادة النظر"), ("es", "reconsideración")])
def test_NRM2_the_letter_is_in_every_language_shipped_arabic_right_to_left(
        client, caseworker, cw_headers, lang, words):
    case = create_case(caseworker, jurisdiction="baseline",
                       person={"languages": [lang], "given_name": "A", "family_name": "B"})
    negative = decide(caseworker, case, kind="identification", outcome="negative")
    letter = client.get(f"/api/v1/cases/{case.id}/decisions/{negative.id}/letter",
                        headers=cw_headers).json
    assert letter["language"] == lang
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in letter["html"]
    assert words in letter["html"]


# -- NRM-3: when no-removal protection lapses --------------------------------------------------

@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM3_no_removal_lapses_after_a_final_negative_decision_and_its_window(caseworker,
                                                                              code):
    case = create_case(caseworker, jurisdiction=code)
    if code == "uk":
        decide(caseworker, case, kind="reasonable_grounds", outcome="positive")
    decide(caseworker, case, kind=final(code), outcome="negative")
    assert case.no_removal
    with freeze_time(later(jurisdictions.get(code).review_window_days + 1)):
        decisions.refresh_identification(case)
        assert case.identification == "negative_final"
        assert not case.no_removal


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM3_no_removal_holds_while_reconsideration_is_pending(caseworker, code):
    case = create_case(caseworker, jurisdiction=code)
    negative = decide(caseworker, case, kind=first(code), outcome="negative")
    decisions.request_review(caseworker, case, negative.id, "new evidence")
    db.session.commit()
    with freeze_time(later(jurisdictions.get(code).review_window_days + 10)):
        decisions.refresh_identification(case)
        assert case.no_removal
        decide(caseworker, case, kind="review", outcome="upheld", review_of=negative)
        assert not case.no_removal


# -- NRM-4: move-on after a positive final decision --------------------------------------------

@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM4_a_positive_final_decision_starts_the_move_on_period(caseworker, code):
    j = jurisdictions.get(code)
    case = create_case(caseworker, jurisdiction=code)
    positive = identified(caseworker, case)
    assert case.move_on_ends_at - positive.decided_at == timedelta(days=j.move_on_days)
    kinds = {d.kind for d in db.session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.status == DeadlineStatus.pending))}
    assert {"move_on_end", "recovery_needs_assessment", "transition_plan"} <= kinds
    decide(caseworker, case, kind="recovery_needs_assessment", outcome="longer_support")
    [rna] = deadline(case, "recovery_needs_assessment")
    assert rna.status == DeadlineStatus.met


def test_NRM4_uk_move_on_lasts_at_least_45_days():
    """Support in England and Wales after a positive conclusive grounds decision (gov.uk,
    22 January 2026): a move-on period of at least 45 days."""
    assert jurisdictions.get("uk").move_on_days >= 45


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM4_no_removal_ends_as_the_move_on_period_ends(caseworker, code):
    j = jurisdictions.get(code)
    case = create_case(caseworker, jurisdiction=code)
    identified(caseworker, case)
    with freeze_time(later(1)):
        transition(caseworker, case, "nrm", "begin_assistance",
                   facts={"person_request": "I want help now, not later"})
        assert case.nrm_state == "assistance"
    with freeze_time(later(j.move_on_days - 1)):
        assert case.no_removal  # move-on still running
    with freeze_time(later(j.move_on_days + 1)):
        assert not case.no_removal


def test_NRM4_a_recovery_needs_assessment_follows_a_positive_final_decision(caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    with pytest.raises(Refused) as refused:
        decide(caseworker, case, kind="recovery_needs_assessment", outcome="longer_support")
    assert refused.value.rule == "NRM-4"


# -- NRM-5: refer on after a negative decision -------------------------------------------------

def _final_negative(actor, case, code):
    if code == "uk":
        decide(actor, case, kind="reasonable_grounds", outcome="positive")
    decide(actor, case, kind=final(code), outcome="negative")


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM5_an_adult_not_identified_is_referred_on_and_closed_without_a_reintegration_schedule(
        caseworker, code):
    case = create_case(caseworker, jurisdiction=code)
    _final_negative(caseworker, case, code)
    with freeze_time(later(jurisdictions.get(code).review_window_days + 1)):
        transition(caseworker, case, "nrm", "refer_on", reason="labour rights claim",
                   facts={"reason_code": "labour_rights", "person_view": "wants to claim wages"})
        assert case.nrm_state == "referred_on"
        decide(caseworker, case, kind="risk_assessment", outcome="low")
        transition(caseworker, case, "nrm", "close", reason="referred to the labour inspectorate")
        assert case.nrm_state == "closed"


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM5_refer_on_names_the_remedy(caseworker, code):
    case = create_case(caseworker, jurisdiction=code)
    _final_negative(caseworker, case, code)
    with freeze_time(later(jurisdictions.get(code).review_window_days + 1)):
        with pytest.raises(Refused) as refused:
            transition(caseworker, case, "nrm", "refer_on", reason="elsewhere")
        assert refused.value.rule == "NRM-5"


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM5_refer_on_waits_for_the_window(caseworker, code):
    case = create_case(caseworker, jurisdiction=code)
    _final_negative(caseworker, case, code)
    with pytest.raises(Refused) as refused:
        transition(caseworker, case, "nrm", "refer_on", reason="asylum",
                   facts={"reason_code": "asylum"})
    assert refused.value.rule == "ID-1"


def test_NRM5_a_child_is_handed_to_child_protection_not_referred_on(caseworker, a_child_case):
    decide(caseworker, a_child_case, kind="identification", outcome="negative")
    with freeze_time(later(31)):
        with pytest.raises(Refused) as refused:
            transition(caseworker, a_child_case, "nrm", "refer_on", reason="asylum",
                       facts={"reason_code": "asylum"})
        assert refused.value.rule == "CH-4"


# -- NRM-6: who decides -------------------------------------------------------------------------

@pytest.fixture
def decision_maker():
    user = create_user("decision_maker", agency=create_agency(
        "Single Competent Authority", AgencyKind.competent_authority))
    db.session.commit()
    return user


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_NRM6_the_competent_authority_records_its_decision(client, caseworker, decision_maker,
                                                           code):
    case = create_case(caseworker, jurisdiction=code)
    response = client.post(f"/api/v1/cases/{case.id}/decisions",
                           headers=token_headers(decision_maker), json={
                               "kind": first(code), "outcome": "positive",
                               "decision_maker": "SCA officer", "reasons": "objective factors",
                               "language_explained_in": "en"})
    assert response.status_code == 201, response.json
    assert response.json["received_on_paper"] is False
    listed = client.get(f"/api/v1/cases/{case.id}/decisions",
                        headers=token_headers(caseworker)).json
    assert [d["outcome"] for d in listed] == ["positive"]


def test_NRM6_a_caseworker_records_a_decision_received_on_paper(caseworker, a_case):
    decision = decide(caseworker, a_case, kind="identification", outcome="positive")
    assert decision.details["received_on_paper"] is True


def test_NRM6_where_only_the_authority_decides_a_caseworker_is_refused(caseworker):
    from dataclasses import replace
    national = jurisdictions.register(replace(
        jurisdictions.get("baseline"), code="national", version="test", paper_decisions=False))
    try:
        case = create_case(caseworker, jurisdiction="national")
        with pytest.raises(Refused) as refused:
            decide(caseworker, case, kind="identification", outcome="positive")
        assert refused.value.rule == "NRM-6"
    finally:
        jurisdictions.REGISTRY.pop("national")
        jurisdictions.VERSIONS.pop(national.rule_version)


def test_NRM6_the_decision_maker_does_not_ask_for_its_own_review(client, caseworker,
                                                                 decision_maker, a_case):
    negative = decide(caseworker, a_case, kind="identification", outcome="negative")
    response = client.post(f"/api/v1/cases/{a_case.id}/decisions/{negative.id}/review",
                           headers=token_headers(decision_maker), json={"reason": "x"})
    assert response.status_code == 403


def test_NRM6_another_agencys_decision_maker_who_is_not_an_authority_sees_nothing(
        client, caseworker, a_case):
    ngo_user = create_user("decision_maker", agency=create_agency("An NGO"))
    db.session.commit()
    response = client.get(f"/api/v1/cases/{a_case.id}/decisions",
                          headers=token_headers(ngo_user))
    assert response.status_code == 404
