"""The assistance plan in the browser's pages: forms, drafts, the danger flag on the case file
and the homes, role views, and the supervisor's list."""
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

import workflows.plans as rules
from referral.drafts.models import FormDraft
from referral.database import utcnow
from referral.extensions import db
from referral.plans import service
from referral.plans.models import NeedsAssessment, PlanVersion
from referral.reminders.models import Deadline
from tests.factories import create_user
from tests.plans.conftest import WORDS_SENTINEL, action, add_goal, agree, assess_needs
from tests.web.conftest import login


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def needs_form(**priorities):
    data = {"language": "ro", "interpreter_used": "y"}
    for domain in rules.NEED_DOMAINS:
        data[f"{domain}_priority"] = "not_discussed"
    for domain, priority in priorities.items():
        data[f"{domain}_priority"] = priority
        data[f"{domain}_words"] = f"{WORDS_SENTINEL} ({domain})"
    return data


@pytest.fixture
def team(caseworker, supervisor):
    caseworker.supervisor_id = supervisor.id
    db.session.commit()
    return caseworker, supervisor


def test_a_needs_assessment_is_recorded_from_its_page(client, caseworker, a_case):
    login(client, "caseworker")
    form = page(client.get(f"/cases/{a_case.id}/plan/needs"))
    for name in rules.NEED_DOMAINS.values():
        assert name in form
    missing = needs_form(accommodation="urgent")
    missing["accommodation_words"] = ""
    refused = client.post(f"/cases/{a_case.id}/plan/needs", data=missing)
    assert refused.status_code == 400
    assert "write the need in the person's own words" in page(refused)
    assert db.session.scalar(select(NeedsAssessment)) is None
    done = client.post(f"/cases/{a_case.id}/plan/needs",
                       data=needs_form(accommodation="urgent", legal="high"))
    assert done.status_code == 302
    plan = page(client.get(f"/cases/{a_case.id}/plan"))
    assert f"{WORDS_SENTINEL} (accommodation)" in plan and "urgent" in plan
    history = page(client.get(f"/cases/{a_case.id}/plan/needs/history"))
    assert "Physical and mental health" in history and "not discussed" in history


def test_SVC03_danger_shows_on_the_case_file_and_the_homes_until_cleared(client, team,
                                                                        a_case):
    caseworker, supervisor = team
    login(client, "caseworker")
    raised = client.post(f"/cases/{a_case.id}/plan/risk", data={
        "risk_traffickers": "high", "risk_retrafficking": "high", "risk_self_harm": "none",
        "risk_family": "medium", "immediate_danger": "y",
        "danger_reason": "He is waiting outside the shelter", "safety_measures": [
            "escort", "safe_phone"], "safety_plan": "Escort to every appointment"})
    assert raised.status_code == 302, page(raised)
    case_file = page(client.get(f"/cases/{a_case.id}"))
    assert "Immediate danger (SVC-03)" in case_file and "immediate danger" in case_file
    assert "Immediate danger and plan reviews" in page(client.get("/"))
    assert a_case.reference in page(client.get("/"))
    client.post("/logout")
    login(client, "supervisor")
    home = page(client.get("/"))
    assert "1 open immediate-danger flag" in home and a_case.reference in home
    assert a_case.reference in page(client.get("/plans/supervision"))
    client.post("/logout")
    login(client, "caseworker")
    flag = service.open_flag(a_case.id)
    unexplained = client.post(f"/plans/danger/{flag.id}/clear", data={"clear-reason": ""},
                              follow_redirects=True)
    assert service.open_flag(a_case.id) is not None
    assert "Say why the danger is over or handled." in page(unexplained)
    cleared = client.post(f"/plans/danger/{flag.id}/clear",
                          data={"clear-reason": "Police escort in place; moved"},
                          follow_redirects=True)
    assert "The immediate-danger flag is cleared." in page(cleared)
    assert "Immediate danger (SVC-03)" not in page(client.get(f"/cases/{a_case.id}"))


def test_the_case_file_shows_the_open_goals_and_the_next_review(client, caseworker, a_case,
                                                                planned):
    agree(caseworker, a_case)
    login(client, "caseworker")
    case_file = page(client.get(f"/cases/{a_case.id}"))
    plan = service.plan_of(a_case.id)
    assert "A safe place to live" in case_file
    assert f"next review {plan.next_review_at:%Y-%m-%d}" in case_file
    assert "1 open action" in case_file


