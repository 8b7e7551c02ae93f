"""The NRM as it runs, in a real browser on a desktop and a 360-pixel phone (issue 16): a
caseworker records a negative reasonable grounds decision received on paper, prints the
person's letter with the right to reconsideration, asks for reconsideration with evidence,
records that the person went missing and was found, and reads the help page's pictures.
And axe-core's WCAG 2.2 AA rules on each of these pages."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time

from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (fixture)
from tests.cases.conftest import decide
from tests.factories import PASSWORD, create_case

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def no_sideways_scrolling(page):
    if page.viewport_size["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
            page.url


@pytest.mark.parametrize("device", ["page", "phone"])
def test_decision_reconsideration_and_missing_journey(request, device, caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    screen = request.getfixturevalue(device)
    sign_in(screen, "caseworker", PASSWORD)
    screen.goto(f"/cases/{case.id}")
    screen.get_by_role("link", name="Decisions").click()
    expect(screen.get_by_role("heading", level=1)).to_contain_text("Decisions")
    expect(screen.locator("main")).to_contain_text("NRM-1")
    no_sideways_scrolling(screen)

    # A negative reasonable grounds decision, received on paper (NRM-6).
    screen.get_by_label("Decision", exact=True).select_option("reasonable_grounds")
    screen.get_by_label("Outcome").select_option("negative")
    screen.get_by_label("Decided by").fill("Single Competent Authority")
    screen.get_by_label("Reasons", exact=True).fill("no objective evidence of exploitation")
    screen.get_by_label("Coded reasons (for a negative decision)").select_option(
        "insufficient_information")
    screen.get_by_label("Language it was explained in (code)").fill("en")
    screen.get_by_label("The person's view").fill("I told them what happened; I want to ask again")
    screen.get_by_role("button", name="Record the decision").click()
    expect(screen.locator(".flash").first).to_contain_text("Decision recorded")
    expect(screen.locator("main")).to_contain_text("received on paper")
    expect(screen.locator("main")).to_contain_text("Reconsideration can be asked until")
    no_sideways_scrolling(screen)

    # The person's letter states the right and the deadline (NRM-2).
    screen.get_by_role("link", name="Letter to the person").click()
    expect(screen.locator("body")).to_contain_text("Your right to ask for reconsideration")
    screen.go_back()

    # Reconsideration with its evidence; protection holds (NRM-2, NRM-3).
    screen.get_by_text("Ask for reconsideration").first.click()
    screen.get_by_label("Why reconsideration is asked").fill("the police confirm exploitation")
    screen.get_by_label("Grounds").select_option("new_evidence")
    screen.get_by_label("Evidence sent with the request (one per line)").fill("police letter")
    screen.get_by_role("button", name="Ask for reconsideration").click()
    expect(screen.locator(".flash").first).to_contain_text("Protection holds")

    # The person goes missing and is found again (MI-1).
    screen.goto(f"/cases/{case.id}/missing")
    since = (datetime.now(timezone.utc) - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    screen.get_by_label("Missing since (UTC)").fill(since)
    screen.get_by_label("Where last seen").fill("the bus station")
    screen.get_by_label("Police").check()
    screen.get_by_role("button", name="Record as missing").click()
    expect(screen.locator(".flash").first).to_contain_text("The case stays open")
    expect(screen.locator("main")).to_contain_text("still missing")
    no_sideways_scrolling(screen)
    found = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
    screen.get_by_label("Found on (UTC)").fill(found)
    screen.get_by_role("button", name="Record as found again").click()
    expect(screen.locator(".flash").first).to_contain_text("found again")

    # The help page draws the tracks as pictures from the definitions.
    screen.goto("/help/workflows")
    expect(screen.locator("svg.track-diagram")).to_have_count(5)
    expect(screen.locator('svg.track-diagram g[data-state="referred_on"]')).to_have_count(1)
    no_sideways_scrolling(screen)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_nrm_pages_meet_wcag_2_2_aa(browser, live_server, axe_source, viewport,  # noqa: F811
                                        caseworker):
    case = create_case(caseworker, jurisdiction="uk")
    decide(caseworker, case, kind="reasonable_grounds", outcome="negative")
    done = create_case(caseworker)
    with freeze_time(datetime.now(timezone.utc) - timedelta(days=40)):
        decide(caseworker, done, kind="identification", outcome="negative")
    db.session.commit()
    paths = [f"/cases/{case.id}/decisions", f"/cases/{case.id}/missing",
             f"/cases/{done.id}/refer-on", "/help/workflows"]
    found = violations(browser, live_server, axe_source, "caseworker", paths, viewport)
    assert not found, "\n".join(map(str, found))
