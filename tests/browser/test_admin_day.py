"""An administrator's day done only in the browser, in Arabic (right to left) and Spanish,
on a desktop and a 360-pixel phone, with axe-core's WCAG 2.2 AA rules on every page it
opens (issue 18): an agency and a staff member added, a role given, an account deactivated,
a lost laptop's session ended, a lost phone's two-step sign-in reset with a second
administrator's approval, and a directory entry changed."""
import pyotp
import pytest

from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_source  # noqa: F401 (fixture)
from tests.browser.test_roles_days import day  # noqa: F401 (fixture)
from tests.factories import PASSWORD, create_provider, create_user

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

MATRIX = [("ar", DESKTOP), ("ar", PHONE), ("es", DESKTOP), ("es", PHONE)]
IDS = ["ar-desktop", "ar-phone", "es-desktop", "es-phone"]
LAPTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
          "Firefox/128.0")


def sign_in_elsewhere(browser, live_server, username, secret):
    """The colleague's own laptop, signed in with their password and a code."""
    context = browser.new_context(base_url=live_server, user_agent=LAPTOP)
    page = context.new_page()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("#otp").fill(pyotp.TOTP(secret).now())
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


@pytest.mark.parametrize("lang,viewport", MATRIX, ids=IDS)
def test_an_administrators_day_in_arabic_and_spanish(day, lang, viewport, agency,  # noqa: F811
                                                      browser, live_server):
    create_user("admin", agency=agency, username="the-admin", display_name="Amal Admin")
    create_user("admin", agency=agency, username="second-admin", display_name="Sami Second")
    secret = pyotp.random_base32()
    colleague = create_user("caseworker", agency=agency, username="lost-phone",
                            display_name="Layla Lost")
    colleague.mfa_secret = secret
    provider = create_provider("Clinic One", services=("medical",))
    db.session.commit()
    laptop, laptop_page = sign_in_elsewhere(browser, live_server, "lost-phone", secret)

    d = day(lang, viewport)
    page = d.page
    d.sign_in("the-admin")
    if lang == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # An agency of the shelter kind.
    page.goto("/admin/agencies")
    d.check()
    page.get_by_label(d.t("Name"), exact=True).fill("دار المرفأ" if lang == "ar"
                                                     else "Casa Puerto")
    page.get_by_label(d.t("Kind"), exact=True).select_option("shelter")
    d.button("Add agency").click()
    d.flash("Agency %(name)s added.", name="دار المرفأ" if lang == "ar" else "Casa Puerto")

    # A new staff member, a role added, then deactivated.
    page.goto("/admin/users")
    d.check()
    page.get_by_label(d.t("Username")).fill("new-colleague")
    page.get_by_label(d.t("Full name")).fill("Nour Colleague")
    page.get_by_label(d.t("First password")).fill("a first long password")
    page.get_by_label(d.t("Caseworker"), exact=True).check()
    d.button("Create account").click()
    d.flash("Account created for %(name)s.", name="Nour Colleague")
    page.get_by_label(d.t("Supervisor"), exact=True).check()
    d.button("Save roles").click()
    d.flash("Roles saved. The person signs in again to use them.")
    d.button("Deactivate").click()
    d.flash("%(name)s is deactivated and signed out everywhere.", name="Nour Colleague")

    # Layla lost her bag: the laptop's session is ended, and her phone's key reset is asked.
    page.goto("/admin/users")
    page.get_by_role("link", name="Layla Lost").click()
    d.check()
    laptop_label = d.t("%(browser)s on %(system)s", browser="Firefox", system="Windows")
    expect(page.locator("main")).to_contain_text(laptop_label)
    d.shot("admin-sessions")
    page.get_by_role("button", name=d.t("End the session on %(device)s",
                                        device=laptop_label)).click()
    d.flash("That session is ended.")
    d.button("Ask for a reset").click()
    d.flash("Reset asked. A second administrator must approve it.")
    expect(d.button("Approve the reset")).to_have_count(0)  # not by the one who asked
    laptop_page.goto("/account")
    laptop_page.wait_for_url(lambda url: "/login" in url)  # that laptop is signed out
    laptop.close()

    # The directory: the clinic is a health service now.
    page.goto("/admin/providers")
    d.check()
    page.get_by_role("link", name="Clinic One").click()
    d.check()
    page.get_by_label(d.t("Kind of recipient")).select_option("health")
    page.get_by_label(d.t("Psychological support")).check()
    d.shot("directory-entry")
    d.button("Save").click()
    d.flash("%(name)s is saved.", name="Clinic One")
    expect(page.locator("main")).to_contain_text(d.t("Health"))

    # The second administrator approves the reset; Layla sets two-step sign-in up again.
    second = day(lang, viewport)
    second.sign_in("second-admin")
    second.page.goto("/admin/users")
    second.check()
    second.page.get_by_role("link", name="Layla Lost").first.click()
    second.button("Approve the reset").click()
    second.flash("Two-step sign-in reset for %(name)s. They set it up again at their next "
                 "sign-in.", name="Layla Lost")
    db.session.refresh(colleague)
    assert colleague.mfa_secret is None
