"""A shelter's, a legal aid worker's and an administrator's day done only in the browser
(issue 18), in English and French, on a desktop and a 360-pixel phone, with axe-core's WCAG
2.2 AA rules on every page the journey opens.

The words the journeys look for are the app's own English strings, read through the
language's catalog: a French journey clicks what a French reader sees."""
import gettext
from datetime import timedelta
from pathlib import Path

import pytest

from referral.database import utcnow
from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import TAGS, axe_source  # noqa: F401 (fixture)
from tests.factories import PASSWORD, create_provider, create_user, give_consent

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

TRANSLATIONS = Path(__file__).resolve().parents[2] / "referral" / "translations"
MATRIX = [("en", DESKTOP), ("en", PHONE), ("fr", DESKTOP), ("fr", PHONE)]
IDS = ["en-desktop", "en-phone", "fr-desktop", "fr-phone"]


class Day:
    """One person's browser for the journey: their language, their screen, and the checks
    run on every page (axe-core, no sideways scrolling on the phone)."""

    def __init__(self, browser, live_server, axe, lang, viewport):
        self.lang, self.viewport, self.axe = lang, viewport, axe
        self.catalog = gettext.translation("messages", str(TRANSLATIONS), languages=[lang],
                                           fallback=True)
        # The app's CSP rightly forbids injected scripts; only the checker bypasses it.
        self.context = browser.new_context(viewport=viewport, base_url=live_server,
                                           locale=lang, bypass_csp=True,
                                           is_mobile=viewport is PHONE,
                                           has_touch=viewport is PHONE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.found = []

    def t(self, text, **values):
        return self.catalog.gettext(text) % values if values else self.catalog.gettext(text)

    def check(self):
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        if self.viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
                page.url
        page.add_script_tag(content=self.axe)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', "
                               "values: tags}})", TAGS)
        self.found += [(page.url, v["id"], v["help"], v["nodes"][0]["target"])
                       for v in result["violations"]]

    def shot(self, name):
        """A screenshot for the README (docs/screenshots) when UPDATE_SCREENSHOTS=1."""
        import os

        from tests.browser.conftest import SCREENSHOTS
        if os.environ.get("UPDATE_SCREENSHOTS"):
            device = "phone" if self.viewport is PHONE else "desktop"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.lang}-{device}.png"),
                                 full_page=True)

    def sign_in(self, username, password=PASSWORD):
        page = self.page
        page.goto("/login")
        page.get_by_label(self.t("Username")).fill(username)
        page.get_by_label(self.t("Password"), exact=True).fill(password)
        page.get_by_role("button", name=self.t("Sign in")).click()
        page.wait_for_url(lambda url: "/login" not in url)
        self.check()

    def button(self, text, **values):
        return self.page.get_by_role("button", name=self.t(text, **values), exact=True)

    def link(self, text, **values):
        return self.page.get_by_role("link", name=self.t(text, **values), exact=True)

    def flash(self, text, **values):
        expect(self.page.locator(".flash").first).to_contain_text(self.t(text, **values))
        self.check()

    def close(self):
        self.context.close()
        assert not self.found, "\n".join(map(str, self.found))


@pytest.fixture
def day(browser, live_server, axe_source, request):  # noqa: F811
    made = []

    def make(lang, viewport):
        made.append(Day(browser, live_server, axe_source, lang, viewport))
        return made[-1]
    yield make
    for each in made:
        each.close()


def _day_str(days):
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%d")


