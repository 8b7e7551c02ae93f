"""Work across agencies in a real browser: a transfer between two agencies, a case team with
a shelter and a legal aid provider, a case conference, an earlier referral found in another
agency and linked, and a handover to a partner abroad who records first contact. And
axe-core's WCAG 2.2 AA rules on the new pages."""
from datetime import date, timedelta

import pytest

from referral.database import utcnow
from tests.agencies.conftest import agencies, case_a, share_consent  # noqa: F401 (fixtures)
from tests.browser.conftest import DESKTOP, PHONE, sign_in, sign_out
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (fixture)
from tests.factories import PASSWORD, create_case

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _local(days):
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT10:00")


def _open_agencies_page(page, case):
    page.goto(f"/cases/{case.id}")
    page.get_by_role("link", name="Other agencies: transfer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Other agencies")


def test_a_transfer_between_two_agencies(page, agencies, case_a):  # noqa: F811
    share_consent(agencies["a_caseworker"], case_a, agencies["b"])
    sign_in(page, "caseworker", PASSWORD)
    _open_agencies_page(page, case_a)
    page.get_by_label("Receiving agency").select_option(label="North Star NGO")
    page.locator("#transfer_consent").select_option(index=1)
    page.get_by_label("Why the case moves").fill("She moved to the north")
    page.get_by_role("button", name="Request transfer").click()
    expect(page.locator(".flash").first).to_contain_text("Transfer requested")
    sign_out(page)
    sign_in(page, "north-cw", PASSWORD)
    page.get_by_role("link", name="Other agencies").first.click()
    expect(page.locator("main")).to_contain_text(case_a.reference)
    page.get_by_role("button", name="Accept the case").click()
    expect(page.locator(".flash").first).to_contain_text("Transfer accepted")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case_a.reference)
    sign_out(page)
    sign_in(page, "caseworker", PASSWORD)
    page.goto(f"/cases/{case_a.id}")
    expect(page.locator("main")).not_to_contain_text("Sentinelpd")


def test_a_case_team_with_a_shelter_and_a_legal_aid_provider(phone, agencies,  # noqa: F811
                                                              case_a):  # noqa: F811
    share_consent(agencies["a_caseworker"], case_a, agencies["shelter"])
    share_consent(agencies["a_caseworker"], case_a, agencies["clinic"])
    sign_in(phone, "caseworker", PASSWORD)
    _open_agencies_page(phone, case_a)
    for who, role, scope, consent in (("shelter-1", "key worker", "shelter", "Harbour Shelter"),
                                      ("lawyer-1", "lawyer", "legal", "Justice Clinic")):
        phone.get_by_label("Member of staff").select_option(
            label=f"{who} — {consent}")
        phone.get_by_label("Role on the case").fill(role)
        phone.locator(f"input[name=scope][value={scope}]").check()
        phone.locator("#team_consent").select_option(label=next(
            o for o in phone.locator("#team_consent option").all_inner_texts()
            if o.startswith(consent)))
        phone.get_by_role("button", name="Add to the team").click()
        expect(phone.locator(".flash").first).to_contain_text("Added to the case team")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(f"/cases/{case_a.id}")
    expect(phone.locator("main")).to_contain_text("Justice Clinic")
    sign_out(phone)
    sign_in(phone, "shelter-1", PASSWORD)
    phone.goto(f"/cases/{case_a.id}/team-view")
    expect(phone.locator("main")).to_contain_text("shelter:")
    expect(phone.locator("main")).not_to_contain_text("legal:")


