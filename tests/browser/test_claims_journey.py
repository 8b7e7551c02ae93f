"""RR-2, DP-5 in the browser: legal aid records an asylum claim (return is blocked while it
is pending), records its decision, and files a compensation claim that is awarded and paid
(the legal hold ends); each step shows in the claim's history. In English on a desktop and
in French on a 360-pixel phone, with axe-core's WCAG 2.2 AA rules on every page."""
from datetime import timedelta

import pytest

from referral.database import utcnow
from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_source  # noqa: F401 (fixture)
from tests.browser.test_roles_days import day  # noqa: F401 (fixture)
from tests.factories import create_user

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.parametrize("lang,viewport", [("en", DESKTOP), ("fr", PHONE)],
                         ids=["en-desktop", "fr-phone"])
def test_RR2_DP5_legal_aid_moves_claims_on_in_the_browser(day, lang, viewport,  # noqa: F811
                                                          caseworker, a_case):
    from referral.accounts.models import AgencyKind
    from referral.legal import service as legal
    from tests.factories import create_agency
    lawyer = create_user("legal_aid", agency=create_agency("Justice Access",
                                                           AgencyKind.legal_aid),
                         username="lawyer")
    db.session.commit()
    legal.assign_legal_aid(caseworker, a_case, lawyer.id)
    db.session.commit()
    d = day(lang, viewport)
    page = d.page
    d.sign_in("lawyer")
    page.goto(f"/cases/{a_case.id}/legal")
    d.link("Asylum claims, permits and compensation: history and next steps").click()
    d.check()

    page.locator("summary").filter(has_text=d.t("Record an asylum claim")).click()
    d.button("Record the asylum claim").click()
    d.flash("Recorded.")
    expect(page.locator("main")).to_contain_text(d.t("return blocked while pending"))

    asylum = page.locator("article").filter(has_text=d.t("asylum claim")).first
    asylum.locator("summary").filter(has_text=d.t("Record the next step")).click()
    asylum.get_by_label(d.t("Step"), exact=True).select_option("granted")
    asylum.get_by_label(d.t("Reason or grounds")).fill("recognised as a refugee")
    asylum.get_by_role("button", name=d.t("Record the step")).click()
    d.flash("Step recorded.")
    expect(page.locator("main")).not_to_contain_text(d.t("return blocked while pending"))
    expect(page.locator("main")).to_contain_text("recognised as a refugee")

    page.locator("summary").filter(has_text=d.t("File a compensation claim")).click()
    page.get_by_label(d.t("Amount claimed")).fill("4000")
    page.get_by_label(d.t("Currency (ISO 4217, e.g. EUR)")).fill("EUR")
    page.get_by_label(d.t("Limitation date")).fill(
        (utcnow() + timedelta(days=300)).strftime("%Y-%m-%d"))
    d.button("File the claim").click()
    d.flash("Compensation claim filed, with reminders before its limitation date.")
    claim = page.locator("article[id^=compensation-]").first
    expect(claim).to_contain_text(d.t("legal hold"))
    claim.locator("summary").filter(has_text=d.t("Record the next step")).click()
    claim.get_by_label(d.t("Step"), exact=True).select_option("awarded")
    claim.get_by_label(d.t("Amount awarded (when awarded)")).fill("2500")
    claim.get_by_role("button", name=d.t("Record the step")).click()
    d.flash("Step recorded.")
    claim = page.locator("article[id^=compensation-]").first
    claim.locator("summary").filter(has_text=d.t("Record the next step")).click()
    claim.get_by_label(d.t("Step"), exact=True).select_option("paid")
    claim.get_by_role("button", name=d.t("Record the step")).click()
    d.flash("Step recorded.")
    claim = page.locator("article[id^=compensation-]").first
    expect(claim).not_to_contain_text(d.t("legal hold"))
    expect(claim).to_contain_text(d.t("No further step: this is final."))
    d.shot("claims")
