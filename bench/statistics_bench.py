"""Time the statistics publication on synthetic data (issue 22): counting every series per
month in the database, the roll-up and suppression across each year's table set, and the
reads the pages make from the published rows.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/statistics_bench.py --cases 100000

Makes its own scratch database (dropped at the end unless --keep), migrates it, loads
``--cases`` synthetic cases with ``synth`` and then:

1. ``monthly_counts`` of every series and ``monthly_times`` (the database's share);
2. ``publish_periods`` from nothing: every closed month, quarter and year of every series,
   suppressed at k=11 (the whole worker run);
3. ``publish_periods`` again (nothing new: the worker's run every 5 minutes);
4. the reads of one page: a published table per dimension and the trend.
"""
import argparse
import os
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
    args = parser.parse_args()
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


def run(url, args):
    from flask_migrate import upgrade
    from sqlalchemy import delete, func, select

    from referral import ROOT, create_app
    from referral.extensions import db
    from referral.statistics import publication, series as S
    from referral.statistics.models import PublishedSeries
    from referral.synth import synthesise

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                      "DATABASE_POOL_SIZE": 1, "DATABASE_MAX_OVERFLOW": 1})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        synthesise(args.cases, seed=args.seed, echo=lambda *a, **k: None)
        print(f"synth: {args.cases} cases in {time.perf_counter() - started:.1f} s")

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

        period = publication.published_periods("quarter")[-1]
        samples = []
        for _ in range(20):
            started = time.perf_counter()
            for dim in S.DIMENSIONS:
                publication.table("referrals", period, dim)
            publication.trend("referrals", "quarter")
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        print(f"page reads ({len(S.DIMENSIONS)} tables + trend, {period}): median "
              f"{samples[len(samples) // 2]:.1f} ms, max {samples[-1]:.1f} ms")
        rows = db.session.scalar(select(func.count()).select_from(PublishedSeries))
        print(f"published rows: {rows}")


if __name__ == "__main__":
    main()
