"""Issue 14: a caseworker's and a supervisor's day done only in the browser, on a desktop and
on a 360-pixel phone, with axe-core checking the new pages (WCAG 2.2 AA)."""
import pytest

from referral.accounts.models import AgencyKind
from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, sign_in, sign_out
from tests.browser.test_accessibility import violations
from tests.factories import PASSWORD, create_agency, create_case, create_provider, create_user

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_caseworkers_day_for_a_person_of_unknown_age(request, device, caseworker, screens):
    """Register a person of unknown age (a presumed child), find them by part of a name,
    appoint a guardian, record the guardian's consent, refer, offer a service, extend the
    reflection period; no API call anywhere."""
    page = request.getfixturevalue(device)
    harbour = create_agency("Harbour House", AgencyKind.shelter)
    create_provider("Harbour House shelter", services=("accommodation",), agency=harbour)
    db.session.commit()
    sign_in(page, "caseworker", PASSWORD)

    page.goto("/cases/new")
    page.get_by_label("Given name").fill("Olena")
    page.get_by_label("Family name").fill("Kovalenko")
    page.get_by_label("Nationality").select_option("UA")
    page.get_by_label("First language").select_option("uk")
    page.get_by_label("Referred by").fill("Border police")
    page.get_by_label("Forced labour").check()
    page.get_by_label("Agriculture").check()
    _fits(page)
    if device == "page":
        screens("new-referral")
    page.get_by_role("button", name="Register referral").click()
    expect(page.locator(".badge", has_text="child").first).to_be_visible()

    # Find her again by part of a misspelt name, posted (nothing in the URL).
    page.goto("/cases/")
    page.get_by_label("Name, or part of it").fill("Kowalen")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("Olena Kovalenko")
    assert "Kowalen" not in page.url
    if device == "page":
        screens("case-list-search")
    page.locator("main table a").first.click()

    # A child: a guardian first, then consent by the guardian, then the referral.
    page.get_by_role("link", name="Guardian, reflection period, assignment").click()
    expect(page.locator("main")).to_contain_text("appoint a guardian")
    page.get_by_label("Guardian's name").fill("Maria Popescu")
    page.get_by_label("Organisation").fill("Child services")
    page.get_by_role("button", name="Appoint guardian").click()
    expect(page.locator("#flashes")).to_contain_text("Maria Popescu is now the guardian")
    page.get_by_label("Extend by (days)").fill("14")
    page.get_by_label("Why the period is extended").fill("still recovering; sees a doctor")
    page.get_by_role("button", name="Extend the reflection period").click()
    expect(page.locator("#flashes")).to_contain_text("extended by 14 days")
    _fits(page)
    if device == "page":
        screens("case-actions")

    page.goto(page.url.replace("/actions", "/consents"))
    page.locator("#purpose").select_option("referral")
    page.get_by_label("Recipient from the directory").select_option(label="Harbour House shelter")
    page.get_by_label("Language the information was given in").fill("uk")
    page.get_by_label("What the person was told").fill("what, why, who sees it, how to stop")
    page.get_by_label("Given by").select_option("guardian")
    page.get_by_label("The child's views").fill("she agrees")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator("#flashes")).to_contain_text("Consent recorded")
    # Consent to the services themselves: what accepting an offer needs (CO-1).
    page.locator("#purpose").select_option("service")
    page.get_by_label("Recipient from the directory").select_option(label="Harbour House shelter")
    page.get_by_label("Language the information was given in").fill("uk")
    page.get_by_label("What the person was told").fill("what the service is, that she may stop")
    page.get_by_label("Given by").select_option("guardian")
    page.get_by_label("The child's views").fill("she wants to see a doctor")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator("#flashes")).to_contain_text("Consent recorded")

    page.goto(page.url.replace("/consents", "/referrals"))
    page.get_by_label("Provider", exact=True).select_option(label="Harbour House shelter")
    page.get_by_label("Service", exact=True).select_option("accommodation")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator("#flashes")).to_contain_text("Referral sent")
    page.get_by_label("Service to offer").select_option("medical")
    page.get_by_role("button", name="Offer this service").click()
    page.get_by_role("button", name="Person accepts").click()
    expect(page.locator("#flashes")).to_contain_text("The person accepted the offer")
    _fits(page)
    if device == "page":
        screens("referrals-and-offers")


