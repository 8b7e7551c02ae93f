"""The journeys of issue #8 in a real browser: a caseworker registers a referral, records
consent, refers to a shelter; the shelter admits and sees only the voluntary-stay view; the
person leaves; a supervisor sees an overdue follow-up. And the same pages on a phone."""
import re
from datetime import timedelta

import pytest

from referral.accounts.models import AgencyKind
from referral.database import utcnow
from referral.extensions import db
from referral.reminders import service as reminders
from tests.browser.conftest import sign_in, sign_out
from tests.factories import PASSWORD, create_agency, create_case, create_provider, create_user

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

NARRATIVE = "BROWSER-SENTINEL: recruited at a bus station with a promise of farm work"


def test_referral_consent_shelter_admission_and_leaving(page, screens, caseworker):
    harbour = create_agency("Harbour House", AgencyKind.shelter)
    shelter = create_provider("Harbour House shelter", services=("accommodation",),
                              agency=harbour, languages=["en", "ro"])
    create_user("shelter_staff", agency=harbour, username="shelter")
    db.session.commit()

    # A caseworker registers the referral: the person is a presumed victim from now.
    sign_in(page, "caseworker", PASSWORD)
    screens("home-caseworker")
    page.get_by_role("link", name="New referral").first.click()
    page.get_by_label("Given name").fill("Ana")
    page.get_by_label("Family name").fill("Browserova")
    # With no date of birth or age she would be presumed a child (CH-1) and consent would
    # be the guardian's; she is an adult.
    page.get_by_label("Date of birth", exact=True).fill("1994-03-02")
    page.get_by_label("Nationality").select_option("RO")
    page.get_by_label("Referred by").fill("Labour inspectorate")
    page.get_by_label("Forced labour").check()
    page.get_by_label("What happened (in the person's words)").fill(NARRATIVE)
    screens("new-referral")
    page.get_by_role("button", name="Register referral").click()
    expect(page.locator(".flash")).to_contain_text("presumed victim")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^[A-Z0-9-]+$"))
    reference = page.get_by_role("heading", level=1).inner_text()
    screens("case-file")

    # Consent to be referred to the shelter and to stay there, as the person gave it.
    page.get_by_role("link", name="Consent").click()
    for purpose in ("referral", "service"):
        page.get_by_label("Purpose").select_option(purpose)
        page.get_by_label("Recipient from the directory").select_option(
            label="Harbour House shelter")
        page.get_by_label("Language the information was given in").fill("ro")
        page.get_by_label("What the person was told").fill(
            "What the shelter is, who will see what, and that she can say no or change "
            "her mind at any time.")
        page.get_by_role("button", name="Record consent").click()
        expect(page.locator(".flash").first).to_contain_text("ecorded")
    screens("consent")

    # The referral to the shelter.
    page.get_by_role("link", name=f"← {reference}").click()
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_label("Provider", exact=True).select_option(str(shelter.id))
    page.get_by_label("Service", exact=True).select_option("accommodation")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".flash").first).to_contain_text("Referral sent")
    sign_out(page)

    # The shelter accepts and admits; it sees the stay, never the case file.
    sign_in(page, "shelter", PASSWORD)
    page.get_by_role("link", name="Referrals received").click()
    row = page.get_by_role("row", name=re.compile(reference))
    row.get_by_role("button", name="Accept").click()
    page.get_by_role("row", name=re.compile(reference)).get_by_role("button",
                                                                   name="Admit").click()
    expect(page.get_by_role("heading", name="Residents")).to_be_visible()
    resident = page.get_by_role("row", name=re.compile("Ana"))
    expect(resident).to_contain_text("voluntary")
    body = page.content()
    assert NARRATIVE not in body and reference not in body
    screens("shelter-residents")

    # The person leaves; nothing stands in the way but a confirmation against a misclick.
    resident.locator("summary", has_text="Record leaving").click()
    resident.get_by_role("button", name="Confirm: the person has left").click()
    expect(page.locator(".flash").first).to_contain_text("Leaving is always their choice")
    expect(page.get_by_role("row", name=re.compile("Ana"))).to_have_count(0)


def test_a_supervisor_sees_an_overdue_follow_up(page, screens, caseworker, agency):
    create_user("supervisor", agency=agency, username="boss", mfa_deferred=True)
    case = create_case(caseworker)
    reminders.plan_deadline(case.id, "reintegration_checkin", utcnow() - timedelta(days=4),
                            source_key="browser-journey", remind_days=(), risk=3,
                            assignee_id=caseworker.id)
    db.session.commit()
    sign_in(page, "boss", PASSWORD)
    # Enrolment is deferred for this supervisor (as in the demo): sign-in offers the set-up,
    # and "Set up later" goes on with the day.
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    page.get_by_role("link", name="Set up later").click()
    panel = page.get_by_role("region", name="Needs your attention")
    expect(panel).to_contain_text(case.reference)
    expect(panel).to_contain_text("reintegration check-in, 4 days overdue")
    screens("home-supervisor")
    page.get_by_role("link", name="Supervision").first.click()
    expect(page.locator("main")).to_contain_text(case.reference)
    screens("supervision-dashboard")


def test_the_case_file_works_on_a_phone(phone, caseworker, a_case):
    sign_in(phone, "caseworker", PASSWORD)
    phone.goto(f"/cases/{a_case.id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(a_case.reference)
    # Nothing wider than the screen: no sideways scrolling on a 360-pixel phone.
    overflow = phone.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360
    if __import__("os").environ.get("UPDATE_SCREENSHOTS"):
        from tests.browser.conftest import SCREENSHOTS
        phone.screenshot(path=str(SCREENSHOTS / "case-file-phone.png"), full_page=True)


def test_consent_is_withdrawn_only_after_confirming(page, caseworker, a_case):
    from tests.factories import give_consent
    give_consent(caseworker, a_case, "photograph", recipient_name="Caseworker's file")
    db.session.commit()
    sign_in(page, "caseworker", PASSWORD)
    page.goto(f"/cases/{a_case.id}/consents")
    page.get_by_role("button", name="Withdraw…").click()
    # A misclick changes nothing: the next page asks, and "No" keeps the consent.
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("button", name="Withdraw…")).to_have_count(1)
    page.get_by_role("button", name="Withdraw…").click()
    page.get_by_role("button", name="Yes, withdraw consent").click()
    expect(page.locator("#flashes")).to_contain_text("ithdrawn")
    expect(page.get_by_role("button", name="Withdraw…")).to_have_count(0)


def test_what_is_typed_into_a_referral_survives_the_session_ending(page, caseworker):
    sign_in(page, "caseworker", PASSWORD)
    page.goto("/cases/new")
    page.get_by_label("Given name").fill("Marta")
    page.get_by_label("What happened (in the person's words)").fill(
        "She answered an advert for cleaning work abroad.")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved at")
    page.context.clear_cookies()  # the session is gone, as after a timeout
    sign_in(page, "caseworker", PASSWORD)
    page.goto("/cases/new")
    expect(page.get_by_label("Given name")).to_have_value("Marta")
    expect(page.get_by_label("What happened (in the person's words)")).to_have_value(
        "She answered an advert for cleaning work abroad.")
