"""DP-4, DP-1: aggregate statistics only, small cells suppressed, nothing recoverable."""
from datetime import timedelta

from hypothesis import given, settings, strategies as st

from referral.extensions import db
from referral.statistics.service import suppress
from tests.factories import create_case, create_user, token_headers


def recoverable(table, hidden, published_row, published_col):
    """Can any hidden cell be computed from a published line total and the shown cells?"""
    rows = {r for r, _ in table}
    cols = {c for _, c in table}
    for line, total in [([(r, c) for c in cols], published_row.get(r)) for r in rows] + \
                       [([(r, c) for r in rows], published_col.get(c)) for c in cols]:
        if total is not None and sum(1 for cell in line if cell in hidden) == 1:
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=5),
                min_size=1, max_size=5).filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_DP4_no_hidden_cell_can_be_derived_from_the_totals(grid):
    table = {(f"r{i}", f"c{j}"): n for i, row in enumerate(grid) for j, n in enumerate(row)}
    hidden = suppress(table, 11)
    assert all(not (0 < n < 11) or cell in hidden for cell, n in table.items())
    rows = {r for r, _ in table}
    cols = {c for _, c in table}

    def total(line):
        return None if sum(1 for cell in line if cell in hidden) == 1 else \
            sum(table[cell] for cell in line)

    row_totals = {r: total([(r, c) for c in cols]) for r in rows}
    col_totals = {c: total([(r, c) for r in rows]) for c in cols}
    assert not recoverable(table, hidden, row_totals, col_totals)


def test_DP4_counts_by_sex_and_age_with_small_cells_suppressed(client, caseworker):
    for _ in range(12):
        create_case(caseworker, person={"sex": "female", "nationality": "RO"})
    for _ in range(3):
        create_case(caseworker, person={"sex": "male", "nationality": "RO"})
    for _ in range(15):
        create_case(caseworker, person={"sex": "female", "nationality": "UA"})
    supervisor = create_user("supervisor", agency=caseworker.agency)
    db.session.commit()
    body = client.get("/api/v1/statistics?by=nationality",
                      headers=token_headers(supervisor)).json
    cells = {(r["sex"], r["age_group"]): r["cells"] for r in body["rows"]}
    assert cells[("male", "35-49")]["RO"] is None  # 3 < 11
    assert cells[("female", "35-49")]["RO"] is None  # hidden too, or RO's total reveals 3
    published = [v for r in body["rows"] for v in list(r["cells"].values()) + [r["total"]]]
    published += list(body["column_totals"].values()) + [body["total"]]
    assert all(v is None or v == 0 or v >= 11 for v in published)
    assert [r["total"] for r in body["rows"] if r["sex"] == "female"] == [27]


def test_DP1_statistics_never_carry_names_or_references(client, caseworker):
    case = create_case(caseworker, person={"given_name": "SENTINEL-NAME-55"})
    auditor = create_user("auditor")
    db.session.commit()
    text = client.get("/api/v1/statistics?by=sector", headers=token_headers(auditor)).get_data(
        as_text=True)
    assert "SENTINEL-NAME-55" not in text and case.reference not in text


def test_DP4_caseworkers_do_not_get_statistics(client, cw_headers):
    assert client.get("/api/v1/statistics", headers=cw_headers).status_code == 403


def test_a_recent_table_is_served_again_and_every_read_is_audited(app, client, caseworker,
                                                                   monkeypatch):
    from sqlalchemy import func, select

    from referral.audit.models import AuditEntry
    for _ in range(12):
        create_case(caseworker, person={"sex": "female"})
    supervisor = create_user("supervisor", agency=caseworker.agency)
    db.session.commit()
    headers = token_headers(supervisor)
    monkeypatch.setitem(app.config, "STATISTICS_CACHE_SECONDS", 300)
    first = client.get("/api/v1/statistics", headers=headers).json["total"]
    create_case(caseworker, person={"sex": "female"})
    assert client.get("/api/v1/statistics", headers=headers).json["total"] == first
    monkeypatch.setitem(app.config, "STATISTICS_CACHE_SECONDS", 0)
    assert client.get("/api/v1/statistics", headers=headers).json["total"] == first + 1
    reads = db.session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "statistics.read"))
    assert reads == 3


def test_DP4_reads_serve_the_table_the_worker_published_and_say_when_it_was_counted(
        app, client, caseworker, supervisor):
    from freezegun import freeze_time

    from referral.database import utcnow
    from referral.statistics import service as statistics
    from tests.factories import create_case, token_headers
    for _ in range(12):
        create_case(caseworker)
    start = utcnow()
    with freeze_time(start):
        assert statistics.publish_all() == 1 + len(statistics.COLUMNS)
    headers = token_headers(supervisor)
    create_case(caseworker)  # counted only at the next publication
    with freeze_time(start + timedelta(minutes=10)):
        served = client.get("/api/v1/statistics", headers=headers).json
    assert served["total"] == 12 and served["counted_at"].startswith(start.isoformat()[:16])
    with freeze_time(start + timedelta(minutes=16)):  # too old: counted afresh
        fresh = client.get("/api/v1/statistics", headers=headers).json
    assert fresh["total"] == 13