def test_a_supervisors_day(page, screens, agency, caseworker, supervisor):
    """Workload by caseworker, an overdue follow-up handed over and noted from the
    dashboard, a consent override approved."""
    from datetime import timedelta
    from referral.database import utcnow
    from referral.reminders import service as reminders
    create_user("caseworker", agency=agency, username="cw2", display_name="Carla Two")
    child = create_case(caseworker, person={"date_of_birth": None, "age_estimate": None})
    reminders.plan_deadline(child.id, "guardian_appointment", utcnow() - timedelta(days=3),
                            source_key="day", remind_days=(), risk=3,
                            assignee_id=caseworker.id)
    db.session.commit()
    sign_in(page, "caseworker", PASSWORD)
    page.goto(f"/cases/{child.id}/consents")
    page.get_by_label("Why consent cannot be given now").fill(
        "urgent medical care tonight; the guardian is not appointed yet")
    page.get_by_role("button", name="Ask for an override").click()
    expect(page.locator("#flashes")).to_contain_text("Override requested")
    sign_out(page)

    sign_in(page, "supervisor", PASSWORD)
    if "/account/mfa" in page.url:
        page.get_by_role("link", name="Set up later").click()
    page.goto("/supervision/")
    expect(page.get_by_role("heading", name="Workload by caseworker")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Carla Two")
    page.get_by_label("Note why it is late").fill("the person was in hospital")
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator("#flashes")).to_contain_text("noted on the follow-up")
    page.get_by_label("Hand this follow-up to").select_option(label="Carla Two")
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#flashes")).to_contain_text("Follow-up handed over")
    screens("supervision-dashboard")
    page.goto(f"/cases/{child.id}/consents")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#flashes")).to_contain_text("Override approved")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_new_pages_meet_wcag_2_2_aa(browser, live_server, axe_source, viewport,
                                        caseworker, supervisor, a_case):
    paths = [f"/cases/{a_case.id}/actions", "/cases/anonymous-notification",
             f"/cases/{a_case.id}/reintegration", f"/cases/{a_case.id}/referrals",
             f"/cases/{a_case.id}/consents", "/cases/new", "/cases/"]
    found = violations(browser, live_server, axe_source, "caseworker", paths, viewport)
    found += violations(browser, live_server, axe_source, "supervisor",
                        ["/supervision/", "/privacy/break-glass"], viewport)
    assert not found, "\n".join(map(str, found))