@pytest.mark.parametrize("lang,viewport", MATRIX, ids=IDS)
def test_a_shelters_day_in_the_browser(day, lang, viewport, caseworker, a_case,
                                       shelter_provider, shelter_user):
    from referral.services import service as services
    give_consent(caseworker, a_case, "referral", shelter_provider)
    give_consent(caseworker, a_case, "service", shelter_provider)  # the second consent
    services.make_referral(caseworker, a_case, provider_id=shelter_provider.id,
                           service="accommodation")
    db.session.commit()
    d = day(lang, viewport)
    page = d.page
    d.sign_in("shelter")
    d.link("Referrals received").first.click()
    d.check()
    d.button("Accept").click()
    d.flash("Referral accepted.")
    expect(page.locator("main")).to_contain_text(d.t("consent to the stay recorded"))
    page.get_by_label(d.t("Room (optional)")).fill("12")
    d.button("Admit").click()
    d.flash("Admitted. The stay is voluntary: the person may leave at any time.")
    d.link("Open the stay").click()
    d.check()
    expect(page.locator("main")).to_contain_text(d.t("The person may leave at any time (SH-1)."))

    # A restriction, for her safety only, with its legal basis, review and expiry.
    page.locator("summary").filter(has_text=d.t(
        "Record a restriction (exceptional, for the person’s safety only)")).click()
    page.get_by_label(d.t("Legal basis")).fill("Shelter Act s.12")
    page.get_by_label(d.t("Decided by")).fill("The director")
    page.get_by_label(d.t("Safety reason")).fill("The recruiter was seen at the gate")
    page.get_by_label(d.t("Review on")).fill(_day_str(2))
    page.get_by_label(d.t("Expires on")).fill(_day_str(5))
    page.locator("#restrict-code").select_option("trafficker_nearby")
    page.locator("#restrict-view").fill("I will stay inside for a few days")
    page.get_by_label(d.t("I confirm this step")).check()
    d.button("Record the restriction").click()
    d.flash("Restriction recorded, with its expiry and review date.")
    expect(page.locator("main")).to_contain_text("Shelter Act s.12")
    d.shot("shelter-stay")

    # Court is always allowed (SH-5); her passport is logged, then returned (SH-4).
    page.get_by_label(d.t("Going to")).select_option("court")
    d.button("Record the outing").click()
    d.flash("Outing recorded. Going to court, a lawyer or a doctor is always allowed.")
    page.get_by_label(d.t("Item"), exact=True).select_option("document")
    page.get_by_label(d.t("Description"), exact=True).fill("Passport")
    d.button("Log the item").click()
    d.flash("Item logged. It is the person's: return it whenever they ask.")
    d.button("Return to the person").click()
    d.flash("Returned to the person.")
    page.locator("summary").first.page.get_by_label(d.t("Why it is lifted")).fill(
        "reviewed with her")
    d.button("Lift").click()
    d.flash("Restriction lifted: the stay is voluntary again.")
    d.button("Record leaving").click()
    d.button("Yes, the person has left").click()  # confirmed against a misclick
    d.flash("Recorded: the person has left. Leaving is always their choice.")
    expect(page.locator("main")).not_to_contain_text("forced to work")  # SH-3


@pytest.mark.parametrize("lang,viewport", MATRIX, ids=IDS)
def test_a_legal_aid_workers_day_in_the_browser(day, lang, viewport, caseworker, a_case):
    from referral.accounts.models import AgencyKind
    from referral.legal import service as legal
    from tests.factories import create_agency
    lawyer = create_user("legal_aid", agency=create_agency("Justice Access",
                                                           AgencyKind.legal_aid),
                         username="lawyer")
    db.session.commit()
    legal.assign_legal_aid(caseworker, a_case, lawyer.id)
    give_consent(caseworker, a_case, "data_share", recipient_name="Public prosecutor",
                 recipient_category="prosecutor")
    db.session.commit()
    d = day(lang, viewport)
    page = d.page
    d.sign_in("lawyer")
    expect(page.locator("main")).to_contain_text(d.t("Nothing due this week."))
    d.link("Legal matters").first.click()
    d.check()
    page.get_by_role("link", name=a_case.reference).click()
    d.check()

    # Proceedings against her for false documents: the non-punishment track (LP-4).
    page.locator("summary").filter(has_text=d.t("Record proceedings")).click()
    page.get_by_label(d.t("Kind"), exact=True).select_option("criminal")
    page.get_by_label(d.t("The person is"), exact=True).select_option("suspect")
    page.get_by_label(d.t("Offence alleged (when the person is a suspect)")).select_option(
        "false_documents")
    page.get_by_label(d.t("Court or authority")).fill("Magistrates' court")
    d.button("Record proceedings").click()
    d.flash("Proceedings recorded.")

    # A hearing tomorrow, with what she must do; it is due this week (or next, on Sunday).
    page.locator("summary").filter(has_text=d.t("Add a hearing")).click()
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    page.get_by_label(d.t("Date and time")).fill(tomorrow)
    page.get_by_label(d.t("Place")).fill("Room 4")
    page.get_by_label(d.t("What the person must do")).fill("Bring the summons")
    d.button("Add the hearing").click()
    d.flash("Hearing added, with reminders a week and a day before.")
    expect(page.locator("main")).to_contain_text("Room 4")

    page.locator("summary").filter(has_text=d.t("Record a protective measure")).click()
    page.get_by_label(d.t("Measure"), exact=True).select_option("video_link")
    page.get_by_label(d.t("Review on")).fill(_day_str(30))
    d.button("Record the measure").click()
    d.flash("Protective measure recorded, with its review date.")
    d.shot("legal-track")

    # The advisory letter, in her language, as a page to print.
    href = d.link("Open the advisory letter to print").get_attribute("href")
    page.goto(href)
    expect(page.locator("body")).to_contain_text("Magistrates' court")
    page.go_back()

    d.link("Privileged notes").click()
    d.check()
    page.get_by_label(d.t("New note")).fill("Advice: the documents were taken from her")
    d.button("Save the note").click()
    d.flash("Privileged note saved.")

    page.goto("/legal/calendar")
    d.check()
    expect(page.locator("main")).to_contain_text(a_case.reference)
    page.goto("/")
    d.check()
    if utcnow().weekday() < 6:
        due = page.locator("section", has=page.get_by_role("heading", name=d.t(
            "Hearings and deadlines")))
        expect(due).to_contain_text(a_case.reference)


