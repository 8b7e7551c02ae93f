"""A legal aid worker's day done only in the browser (issue 18), in English and Spanish, on a
desktop and a 360-pixel phone, with axe-core's WCAG 2.2 AA rules on every page it opens.

The caseworker assigns legal aid from the legal page; the lawyer records proceedings, a
hearing, what the person was told and in which language (LP-1), a protective measure (LP-2),
an update that keeps the earlier version (a second tab's stale edit is refused, not saved
over it), cooperation in the legal track (NC-2), an offender's escape as an urgent safety task
(LP-1), and prints the non-punishment advisory letter (LP-4) from a clean print layout."""
from datetime import timedelta

import pytest

from referral.database import utcnow
from referral.extensions import db
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import TAGS, axe_source  # noqa: F401 (fixture)
from tests.browser.test_roles_days import day  # noqa: F401 (fixture)
from tests.factories import create_user, give_consent

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

MATRIX = [("en", DESKTOP), ("en", PHONE), ("es", DESKTOP), ("es", PHONE)]
IDS = ["en-desktop", "en-phone", "es-desktop", "es-phone"]


def _form(page, d, button):
    """The form whose submit button reads ``button`` (several forms share field labels)."""
    return page.locator("form", has=d.button(button))


def _open(page, d, summary):
    page.locator("summary").filter(has_text=d.t(summary)).first.click()


def _axe_only(d):
    """axe-core on a page that is in the person's language, not the reader's (the letter)."""
    page = d.page
    if d.viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.add_script_tag(content=d.axe)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', "
                           "values: tags}})", TAGS)
    d.found += [(page.url, v["id"], v["help"], v["nodes"][0]["target"])
                for v in result["violations"]]


