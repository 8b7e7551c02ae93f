"""The assistance plan in a real browser, on a desktop and on a 360-pixel phone: a caseworker
assesses the person's needs and risks, sets a goal with an action, agrees the plan with the
person and later reviews it; the case file shows the plan at a glance. And axe-core's WCAG
2.2 AA rules on every page of the plan, for each role that has one."""
import re
from datetime import timedelta

import pytest

from referral.database import utcnow
from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (fixture)
from tests.factories import PASSWORD, create_user
from tests.plans.conftest import action, add_goal, agree, assess_needs, assess_risk

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def no_sideways_scrolling(page):
    if page.viewport_size["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
            page.url


@pytest.mark.parametrize("device", ["page", "phone"])
def test_from_assessment_to_plan_to_review(request, device, caseworker, a_case):
    screen = request.getfixturevalue(device)
    sign_in(screen, "caseworker", PASSWORD)
    screen.goto(f"/cases/{a_case.id}")
    screen.get_by_role("link", name="Open the assistance plan").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Assistance plan")
    no_sideways_scrolling(screen)

    # The needs, in the person's words, with the priority they give each domain.
    screen.get_by_role("link", name="New needs assessment").click()
    screen.get_by_label("Language of the conversation").fill("ro")
    screen.locator("#accommodation_priority").select_option("urgent")
    screen.locator("#accommodation_words").fill("A room where he cannot find me")
    screen.locator("#legal_priority").select_option("high")
    screen.locator("#legal_words").fill("I want to know if I can stay")
    expect(screen.locator("#draft-status")).to_contain_text("Draft saved at")
    no_sideways_scrolling(screen)
    screen.get_by_role("button", name="Record the needs assessment").click()
    expect(screen.locator(".flash").first).to_contain_text("Needs assessment recorded")
    expect(screen.locator("main")).to_contain_text("A room where he cannot find me")

    # The risks and the safety plan.
    screen.get_by_role("link", name="New risk assessment").click()
    screen.get_by_label("Risk from the traffickers").select_option("high")
    screen.get_by_label("Risk of being trafficked again").select_option("medium")
    screen.get_by_label("Escort to appointments").check()
    screen.get_by_label("Safety plan: what is agreed to keep the person safe").fill(
        "Escort to the job centre; new phone number")
    no_sideways_scrolling(screen)
    screen.get_by_role("button", name="Record the risk assessment").click()
    expect(screen.locator(".flash").first).to_contain_text("Risk assessment and safety plan")

    # A goal answering her urgent need, with its first action.
    screen.get_by_role("link", name="Add a goal").click()
    screen.get_by_label("The need it answers").select_option("accommodation")
    screen.get_by_label("The goal, in the person's words").fill("My own safe room")
    screen.get_by_label("What will be done").fill("Ask two shelters for a room")
    screen.get_by_label("Due on").fill((utcnow() + timedelta(days=5)).date().isoformat())
    no_sideways_scrolling(screen)
    screen.get_by_role("button", name="Add the goal").click()
    expect(screen.locator(".flash").first).to_contain_text("Goal added")

    # Agreed with her, in her words (CNS-12): version 1.
    screen.get_by_role("link", name="Agree the plan with the person").click()
    expect(screen.get_by_label("The person took part")).to_be_checked()
    screen.get_by_label("What the person said about the plan, in their words").fill(
        "Yes, the room first, then the lawyer")
    screen.get_by_label("Language of the conversation").fill("ro")
    no_sideways_scrolling(screen)
    screen.get_by_role("button", name="Record this version of the plan").click()
    expect(screen.locator(".flash").first).to_contain_text("Version 1 of the plan recorded")

    # Reviewed with her later: version 2, the first kept as it was.
    screen.get_by_role("link", name="Review the plan with the person").click()
    screen.get_by_label("The person", exact=True).select_option("agreed_in_part")
    screen.get_by_label("My own safe room").check()
    screen.get_by_label("What the person said about the plan, in their words").fill(
        "Not a shelter far from my children")
    screen.get_by_label("Language of the conversation").fill("ro")
    screen.get_by_role("button", name="Record this version of the plan").click()
    expect(screen.locator(".flash").first).to_contain_text("Version 2 of the plan recorded")
    screen.get_by_role("link", name="Versions").click()
    expect(screen.locator("main")).to_contain_text("version 1")
    expect(screen.locator("main")).to_contain_text("version 2")
    no_sideways_scrolling(screen)

    # The case file shows the plan at a glance.
    screen.goto(f"/cases/{a_case.id}")
    glance = screen.get_by_role("region", name="Assistance plan")
    expect(glance).to_contain_text("My own safe room")
    expect(glance).to_contain_text(re.compile(r"next review \d{4}-\d{2}-\d{2}"))
    no_sideways_scrolling(screen)
    if device == "page":
        from tests.browser.conftest import Screens
        Screens(screen)("assistance-plan-case-file")
        screen.goto(f"/cases/{a_case.id}/plan")
        Screens(screen)("assistance-plan")


def test_immediate_danger_reaches_the_supervisor_home_at_once(page, caseworker, supervisor,
                                                              a_case):
    caseworker.supervisor_id = supervisor.id
    db.session.commit()
    sign_in(page, "caseworker", PASSWORD)
    page.goto(f"/cases/{a_case.id}/plan")
    page.get_by_text("The person is in danger now").click()
    page.get_by_label("What the danger is").fill("The trafficker called her new phone")
    page.get_by_role("button", name="Record the danger and alert a supervisor").click()
    expect(page.locator(".flash").first).to_contain_text("A supervisor has been alerted")
    page.goto(f"/cases/{a_case.id}")
    expect(page.get_by_role("alert").first).to_contain_text("Immediate danger (SVC-03)")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "supervisor", PASSWORD)
    page.goto("/")
    panel = page.get_by_role("region", name="Assistance plans: danger, reviews, feedback")
    expect(panel).to_contain_text(a_case.reference)
    expect(panel).to_contain_text("1 open immediate-danger flag")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_plan_pages_meet_wcag_2_2_aa(browser, live_server, axe_source, viewport,
                                         caseworker, supervisor, a_case, shelter_user,
                                         shelter_provider):
    assess_needs(caseworker, a_case)
    assess_risk(caseworker, a_case)
    goal = add_goal(caseworker, a_case, action=action(owner_kind="provider",
                                                      provider_id=shelter_provider.id))
    version = agree(caseworker, a_case)
    from referral.plans import service
    feedback = service.record_feedback(caseworker, a_case, kind="complaint",
                                       topic="accommodation", words="No lock on the door")
    create_user("caseworker", agency=caseworker.agency, username="colleague",
                mfa_deferred=True)
    db.session.commit()
    case = a_case.id
    pages = {
        "caseworker": ["/", f"/cases/{case}", f"/cases/{case}/plan",
                       f"/cases/{case}/plan/needs", f"/cases/{case}/plan/needs/history",
                       f"/cases/{case}/plan/risk", f"/cases/{case}/plan/risk/history",
                       f"/cases/{case}/plan/goals/new", f"/plans/goals/{goal.id}/actions/new",
                       f"/cases/{case}/plan/review", f"/cases/{case}/plan/versions",
                       f"/plans/versions/{version.id}", f"/cases/{case}/plan/feedback",
                       f"/plans/feedback/{feedback.id}",
                       f"/privacy/cases/{case}/subject-access"],
        "supervisor": ["/", "/plans/supervision", f"/plans/feedback/{feedback.id}"],
        "shelter": ["/", "/plans/actions"],
    }
    found = []
    for username, paths in pages.items():
        found += violations(browser, live_server, axe_source, username, paths, viewport)
    assert not found, "\n".join(map(str, found))