def test_a_goal_with_an_action_given_to_a_provider_from_the_pages(client, caseworker, a_case,
                                                                  shelter_provider):
    assess_needs(caseworker, a_case)
    login(client, "caseworker")
    form = page(client.get(f"/cases/{a_case.id}/plan/goals/new"))
    assert "Accommodation (urgent)" in form and "Harbour House shelter" in form
    assert "Documents" not in form.split('id="domain"')[1].split("</select>")[0]
    due = (utcnow() + timedelta(days=7)).date().isoformat()
    added = client.post(f"/cases/{a_case.id}/plan/goals/new", data={
        "domain": "accommodation", "goal": "A room of my own", "horizon": "short",
        "description": "Hold a room", "owner_kind": "provider",
        "provider_id": str(shelter_provider.id), "due_on": due})
    assert added.status_code == 302, page(added)
    plan = page(client.get(f"/cases/{a_case.id}/plan"))
    assert "A room of my own" in plan and "Harbour House shelter" in plan
    goal = service.plan_of(a_case.id).goals[0]
    more = client.post(f"/plans/goals/{goal.id}/actions/new", data={
        "description": "Visit with her", "owner_kind": "person", "due_on": due})
    assert more.status_code == 302
    past = client.post(f"/plans/goals/{goal.id}/actions/new", data={
        "description": "Too late", "owner_kind": "caseworker",
        "due_on": (utcnow() - timedelta(days=2)).date().isoformat()})
    assert past.status_code == 400 and "a date from today on" in page(past)


def test_the_plan_is_agreed_and_reviewed_with_the_person_from_the_pages(client, caseworker,
                                                                       a_case, planned):
    login(client, "caseworker")
    absent = client.post(f"/cases/{a_case.id}/plan/review", data={
        "agreement": "agreed", "person_words": "ok", "language": "ro"})
    assert absent.status_code == 400
    assert "cannot come into force without them taking part (CNS-12)" in page(absent)
    agreed = client.post(f"/cases/{a_case.id}/plan/review", data={
        "person_present": "y", "agreement": "agreed", "language": "ro",
        "person_words": "I want the room first"}, follow_redirects=True)
    assert "Version 1 of the plan recorded" in page(agreed)
    reviewed = client.post(f"/cases/{a_case.id}/plan/review", data={
        "person_present": "y", "agreement": "agreed_in_part", "language": "ro",
        "disagreed_goals": str(planned.id), "person_words": "Not that shelter"},
        follow_redirects=True)
    assert "Version 2 of the plan recorded" in page(reviewed)
    versions = page(client.get(f"/cases/{a_case.id}/plan/versions"))
    assert "version 1" in versions and "version 2" in versions
    second = db.session.scalar(select(PlanVersion).where(PlanVersion.number == 2))
    shown = page(client.get(f"/plans/versions/{second.id}"))
    assert "Not that shelter" in shown and "the person does not agree" in shown


def test_feedback_is_recorded_and_answered_by_a_supervisor(client, team, a_case):
    caseworker, supervisor = team
    colleague = create_user("caseworker", agency=caseworker.agency, username="colleague")
    db.session.commit()
    login(client, "caseworker")
    done = client.post(f"/cases/{a_case.id}/plan/feedback", data={
        "kind": "complaint", "topic": "accommodation", "rating": "not_helpful",
        "moment": "during", "words": "The room has no lock", "language": "ro"},
        follow_redirects=True)
    assert "Recorded and passed to a supervisor." in page(done)
    item = service.feedback_of_case(caseworker, a_case)[0]
    client.post("/logout")
    login(client, "colleague")
    hidden = page(client.get(f"/plans/feedback/{item['id']}"))
    assert "The room has no lock" not in hidden
    client.post("/logout")
    login(client, "supervisor")
    assert "The room has no lock" in page(client.get(f"/plans/feedback/{item['id']}"))
    answered = client.post(f"/plans/feedback/{item['id']}",
                           data={"response": "A lock is fitted today"}, follow_redirects=True)
    assert "Answer recorded." in page(answered) and "A lock is fitted today" in page(answered)


