"""Time the statistics publication on synthetic data (issue 22): counting every series per
month in the database, the roll-up and suppression across each year's table set, and the
reads the pages make from the published rows.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/statistics_bench.py --cases 100000

Makes its own scratch database (dropped at the end unless --keep), migrates it, loads
``--cases`` synthetic cases with ``synth`` and then:

1. ``monthly_counts`` of every series and ``monthly_times`` (the database's share);
2. ``publish_all``: the four whole-population tables, counted on every worker run;
3. ``publish_periods`` from nothing: every closed month, quarter and year of every series,
   suppressed at k=11 (the whole worker run);
4. ``publish_periods`` again (nothing new: the worker's run every 5 minutes);
5. ``publish_periods`` after one month has closed (its rows removed and published again:
   everything counted, that month's year suppressed with the rest of the year frozen);
6. the reads of one page: the published row, a table per dimension and the trend (median
   and p95 over ``--runs`` after 20 warm-up), then the statistics page itself through the
   WSGI app as a supervisor (server time, no network; the read's audit entry included).

To time a database that ``flask synth`` already loaded (a million cases take some 25
minutes to load), name it with ``--database``; it is migrated but not emptied or dropped:

    .venv/bin/python bench/statistics_bench.py \\
        --database postgresql://postgres@127.0.0.1:5432/referral_1m
"""
import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database", help="a database synth loaded (not dropped, not reloaded)")
    args = parser.parse_args()
    if args.database:
        run(args.database, args, load=False)
        return
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (the bench makes its own database)")
    from tests import scratch
    url = scratch.create_scratch(server, f"stats_bench_{uuid.uuid4().hex[:8]}")
    print(f"database {url.rsplit('/', 1)[1]}")
    try:
        run(url, args)
    finally:
        if not args.keep:
            scratch.drop_scratch(server, url)


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))]


def run(url, args, load=True):
    from flask_migrate import upgrade
    from sqlalchemy import delete, func, select

    from referral import ROOT, create_app
    from referral.extensions import db
    from referral.statistics import publication, series as S
    from referral.statistics.models import PublishedSeries
    from referral.statistics.service import publish_all
    from referral.synth import synthesise

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False,
                      "DATABASE_POOL_SIZE": 1, "DATABASE_MAX_OVERFLOW": 1})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if load:
            started = time.perf_counter()
            synthesise(args.cases, seed=args.seed, echo=lambda *a, **k: None)
            print(f"synth: {args.cases} cases in {time.perf_counter() - started:.1f} s")
        from referral.cases.models import Case
        print(f"cases: {db.session.scalar(select(func.count()).select_from(Case)):,}")

        total_counting = 0.0
        for name in S.SERIES:
            started = time.perf_counter()
            monthly = S.monthly_counts(name)
            took = time.perf_counter() - started
            total_counting += took
            combos = sum(len(v) for v in monthly.values())
            print(f"count {name:<24} {took * 1000:8.0f} ms  {len(monthly):4d} months "
                  f"{combos:7d} rows")
        for name in S.TIMES:
            started = time.perf_counter()
            S.monthly_times(name)
            took = time.perf_counter() - started
            total_counting += took
            print(f"count {name:<24} {took * 1000:8.0f} ms")
        print(f"counting, all series: {total_counting:.1f} s")

        started = time.perf_counter()
        tables = publish_all()
        print(f"publish_all: {tables} tables in {time.perf_counter() - started:.1f} s")

        db.session.execute(delete(PublishedSeries))
        db.session.commit()
        started = time.perf_counter()
        written = publication.publish_periods()
        took = time.perf_counter() - started
        print(f"publish_periods from nothing: {written} series-periods in {took:.1f} s")
        started = time.perf_counter()
        again = publication.publish_periods()
        print(f"publish_periods again: {again} written in "
              f"{time.perf_counter() - started:.1f} s")

        month = publication.published_periods("month")[-1]
        db.session.execute(delete(PublishedSeries).where(PublishedSeries.period == month))
        db.session.commit()
        started = time.perf_counter()
        written = publication.publish_periods()
        print(f"publish_periods when {month} has closed: {written} series-periods in "
              f"{time.perf_counter() - started:.1f} s")

        period = publication.published_periods("quarter")[-1]
        page, one, trends = [], [], []
        for i in range(20 + args.runs):
            begun = time.perf_counter()
            publication.table("referrals", period, "sex")
            if i >= 20:
                one.append((time.perf_counter() - begun) * 1000)
            db.session.rollback()
            started = time.perf_counter()  # as the page reads: the row once, every breakdown
            row = publication.published("referrals", period)
            for dim in S.DIMENSIONS:
                publication.table("referrals", period, dim, row)
            begun = time.perf_counter()
            publication.trend("referrals", "quarter")
            if i >= 20:
                trends.append((time.perf_counter() - begun) * 1000)
            db.session.rollback()  # as a request ends: nothing cached in the session
            if i >= 20:
                page.append((time.perf_counter() - started) * 1000)
        page.sort()
        one.sort()
        print(f"page reads (the row, {len(S.DIMENSIONS)} tables + trend, {period}, "
              f"{len(page)} runs): "
              f"median {statistics.median(page):.1f} ms, p95 {percentile(page, 0.95):.1f} ms, "
              f"max {page[-1]:.1f} ms")
        print(f"one published table alone: median {statistics.median(one):.2f} ms, "
              f"p95 {percentile(one, 0.95):.2f} ms")
        trends.sort()
        print(f"the trend: median {statistics.median(trends):.2f} ms, "
              f"p95 {percentile(trends, 0.95):.2f} ms")
        rows = db.session.scalar(select(func.count()).select_from(PublishedSeries))
        print(f"published rows: {rows}")

        from referral.accounts.models import Role, User, UserRole
        from referral.accounts.service import hash_password
        supervisor = db.session.scalars(select(User).join(UserRole).where(
            UserRole.role == Role.supervisor).order_by(User.username)).first()
        supervisor.password_hash = hash_password("bench password 12345")
        supervisor.mfa_deferred = True
        username = supervisor.username
        db.session.commit()

    client = app.test_client()
    response = client.post("/login", data={"username": username,
                                           "password": "bench password 12345"})
    assert response.status_code == 302, f"{username} could not sign in"
    path = f"/statistics/?series=referrals&kind=quarter&period={period}"
    times = []
    for i in range(20 + args.runs):
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        if i >= 20:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"statistics page ({path}, {len(times)} runs): median "
          f"{statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
          f"max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