@pytest.mark.parametrize("lang,viewport", MATRIX, ids=IDS)
def test_a_legal_aid_workers_day_only_in_the_browser(day, lang, viewport,  # noqa: F811
                                                       caseworker, a_case):
    from referral.accounts.models import AgencyKind
    from tests.factories import create_agency
    create_user("legal_aid", agency=create_agency("Justice Access", AgencyKind.legal_aid),
                username="lawyer", display_name="Lena Lawyer")
    give_consent(caseworker, a_case, "data_share", recipient_name="Public prosecutor",
                 recipient_category="prosecutor")
    db.session.commit()

    # The caseworker assigns legal aid from the case's legal page.
    cw = day(lang, viewport)
    cw.sign_in("caseworker")
    cw.page.goto(f"/cases/{a_case.id}/legal")
    cw.check()
    expect(cw.page.locator("#legal-aid")).to_contain_text(cw.t("No legal aid assigned yet."))
    _open(cw.page, cw, "Assign legal aid")
    cw.page.get_by_label(cw.t("Member of legal aid staff")).select_option(
        label="Lena Lawyer (Justice Access)")
    cw.button("Assign").click()
    cw.flash("Legal aid assigned: they now see this case's legal track.")
    expect(cw.page.locator("#legal-aid")).to_contain_text("Lena Lawyer")

    d = day(lang, viewport)
    page = d.page
    d.sign_in("lawyer")
    expect(page.locator("main")).to_contain_text(d.t("Nothing due this week."))
    d.link("All my legal matters").click()
    d.check()
    page.get_by_role("link", name=a_case.reference).click()
    d.check()

    # She is a witness in the criminal case against the people who exploited her.
    _open(page, d, "Record proceedings")
    page.get_by_label(d.t("Kind"), exact=True).select_option("criminal")
    page.get_by_label(d.t("The person is"), exact=True).select_option("witness")
    page.get_by_label(d.t("Court or authority")).fill("Crown Court")
    d.button("Record proceedings").click()
    d.flash("Proceedings recorded.")

    _open(page, d, "Add a hearing")
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    page.get_by_label(d.t("Date and time")).fill(tomorrow)
    page.get_by_label(d.t("Place")).fill("Court 2")
    d.button("Add the hearing").click()
    d.flash("Hearing added, with reminders a week and a day before.")

    # LP-1: what she was told before the hearing, and in which language.
    _open(page, d, "Log information given")
    page.get_by_label(d.t("Stage of the proceedings")).fill("before the hearing")
    page.get_by_label(d.t("What the person was told")).fill(
        "She may give evidence from behind a screen")
    page.get_by_label(d.t("In which language")).select_option("ro")
    d.button("Log it").click()
    d.flash("Recorded: what the person was told, and in which language.")
    expect(page.locator("main")).to_contain_text("behind a screen")

    _open(page, d, "Record a protective measure")
    form = _form(page, d, "Record the measure")
    form.get_by_label(d.t("Measure"), exact=True).select_option("screen")
    form.get_by_label(d.t("Review on")).fill((utcnow() + timedelta(days=3)).strftime(
        "%Y-%m-%d"))
    d.button("Record the measure").click()
    d.flash("Protective measure recorded, with its review date.")

    # An update keeps the earlier version; a second tab still on the old one is refused.
    other_tab = d.context.new_page()
    other_tab.goto(page.url)
    _open(page, d, "Update status or outcome")
    form = _form(page, d, "Save the update")
    form.get_by_label(d.t("Status"), exact=True).select_option("pending")
    form.get_by_label(d.t("Outcome"), exact=True).fill("Trial listed")
    d.button("Save the update").click()
    d.flash("Proceedings updated; the earlier version is kept.")
    _open(page, d, "Earlier versions")
    expect(page.locator("main")).to_contain_text(
        d.t("Version %(version)s: %(status)s", version=1, status=d.t("open")))
    other_tab.locator("summary").filter(has_text=d.t("Update status or outcome")).click()
    other_tab.get_by_label(d.t("Status"), exact=True).select_option("closed")
    other_tab.get_by_role("button", name=d.t("Save the update"), exact=True).click()
    expect(other_tab.locator(".flash").first).to_contain_text(
        d.t("the proceeding changed since you loaded it; reload and try again"))
    expect(other_tab.locator("main")).to_contain_text(d.t("Outcome: %(outcome)s",
                                                          outcome="Trial listed"))
    other_tab.close()

    # Cooperation is recorded in the legal track only (NC-2).
    _open(page, d, "Record cooperation")
    form = _form(page, d, "Record cooperation")
    form.get_by_label(d.t("What"), exact=True).select_option("willingness_to_testify")
    form.get_by_label(d.t("Answer"), exact=True).select_option("willing")
    d.button("Record cooperation").click()
    d.flash("Cooperation recorded in the legal track.")
    expect(page.locator("#cooperation")).to_contain_text(d.t("willingness to testify"))

    # LP-1: one of the offenders escaped: an urgent safety task, now.
    _open(page, d, "An offender was released or escaped")
    page.get_by_label(d.t("What happened")).select_option("escape")
    d.button("Create the urgent safety task").click()
    d.flash("Urgent safety task created: the case's caseworkers are alerted now.")

    # LP-4: she is also prosecuted for the false papers she was made to carry.
    _open(page, d, "Record proceedings")
    page.get_by_label(d.t("Kind"), exact=True).select_option("criminal")
    page.get_by_label(d.t("The person is"), exact=True).select_option("suspect")
    page.get_by_label(d.t("Offence alleged (when the person is a suspect)")).select_option(
        "false_documents")
    page.get_by_label(d.t("Court or authority")).fill("Magistrates' court")
    d.button("Record proceedings").click()
    d.flash("Proceedings recorded.")
    d.shot("legal-day")
    href = d.link("Open the advisory letter to print").get_attribute("href")
    page.goto(href)
    expect(page.locator("body")).to_contain_text("Magistrates' court")
    expect(page.locator("body")).to_contain_text("Lena Lawyer")
    _axe_only(d)
    d.shot("legal-letter")
    printing = page.locator("#print-letter")
    expect(printing).to_be_visible()
    page.emulate_media(media="print")  # what the browser's print and "Save as PDF" give
    expect(printing).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto("/legal/calendar")
    d.check()
    expect(page.locator("main")).to_contain_text(a_case.reference)
    page.goto("/")
    d.check()
    if utcnow().weekday() < 6:  # tomorrow's hearing is this week unless today is Sunday
        due = page.locator("section", has=page.get_by_role("heading", name=d.t(
            "Hearings and deadlines")))
        expect(due).to_contain_text(a_case.reference)