@pytest.mark.parametrize("lang,viewport", MATRIX, ids=IDS)
def test_an_administrators_day_in_the_browser(day, lang, viewport, agency):
    create_user("admin", agency=agency, username="the-admin")
    create_user("admin", agency=agency, username="second-admin")
    db.session.commit()
    d = day(lang, viewport)
    page = d.page
    d.sign_in("the-admin")
    d.link("Staff accounts").first.click()
    d.check()

    # A new caseworker: the account is made in the administrator's agency.
    page.get_by_label(d.t("Username")).fill("new-colleague")
    page.get_by_label(d.t("Full name")).fill("Nour Colleague")
    page.get_by_label(d.t("First password")).fill("a first long password")
    page.get_by_label(d.t("Caseworker"), exact=True).check()
    d.button("Create account").click()
    d.flash("Account created for %(name)s.", name="Nour Colleague")

    # Roles: supervisor added; then the account is deactivated and reactivated.
    page.get_by_label(d.t("Supervisor"), exact=True).check()
    d.button("Save roles").click()
    d.flash("Roles saved. The person signs in again to use them.")
    d.button("Deactivate").click()
    d.flash("%(name)s is deactivated and signed out everywhere.", name="Nour Colleague")
    expect(page.locator("main")).to_contain_text(d.t("deactivated"))
    d.button("Reactivate").click()
    d.flash("%(name)s can sign in again.", name="Nour Colleague")
    d.shot("admin-user")

    # Agencies with their kinds and ids; a shelter added.
    page.goto("/admin/agencies")
    d.check()
    page.get_by_label(d.t("Name"), exact=True).fill("Harbour House")
    page.get_by_label(d.t("Kind"), exact=True).select_option("shelter")
    d.button("Add agency").click()
    d.flash("Agency %(name)s added.", name="Harbour House")

    # The directory: a provider linked to the new shelter.
    page.goto("/admin/providers")
    d.check()
    page.get_by_label(d.t("Name"), exact=True).fill("Harbour House beds")
    page.get_by_label(d.t("Safe accommodation")).check()
    page.get_by_label(d.t("Agency receiving referrals")).select_option(label="Harbour House")
    d.button("Add provider").click()
    d.flash("%(name)s is in the directory.", name="Harbour House beds")
    expect(d.link("Export the directory (HSDS JSON)")).to_be_visible()

    # Their own page: the password changes, and the session goes on in this browser.
    page.goto("/account")
    d.check()
    page.get_by_label(d.t("Current password")).fill(PASSWORD)
    page.get_by_label(d.t("New password"), exact=True).fill("my own new passphrase")
    page.get_by_label(d.t("New password again")).fill("my own new passphrase")
    d.button("Change password").click()
    d.flash("Password changed. You are signed out everywhere else.")
    expect(page.locator("main")).to_contain_text(d.t("This browser"))
