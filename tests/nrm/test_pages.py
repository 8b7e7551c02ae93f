"""The pages of the NRM as it runs: the decision screen (NRM-6), reconsideration (NRM-2),
the letter, move-on (NRM-4), refer-on (NRM-5) and missing episodes (MI-1)."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time

from referral.accounts.models import AgencyKind
from referral.extensions import db
from tests.cases.conftest import decide
from tests.factories import create_agency, create_case, create_user
from tests.web.conftest import login


def test_NRM6_the_competent_authority_decides_on_its_screen(client, caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    create_user("decision_maker", username="sca", agency=create_agency(
        "Single Competent Authority", AgencyKind.competent_authority))
    db.session.commit()
    login(client, "sca")
    page = client.get(f"/cases/{case.id}/decisions")
    assert page.status_code == 200
    assert "NRM-1" in page.text
    response = client.post(f"/cases/{case.id}/decisions", data={
        "decision-kind": "conclusive_grounds", "decision-outcome": "positive",
        "decision-decision_maker": "SCA", "decision-reasons": "objective evidence",
        "decision-language_explained_in": "en"})
    assert response.status_code == 400
    assert "positive first decision" in response.text  # NRM-1
    response = client.post(f"/cases/{case.id}/decisions", data={
        "decision-kind": "reasonable_grounds", "decision-outcome": "positive",
        "decision-decision_maker": "SCA", "decision-reasons": "objective evidence",
        "decision-language_explained_in": "en"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.first_decision_outcome == "positive"
    assert client.get(f"/cases/{case.id}").status_code == 403  # not the case file
    home = client.get("/")
    assert "Cases awaiting a decision" in home.text and case.reference in home.text


def test_NRM2_the_caseworker_asks_for_reconsideration_and_prints_the_letter(cw_client,
                                                                            caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    negative = decide(caseworker, case, kind="reasonable_grounds", outcome="negative")
    page = cw_client.get(f"/cases/{case.id}/decisions")
    assert "Reconsideration can be asked until" in page.text
    assert "received on paper" in page.text
    letter = cw_client.get(f"/cases/{case.id}/decisions/{negative.id}/letter")
    assert letter.status_code == 200 and "right to ask for reconsideration" in letter.text
    response = cw_client.post(
        f"/cases/{case.id}/decisions/{negative.id}/reconsideration",
        data={"reconsider-reason": "police confirm exploitation",
              "reconsider-grounds": "new_evidence",
              "reconsider-evidence": "police letter\nmedical report"})
    assert response.status_code == 302
    db.session.refresh(negative)
    assert negative.details["review_evidence"] == ["police letter", "medical report"]
    assert "protection holds" in cw_client.get(f"/cases/{case.id}/decisions").text


def test_NRM4_the_case_file_shows_the_move_on_period(cw_client, caseworker, a_case):
    decide(caseworker, a_case, kind="identification", outcome="positive")
    page = cw_client.get(f"/cases/{a_case.id}")
    assert "Move-on period ends" in page.text
    assert 'id="move-on"' in cw_client.get(f"/cases/{a_case.id}/decisions").text


def test_NRM5_refer_on_page(cw_client, caseworker, a_case):
    with freeze_time(datetime.now(timezone.utc) - timedelta(days=31)):
        decide(caseworker, a_case, kind="identification", outcome="negative")
    assert "Refer on to another remedy" in cw_client.get(f"/cases/{a_case.id}").text
    db.session.refresh(a_case)
    response = cw_client.post(f"/cases/{a_case.id}/refer-on", data={
        "referon-remedy": "labour_rights", "referon-reason": "unpaid wages claim",
        "referon-person_view": "wants to claim", "referon-version": a_case.version})
    assert response.status_code == 302, response.text
    db.session.refresh(a_case)
    assert a_case.nrm_state == "referred_on"


def test_MI1_missing_episode_page(cw_client, caseworker, a_case):
    page = cw_client.get(f"/cases/{a_case.id}/missing")
    assert page.status_code == 200
    response = cw_client.post(f"/cases/{a_case.id}/missing", data={
        "missing-missing_since": (datetime.now(timezone.utc) - timedelta(hours=3)).strftime(
            "%Y-%m-%dT%H:%M"), "missing-last_seen_where": "the station",
        "missing-told": ["police"]})
    assert response.status_code == 302, response.text
    page = cw_client.get(f"/cases/{a_case.id}/missing").text
    assert "still missing" in page and "the station" in page