@pytest.fixture(scope="module")
def axe_source():
    import hashlib
    import os
    from tests.browser.test_accessibility import AXE, AXE_SHA256
    if not AXE.exists():
        reason = f"needs axe-core at {AXE} (.ci/install-browser fetches it)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "not the pinned axe-core"
    return source.decode()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_supervisors_day_with_the_steps_that_cannot_be_taken_back(
        request, device, agency, caseworker, supervisor, shelter_agency, shelter_user,
        admitted, screens):
    """Escalate an overdue follow-up and review a refused attempt from the dashboard,
    restrict a case to named staff and lift it again, erase a file at the person's request;
    the shelter ends a stay. Each irreversible or adverse step asks for what its rule needs
    and is confirmed first; a refusal links its rule to the rules in plain words."""
    from datetime import timedelta
    from referral.database import utcnow
    from referral.reminders import service as reminders
    page = request.getfixturevalue(device)
    shots = screens if device == "page" else (lambda name: None)
    leaving = create_case(caseworker, person={"given_name": "Ana", "family_name": "Erased"})
    reminders.plan_deadline(admitted.case_id, "hearing", utcnow() - timedelta(hours=5),
                            assignee_id=caseworker.id)
    db.session.commit()

    # The shelter: a reason tied to cooperation is refused and shown to supervisors (NC-3);
    # a reason from the list, the person's view, then the confirmation, ends the stay.
    sign_in(page, "shelter", PASSWORD)
    page.goto(f"/shelter/stays/{admitted.id}")
    page.locator("summary", has_text="End the stay").click()
    page.locator("#end-code").select_option("safety_of_residents")
    page.locator("#end-view").fill("she wants to stay")
    page.locator("#end-text").fill("she refused to give a statement to the police")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("NC-3")
    if not page.locator("#end-code").is_visible():  # the form stays open on its message
        page.locator("summary", has_text="End the stay").click()
    page.locator("#end-code").select_option("moved_to_other_accommodation")
    page.locator("#end-view").fill("she agrees and thanks the staff")
    page.locator("#end-text").fill("a place nearer her work")
    _fits(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="End the stay?")).to_be_visible()
    _fits(page)
    shots("shelter-end-stay-confirm")
    page.get_by_role("button", name="Yes, end the stay").click()
    expect(page.locator("#flashes")).to_contain_text("The stay is ended")
    sign_out(page)

    sign_in(page, "supervisor", PASSWORD)
    if "/account/mfa" in page.url:
        page.get_by_role("link", name="Set up later").click()
    page.goto("/supervision/")
    page.get_by_label("Escalate: what must happen now").fill("the hearing needs a lawyer today")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator("#flashes")).to_contain_text("Escalated")
    expect(page.locator("main")).to_contain_text("she refused to give a statement")
    _fits(page)
    shots("supervision-escalated")
    page.get_by_role("button", name="Mark reviewed").first.click()
    expect(page.locator("#flashes")).to_contain_text("Marked as reviewed")
    assert page.url.endswith("/supervision/")

    # DP-7: restrict to named staff, then lift it (confirmed).
    page.goto(f"/cases/{leaving.id}")
    page.get_by_role("link", name="Restriction to named staff").click()
    page.get_by_label("Why the case is restricted").fill(
        "officers of the local police are suspected of involvement")
    page.get_by_role("button", name="Restrict the case").click()
    expect(page.locator("#flashes")).to_contain_text("restricted to the named staff")
    _fits(page)
    shots("restriction-named-staff")
    page.get_by_label("Why the restriction is lifted").fill("the inquiry cleared the officers")
    page.get_by_label("I confirm: every caseworker").check()
    page.get_by_role("button", name="Lift the restriction").click()
    expect(page.locator("#flashes")).to_contain_text("The restriction is lifted")

    # DP-5: the reference typed, a page of its own to confirm, then the file is gone.
    page.goto(f"/cases/{leaving.id}")
    page.get_by_role("link", name="Erase the file").click()
    page.get_by_label("Type the case reference").fill(leaving.reference)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Erase the file?")).to_be_visible()
    _fits(page)
    shots("erasure-confirm")
    page.get_by_role("button", name="Yes, erase the file").click()
    expect(page.locator("#flashes")).to_contain_text(f"The file {leaving.reference} is erased")

    # A refusal names its rule and links to it, in plain words.
    page.goto("/help/rules#DP-5")
    expect(page.locator("#DP-5")).to_contain_text("Erasure, and the legal hold")
    _fits(page)
    shots("rules-in-plain-words")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_pages_for_steps_that_cannot_be_taken_back_meet_wcag_2_2_aa(
        browser, live_server, axe_source, viewport, caseworker, supervisor, shelter_user,
        admitted):
    other = create_case(caseworker)
    db.session.commit()
    found = violations(browser, live_server, axe_source, "supervisor",
                       [f"/privacy/cases/{other.id}/restriction",
                        f"/privacy/cases/{other.id}/erasure", "/help/rules"], viewport)
    found += violations(browser, live_server, axe_source, "shelter",
                        [f"/shelter/stays/{admitted.id}"], viewport)
    assert not found, "\n".join(map(str, found))