def test_a_shelter_sees_and_updates_its_actions_only(client, caseworker, a_case,
                                                     shelter_provider, shelter_user):
    assess_needs(caseworker, a_case)
    goal = add_goal(caseworker, a_case, action=action(
        description="Keep a ground-floor room", owner_kind="provider",
        provider_id=shelter_provider.id))
    add_goal(caseworker, a_case, domain="legal", action=action(description="See a lawyer"))
    login(client, "shelter")
    mine = page(client.get("/plans/actions"))
    assert "Keep a ground-floor room" in mine and "See a lawyer" not in mine
    assert WORDS_SENTINEL not in mine and "A safe place to live" not in mine
    assert a_case.reference not in mine and "a person referred to you" in mine  # SH-3
    assert "Keep a ground-floor room" in page(client.get("/"))
    assert client.get(f"/cases/{a_case.id}/plan").status_code == 403
    assert client.get(f"/cases/{a_case.id}/plan/needs/history").status_code == 403
    (act,) = goal.actions
    done = client.post(f"/plans/actions/{act.id}/status", data={"status": "done"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/plans/actions")
    db.session.expire_all()
    assert act.status == "done"


def test_supervisors_see_plans_overdue_for_review(client, caseworker, supervisor, a_case,
                                                  planned):
    agree(caseworker, a_case)
    row = db.session.scalar(select(Deadline).where(Deadline.kind == "plan_review"))
    row.due_at = utcnow() - timedelta(days=2)  # the review's day has passed
    db.session.commit()
    login(client, "supervisor")
    listing = page(client.get("/plans/supervision"))
    assert "2 days overdue" in listing and a_case.reference in listing
    assert "Plans overdue for review" in listing and a_case.reference in listing


@pytest.mark.parametrize("form", ["plan-needs", "plan-risk", "plan-goal", "plan-review",
                                  "plan-feedback"])
def test_the_plan_forms_keep_a_sealed_draft_per_case(client, caseworker, a_case, form):
    login(client, "caseworker")
    saved = client.post(f"/drafts/{form}:{a_case.id}", data={"goal": WORDS_SENTINEL,
                                                              "words": WORDS_SENTINEL,
                                                              "person_words": WORDS_SENTINEL,
                                                              "safety_plan": WORDS_SENTINEL,
                                                              "accommodation_words":
                                                                  WORDS_SENTINEL})
    assert saved.status_code == 200, page(saved)
    row = db.session.scalar(select(FormDraft))
    assert WORDS_SENTINEL not in row.content_enc


def test_the_needs_form_restores_its_draft_after_the_session_ends(client, caseworker, a_case):
    login(client, "caseworker")
    client.post(f"/drafts/plan-needs:{a_case.id}",
                data={"language": "ro", "accommodation_priority": "urgent",
                      "accommodation_words": "A room near the school"})
    client.post("/logout")
    login(client, "caseworker")
    restored = page(client.get(f"/cases/{a_case.id}/plan/needs"))
    assert "Your draft from" in restored and "A room near the school" in restored
    done = client.post(f"/cases/{a_case.id}/plan/needs", data=needs_form(
        accommodation="urgent"))
    assert done.status_code == 302
    assert db.session.scalar(select(FormDraft)) is None


@pytest.mark.parametrize("key", ["plan-needs:not-an-id", "plan-other:" + "0" * 8 + "-0000-0000"
                                 "-0000-" + "0" * 12, "plan-needs"])
def test_only_the_plan_forms_keep_drafts_per_case(client, caseworker, key):
    login(client, "caseworker")
    assert client.post(f"/drafts/{key}", data={"x": "y"}).status_code == 422


def test_the_plan_pages_answer_on_every_link(client, caseworker, supervisor, a_case, planned):
    agree(caseworker, a_case)
    service.record_feedback(caseworker, a_case, kind="feedback", topic="other", words="ok")
    db.session.commit()
    login(client, "caseworker")
    for path in (f"/cases/{a_case.id}/plan", f"/cases/{a_case.id}/plan/needs",
                 f"/cases/{a_case.id}/plan/needs/history", f"/cases/{a_case.id}/plan/risk",
                 f"/cases/{a_case.id}/plan/risk/history",
                 f"/cases/{a_case.id}/plan/goals/new", f"/plans/goals/{planned.id}/actions/new",
                 f"/cases/{a_case.id}/plan/review", f"/cases/{a_case.id}/plan/versions",
                 f"/cases/{a_case.id}/plan/feedback", "/plans/actions",
                 f"/privacy/cases/{a_case.id}/subject-access"):
        assert client.get(path).status_code == 200, path


def test_the_plan_pages_read_in_french(client, caseworker, a_case, planned):
    caseworker.locale = "fr"
    db.session.commit()
    login(client, "caseworker")
    plan = page(client.get(f"/cases/{a_case.id}/plan"))
    assert "Plan d'assistance" in plan and "Objectifs et actions" in plan
    assert "Hébergement" in plan and "Risque venant des trafiquants" in plan
    needs = page(client.get(f"/cases/{a_case.id}/plan/needs"))
    assert "Santé physique et mentale" in needs and "non abordé" in needs
    assert 'value="not_discussed"' in needs  # the code sent stays the code
    review = page(client.get(f"/cases/{a_case.id}/plan/review"))
    assert "Convenir du plan avec la personne" in review and "CNS-12" in review
    feedback = page(client.get(f"/cases/{a_case.id}/plan/feedback"))
    assert "Avis et plaintes" in feedback and "Plainte" in feedback
    case_file = page(client.get(f"/cases/{a_case.id}"))
    assert "Ouvrir le plan d'assistance" in case_file


def test_a_shelter_knows_its_resident_by_name_never_by_reference(client, caseworker, admitted,
                                                                 shelter_user):
    case = admitted.case
    assess_needs(caseworker, case)
    add_goal(caseworker, case, action=action(description="Keep a quiet room",
                                             owner_kind="provider",
                                             provider_id=admitted.provider_id))
    login(client, "shelter")
    mine = page(client.get("/plans/actions"))
    assert "Keep a quiet room" in mine and "Test" in mine  # the resident's given name
    assert case.reference not in mine
