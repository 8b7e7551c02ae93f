"""DP-4: the statistics page, the release view, the bulletin layout and the exports are read
from the published series; charts are SVG drawn on the server, each beside its table."""
import csv
import io
import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from referral.audit.models import AuditEntry
from referral.extensions import db
from referral.statistics import publication
from tests.factories import create_user
from tests.statistics.test_series import known_data
from tests.web.conftest import login


@pytest.fixture
def published(app, caseworker, monkeypatch):
    known_data(caseworker)
    monkeypatch.setitem(app.config, "STATISTICS_MIN_CELL", 3)
    publication.publish_periods(today=date(2026, 4, 1))
    user = create_user("supervisor", username="stats-supervisor")
    db.session.commit()
    return user


def test_DP4_page_shows_svg_charts_each_beside_its_table(client, published):
    login(client, "stats-supervisor")
    page = client.get("/statistics/?series=referrals&period=2026-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert html.count("<svg") >= len(publication.S.DIMENSIONS) + 1
    assert 'aria-describedby="t-nationality"' in html and 'id="t-nationality"' in html
    # 3 women from RO shown (k = 3), 2 men from UA suppressed with their complement
    assert "[c]" in html


def test_DP4_release_view_and_bulletin_layout(client, published):
    login(client, "stats-supervisor")
    release = client.get("/statistics/release/2026-Q1")
    assert release.status_code == 200
    text = release.get_data(as_text=True)
    assert text.count('class="stat-section"') == len(publication.S.SERIES)
    bulletin = client.get("/statistics/bulletin/2026-Q1")
    assert bulletin.status_code == 200
    data = publication.bulletin("2026-Q1")
    assert data["periods"] == ["2026-Q1", "2025-Q4", "2025-Q1"]
    referrals_by_sex = next(t for t in data["tables"] if t["title"] == "Referrals by sex")
    by_sex = {line["label"]: line["values"][0] for line in referrals_by_sex["lines"]}
    # 3 women and 3 men this quarter; the men of January (2) and February (1) are small, so
    # the quarter's men and, with them, the women are hidden; the total stands
    assert by_sex == {"female": None, "male": None, "total": 6}
    assert referrals_by_sex["lines"][0]["values"][1] == ".."  # 2025-Q4 not published
    first = next(t for t in data["tables"] if t["series"] == "first_decisions")
    outcomes = {line["label"]: line["values"][0] for line in first["lines"]}
    assert outcomes["negative"] is None  # 1 < 3
    assert outcomes["positive"] is None or outcomes["total"] is None  # or 1 = total - positive


def test_DP4_csv_and_xlsx_exports_of_a_published_table(client, published):
    login(client, "stats-supervisor")
    response = client.get("/statistics/export/referrals/2026-Q1/sex.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["sex", "total"] and rows[1:] == [["female", "[c]"], ["male", "[c]"],
                                                        ["total", "6"]]
    response = client.get("/statistics/export/referrals/2026-Q1/sex.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        sheet = ElementTree.fromstring(zf.read("xl/worksheets/sheet1.xml"))
        assert "[Content_Types].xml" in zf.namelist()
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    values = [c.findtext("s:v", namespaces=ns) or c.findtext("s:is/s:t", namespaces=ns)
              for c in sheet.iter(f"{{{ns['s']}}}c")]
    assert values == ["sex", "total", "female", "[c]", "male", "[c]", "total", "6"]
    exports = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "statistics.read"))
    assert exports >= 2


@pytest.mark.parametrize("url", ["/statistics/?period=1999-01", "/statistics/?kind=week",
                                 "/statistics/?series=nope",
                                 "/statistics/export/referrals/2026-Q1/sex.pdf",
                                 "/statistics/export/referrals/2026-Q1/colour.csv",
                                 "/statistics/bulletin/2026-01",
                                 "/statistics/?from=2026-13&to=2026-02",
                                 "/statistics/?from=2026-03&to=2026-01",
                                 "/statistics/?from=2026-01"])
def test_DP4_bad_choices_are_refused_in_plain_words(client, published, url):
    login(client, "stats-supervisor")
    assert client.get(url).status_code in (400, 404, 422)


def test_DP4_caseworkers_do_not_get_the_statistics_pages(client, published, caseworker):
    login(client, "caseworker")
    assert client.get("/statistics/").status_code == 403
    assert client.get("/statistics/export/referrals/2026-Q1/sex.csv").status_code == 403


def test_DP4_csv_cells_never_start_a_formula():
    from referral.statistics.exports import to_csv
    assert to_csv([["=HYPERLINK(1)", 2]]).startswith("'=HYPERLINK")


def test_DP4_a_custom_range_is_counted_now_suppressed_and_not_offered_for_export(
        client, published):
    login(client, "stats-supervisor")
    page = client.get("/statistics/?series=referrals&from=2026-01&to=2026-02")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2026-01..2026-02" in html and "/statistics/export/" not in html
    period, cells = publication.custom_cells("referrals", "2026-01", "2026-02")
    assert cells["total|*|*"] == 6 and cells["sex|female|*"] == 3  # k = 3: 3 is shown
    assert cells["referral_source|helpline|*"] is None  # 2 < 3
    assert cells["nationality|RO|*"] == 3 and cells["nationality|UA|*"] == 3


def test_DP4_page_shows_one_chosen_breakdown(client, published):
    login(client, "stats-supervisor")
    html = client.get("/statistics/?series=first_decisions&period=2026-Q1&by=nationality"
                      ).get_data(as_text=True)
    assert 'id="t-nationality"' in html and 'id="t-sex"' not in html
    assert html.count("<svg") == 2  # the trend and the one breakdown
    assert "/statistics/export/first_decisions/2026-Q1/nationality.csv" in html
    everything = client.get("/statistics/?series=first_decisions&period=2026-Q1")
    assert 'id="t-sex"' in everything.get_data(as_text=True)


def test_DP4_an_unknown_breakdown_is_refused_by_name(client, published):
    login(client, "stats-supervisor")
    response = client.get("/statistics/?series=referrals&by=shoe_size")
    assert 400 <= response.status_code < 500
    assert "by" in response.get_data(as_text=True)


def test_DP4_the_trend_is_each_period_total_as_published(app, published):
    """The trend reads only the total cell of each row: the same number the table shows, and
    None where the total itself was suppressed."""
    from referral.statistics.models import PublishedSeries
    rows = db.session.scalars(select(PublishedSeries).where(
        PublishedSeries.series == "referrals", PublishedSeries.threshold == 3)).all()
    months = sorted((r.period, r.cells["total|*|*"]) for r in rows
                    if publication.S.period_kind(r.period) == "month")
    assert months and publication.trend("referrals", "month") == months
    row = next(r for r in rows if r.period == "2026-01")
    row.cells = {**row.cells, "total|*|*": None}
    db.session.commit()
    assert dict(publication.trend("referrals", "month"))["2026-01"] is None
    assert all(publication.S.period_kind(p) == "quarter"
               for p, _ in publication.trend("referrals", "quarter"))