def test_a_case_conference(page, agencies, case_a):  # noqa: F811
    sign_in(page, "caseworker", PASSWORD)
    _open_agencies_page(page, case_a)
    page.get_by_label("When").fill(_local(3))
    page.get_by_label("Purpose").fill("Safety and housing")
    page.get_by_role("button", name="Schedule conference").click()
    expect(page.locator(".flash").first).to_contain_text("Conference scheduled")
    page.get_by_role("link", name="Safety and housing").click()
    page.get_by_label("The person's participation").select_option("view_given")
    page.get_by_label("The person's view, in their words").fill("I want to stay near my sister")
    page.get_by_label("Minutes").fill("Housing options discussed")
    page.get_by_label("Decisions, one a line").fill("Look for housing nearby")
    page.get_by_label("What").fill("Visit two flats")
    page.get_by_label("By when").fill(_local(7))
    page.get_by_role("button", name="Record conference").click()
    expect(page.locator(".flash").first).to_contain_text("Conference recorded")
    expect(page.locator("main")).to_contain_text("Visit two flats")


def test_a_duplicate_found_across_agencies_and_linked(page, agencies):  # noqa: F811
    earlier = create_case(agencies["b_caseworker"], person={
        "given_name": "Олександр", "family_name": "Коваленко",
        "date_of_birth": date(1995, 3, 4), "nationality": "UA"})
    new = create_case(agencies["a_caseworker"], person={
        "given_name": "Oleksandr", "family_name": "Kowalenko",
        "date_of_birth": date(1995, 3, 4), "nationality": "UA"})
    sign_in(page, "caseworker", PASSWORD)
    _open_agencies_page(page, new)
    page.get_by_role("button", name="Look for an earlier referral").click()
    expect(page.locator(".flash").first).to_contain_text(
        "A possible earlier referral exists in another agency")
    expect(page.locator("main")).not_to_contain_text(earlier.reference)
    page.get_by_role("button", name="Ask that agency to link").click()
    expect(page.locator(".flash").first).to_contain_text("Link requested")
    sign_out(page)
    sign_in(page, "north-cw", PASSWORD)
    page.goto("/agencies/inbox")
    expect(page.locator("main")).to_contain_text(earlier.reference)
    page.get_by_role("button", name="Same person: link").click()
    expect(page.locator(".flash").first).to_contain_text("The referrals are linked")


def test_a_handover_to_a_partner_abroad_who_records_first_contact(page, agencies,  # noqa: F811
                                                                   case_a):  # noqa: F811
    share_consent(agencies["a_caseworker"], case_a, agencies["partner_org"],
                  purpose="cross_border_transfer", data_categories=["identity", "needs"])
    sign_in(page, "caseworker", PASSWORD)
    _open_agencies_page(page, case_a)
    page.get_by_label("Country (two letters)").fill("RO")
    page.locator("input[name=categories][value=identity]").check()
    page.locator("input[name=categories][value=needs]").check()
    page.get_by_label("Answer due").fill(_local(10))
    page.locator("#handover_consent").select_option(index=1)
    page.get_by_role("button", name="Send handover").click()
    expect(page.locator(".flash").first).to_contain_text("Handover sent")
    sign_out(page)
    sign_in(page, "partner-1", PASSWORD)
    page.goto("/partner/handovers")
    page.get_by_role("link", name=case_a.reference).click()
    for step in ("received", "first_contact"):
        page.get_by_label("Step").select_option(step)
        page.get_by_role("button", name="Record step").click()
        expect(page.locator(".flash").first).to_contain_text("Step recorded")
    expect(page.locator("#handover-status")).to_have_text("first contact made")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_pages_of_work_across_agencies_meet_wcag_2_2_aa(browser, live_server,  # noqa: F811
                                                            axe_source, viewport,  # noqa: F811
                                                            agencies, case_a):  # noqa: F811
    from referral.agencies import service
    from referral.extensions import db
    from tests.agencies.conftest import soon
    conference = service.schedule_conference(agencies["a_caseworker"], case_a,
                                             scheduled_for=soon(3), purpose="planning")
    db.session.commit()
    found = violations(browser, live_server, axe_source, "caseworker",
                       [f"/cases/{case_a.id}/agencies", "/agencies/inbox",
                        f"/cases/{case_a.id}/team-view", f"/conferences/{conference.id}"],
                       viewport)
    assert not found, found
