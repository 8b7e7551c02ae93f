"""The statistics page in a real browser, on a desktop and on a 360-pixel phone: a
supervisor reads the published statistics, picks a series, a period and a breakdown, reads
each chart (SVG drawn on the server) with its table beside it, and downloads the table as
CSV and as XLSX. And axe-core's WCAG 2.2 AA rules on the statistics pages (DP-4)."""
import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from referral.extensions import db
from referral.statistics import publication
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (fixture)
from tests.factories import PASSWORD, create_case
from tests.statistics.test_series import at, known_data

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def published(caseworker, supervisor):
    """known_data's six referrals and twelve more men from MD in January, published at the
    served app's k (11): in January 12 from MD (shown), 3 from RO and 2 from UA (hidden)."""
    known_data(caseworker)
    for _ in range(12):
        create_case(caseworker, person={"sex": "male", "nationality": "MD"},
                    referral_source="police").referred_at = at(1, 6)
    db.session.commit()
    publication.publish_periods(today=date(2026, 4, 1))


def no_sideways_scrolling(page):
    if page.viewport_size["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
            page.url


def every_chart_has_its_table(page):
    """Each SVG in the page's main part names a table that is on the page, with rows."""
    missing = page.evaluate("""() => [...document.querySelectorAll('main svg')]
        .map(svg => svg.getAttribute('aria-describedby'))
        .filter(id => !id || !document.getElementById(id)
                || !document.getElementById(id).querySelector('tbody tr'))""")
    assert page.locator("main svg").count() >= 2
    assert missing == []


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_supervisor_reads_the_statistics_picks_a_breakdown_and_downloads_it(
        request, device, published):
    screen = request.getfixturevalue(device)
    sign_in(screen, "supervisor", PASSWORD)
    screen.goto("/statistics/")
    expect(screen.get_by_role("heading", level=1)).to_have_text("Statistics")
    every_chart_has_its_table(screen)
    no_sideways_scrolling(screen)

    screen.get_by_label("Series").select_option(label="Referrals of presumed victims")
    screen.get_by_label("Period").select_option("2026-01")
    screen.get_by_label("Breakdown").select_option(label="Nationality (ISO)")
    screen.get_by_role("button", name="Show").click()
    screen.wait_for_url("**by=nationality**")
    expect(screen.get_by_role("heading", level=3, name="Referrals of presumed victims, "
                              "2026-01, by nationality (iso)")).to_be_visible()
    table = screen.locator("#t-nationality")
    expect(table.get_by_role("row", name="MD")).to_contain_text("12")
    expect(table.get_by_role("row", name="RO")).to_contain_text("[c]")
    expect(table.get_by_role("row", name="UA")).to_contain_text("[c]")
    expect(screen.locator("#t-sex")).to_have_count(0)  # only the breakdown picked
    every_chart_has_its_table(screen)
    no_sideways_scrolling(screen)

    with screen.expect_download() as download:
        screen.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "referrals_2026-01_nationality.csv"
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert rows[0] == ["nationality", "total"]
    assert ["MD", "12"] in rows and ["RO", "[c]"] in rows and ["UA", "[c]"] in rows

    with screen.expect_download() as download:
        screen.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "referrals_2026-01_nationality.xlsx"
    with zipfile.ZipFile(download.value.path()) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>12</v>" in sheet and "[c]" in sheet


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_statistics_pages_meet_wcag_2_2_aa(browser, live_server, axe_source, viewport,
                                               published):
    paths = ["/statistics/", "/statistics/?series=first_decisions&period=2026-Q1&by=outcome",
             "/statistics/release/2026-Q1", "/statistics/bulletin/2026-Q1"]
    found = violations(browser, live_server, axe_source, "supervisor", paths, viewport)
    assert not found, "\n".join(map(str, found))
