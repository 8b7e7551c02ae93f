"""Server time of the main web pages on demo data, per role (target: none over 200 ms).

    .venv/bin/python bench/pages_bench.py                      # SQLite scratch file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench \\
        .venv/bin/python bench/pages_bench.py --cases 200

Uses its own database: it drops and recreates every table there. Times each page through
the WSGI app (no network), after one warm-up request, and prints median, p95 and max.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 200


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from sqlalchemy import select

    from referral import create_app
    from referral.cases.models import Case
    from referral.demo import seed_demo
    from referral.extensions import db

    url = os.environ.get("DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp(prefix='pages-bench-')}/bench.sqlite"
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "REDIS_URL": None})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo(password="bench password 12345", cases_count=args.cases)
        db.session.commit()
        case_id = db.session.scalar(select(Case.id).order_by(Case.referred_at.desc()))

    pages = {
        "caseworker": ["/", "/cases/", f"/cases/{case_id}", f"/cases/{case_id}/consents",
                       f"/cases/{case_id}/referrals", "/cases/new", "/follow-ups/"],
        "supervisor": ["/", "/supervision/", "/privacy/break-glass"],
        "shelter": ["/", "/shelter/residents", "/referrals/received"],
        "legal": ["/", "/legal/"],
        "auditor": ["/", "/audit/?action=case."],
    }
    print(f"database: {url.split('@')[-1]}  cases: {args.cases}  runs per page: {args.runs}")
    print(f"{'role':<11} {'page':<52} {'median':>8} {'p95':>8} {'max':>8}")
    worst = 0.0
    for username, paths in pages.items():
        client = app.test_client()
        with app.app_context():
            from referral.accounts.models import User
            user = db.session.scalar(select(User).where(User.username == username))
            user.mfa_deferred = True
            db.session.commit()
        response = client.post("/login", data={"username": username,
                                               "password": "bench password 12345"})
        assert response.status_code == 302, f"{username} could not sign in"
        for path in paths:
            status = client.get(path).status_code  # warm-up
            assert status == 200, f"{path} answered {status}"
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            worst = max(worst, times[-1])
            shown = path if len(path) < 50 else path[:47] + "..."
            print(f"{username:<11} {shown:<52} {statistics.median(times):>7.1f}ms "
                  f"{p95:>7.1f}ms {times[-1]:>7.1f}ms")
    print(f"slowest single request: {worst:.1f} ms (target: every page under {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
