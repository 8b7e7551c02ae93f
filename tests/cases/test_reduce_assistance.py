"""ID-6 / NC-3: reducing assistance is an adverse step like ending or suspending it: a reason
code from its closed list (none about cooperation), the person's view or that they declined,
confirmed on the page; assistance stays in progress and the step is kept in the history."""
import pytest
from sqlalchemy import select

from referral.cases.models import CaseTransition, RefusedAttempt
from referral.extensions import db
from tests.cases.conftest import transition
from tests.cases.test_adverse_steps import post_step
from tests.factories import give_consent
from tests.web.conftest import login
from workflows.reasons import ADVERSE_REASONS


@pytest.fixture
def assisted(caseworker, a_case):
    give_consent(caseworker, a_case, "service")
    transition(caseworker, a_case, "assistance", "offer")
    transition(caseworker, a_case, "assistance", "accept")
    return a_case


@pytest.mark.parametrize("facts,rule", [
    ({"person_view": "fine with fewer visits"}, "ID-6"),  # no code
    ({"reason_code": "goals_met", "person_view": "fine"}, "ID-6"),  # another action's code
    ({"reason_code": "refused_to_testify", "person_view": "fine"}, "NC-3"),
    ({"reason_code": "needs_changed"}, "ID-6"),  # no view
])
def test_ID6_NC3_reducing_assistance_needs_a_listed_code_and_the_persons_view(
        client, cw_headers, assisted, facts, rule):
    response = post_step(client, cw_headers, assisted, "assistance", "reduce", **facts)
    assert response.status_code == 409 and rule in response.json["errors"]
    assert not db.session.scalars(select(CaseTransition).where(
        CaseTransition.event == "reduce")).all()


def test_NC3_reducing_for_not_testifying_is_refused_and_listed_for_supervisors(
        client, cw_headers, assisted):
    response = post_step(client, cw_headers, assisted, "assistance", "reduce",
                         reason="fewer sessions since she will not testify",
                         reason_code="needs_changed", person_view="wants the same support")
    assert response.status_code == 409 and "NC-3" in response.json["errors"]
    attempt = db.session.scalar(select(RefusedAttempt))
    assert attempt.event == "reduce" and attempt.rule == "NC-3"


def test_ID6_reducing_with_a_listed_code_keeps_assistance_in_progress(client, cw_headers,
                                                                     assisted):
    assert "person_asked_less" in ADVERSE_REASONS["assistance.reduce"]
    response = post_step(client, cw_headers, assisted, "assistance", "reduce",
                         reason_code="person_asked_less",
                         person_view="I have a job now, once a week is enough")
    assert response.status_code == 200
    db.session.refresh(assisted)
    assert assisted.assistance_state == "in_progress"
    row = db.session.scalar(select(CaseTransition).where(CaseTransition.event == "reduce"))
    assert row.reason_code == "person_asked_less"
    assert row.person_view == "I have a job now, once a week is enough"


def test_ID6_the_case_file_asks_code_view_and_confirmation_before_reducing(client,
                                                                           assisted):
    login(client, "caseworker")
    page = client.get(f"/cases/{assisted.id}").get_data(as_text=True)
    assert "Reduce assistance" in page and "provider_capacity" in page
    form = {"track": "assistance", "event": "reduce", "version": assisted.version,
            "reason_code": "provider_capacity", "person_view_declined": "y"}
    page = client.post(f"/cases/{assisted.id}/transitions", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "tick the confirmation" in page
    assert not db.session.scalars(select(CaseTransition).where(
        CaseTransition.event == "reduce")).all()
    client.post(f"/cases/{assisted.id}/transitions", data={**form, "confirm": "y"})
    row = db.session.scalar(select(CaseTransition).where(CaseTransition.event == "reduce"))
    assert row.reason_code == "provider_capacity" and row.to_state == "in_progress"
