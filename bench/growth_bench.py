"""Does a request cost more when an agency's and a caseworker's history grows tenfold?

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_growth \\
        .venv/bin/flask --app referral synth --cases 20000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_growth \\
        .venv/bin/python bench/growth_bench.py --runs 100

Picks the agency with the most cases, its caseworker with the most open cases and a
supervisor of it; times the lists and dashboards they use every day (through the WSGI app
with a bearer token, as one user, after a warm-up), then makes that agency's closed
history ten times larger (closed cases copied, the caseworker's among them, with their
finished follow-ups) and times them again. For each request it prints the median and p95
latency, the CPU time and the database round trips (statements) per request: a design
whose cost follows open work and not history shows the same figures before and after.

Writes to the database it is given: use a scratch copy.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GROWTH = 10


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(app, client, headers, path, runs):
    from sqlalchemy import event

    from referral.extensions import db
    statements = []

    def count(*_):
        statements.append(1)

    for _ in range(3):
        assert client.get(path, headers=headers).status_code == 200, path
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    wall, cpu = [], []
    try:
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, headers=headers)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return (statistics.median(wall), percentile(wall, 0.95), statistics.median(cpu),
            len(statements) / runs)


def grow(agency_id, caseworker_id, factor):
    """Copy the agency's closed cases (factor - 1) times, with their finished follow-ups;
    the copies of the caseworker's closed cases stay theirs."""
    from sqlalchemy import text

    from referral.extensions import db
    columns = [c.name for c in db.metadata.tables["case_file"].columns]
    deadline_columns = [c.name for c in db.metadata.tables["deadline"].columns]
    copied = 0
    for round_ in range(1, factor):
        db.session.execute(text(
            "CREATE TEMP TABLE IF NOT EXISTS growth_map (old uuid, new uuid)"))
        db.session.execute(text("TRUNCATE growth_map"))
        db.session.execute(text(
            "INSERT INTO growth_map SELECT id, gen_random_uuid() FROM case_file "
            "WHERE agency_id = :agency AND closed_at IS NOT NULL "
            "AND reference NOT LIKE 'G%'"), {"agency": agency_id})
        select_columns = ", ".join(
            "m.new" if c == "id" else
            f"'G{round_}' || substr(md5(random()::text), 1, 12)" if c == "reference" else
            f"c.{c}" for c in columns)
        copied += db.session.execute(text(
            f"INSERT INTO case_file ({', '.join(columns)}) SELECT {select_columns} "
            "FROM case_file c JOIN growth_map m ON m.old = c.id")).rowcount
        deadline_select = ", ".join(
            "gen_random_uuid()" if c == "id" else "m.new" if c == "case_id" else f"d.{c}"
            for c in deadline_columns)
        db.session.execute(text(
            f"INSERT INTO deadline ({', '.join(deadline_columns)}) SELECT {deadline_select} "
            "FROM deadline d JOIN growth_map m ON m.old = d.case_id"))
    db.session.commit()
    db.session.execute(text("ANALYZE case_file"))
    db.session.execute(text("ANALYZE deadline"))
    db.session.commit()
    return copied


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--measure-only", action="store_true",
                        help="time the requests on the database as it is, without growing it "
                             "(in a fresh process: after a growth run, the grown database "
                             "without the copy's objects in this process's memory)")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from referral import create_app
    from referral.accounts.models import User, UserRole
    from referral.accounts.service import issue_token
    from referral.cases.models import Case
    from referral.extensions import db

    url = os.environ["DATABASE_URL"]
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "REDIS_URL": None,
                      "KEY_CHECK": False})
    with app.app_context():
        agency_id = db.session.execute(
            select(Case.agency_id).group_by(Case.agency_id)
            .order_by(func.count().desc()).limit(1)).scalar()
        caseworker = db.session.scalar(
            select(User).join(Case, Case.assigned_to_id == User.id)
            .where(Case.agency_id == agency_id, Case.closed_at.is_(None))
            .group_by(User.id).order_by(func.count().desc()).limit(1))
        supervisor = db.session.scalar(
            select(User).join(UserRole, UserRole.user_id == User.id)
            .where(User.agency_id == agency_id, UserRole.role == "supervisor").limit(1))
        cw_token, _ = issue_token(caseworker)
        sv_token, _ = issue_token(supervisor)
        db.session.commit()

        def history():
            closed = db.session.scalar(select(func.count()).where(
                Case.agency_id == agency_id, Case.closed_at.is_not(None)))
            mine = db.session.scalar(select(func.count()).where(
                Case.assigned_to_id == caseworker.id))
            return closed, mine

        before_history = history()
        caseworker_id = caseworker.id

    cw = {"Authorization": f"Bearer {cw_token}"}
    sv = {"Authorization": f"Bearer {sv_token}"}
    paths = [("caseworker", cw, "/api/v1/cases?assigned_to=me"),
             ("caseworker", cw, "/api/v1/cases?assigned_to=me&overdue=true"),
             ("caseworker", cw, "/api/v1/reminders?mine=1"),
             ("caseworker", cw, "/api/v1/cases?per_page=25"),
             ("caseworker", cw, "/api/v1/cases?state=assistance&per_page=25"),
             ("supervisor", sv, "/api/v1/supervision/overdue")]
    client = app.test_client()
    before = {path: measure(app, client, headers, path, args.runs)
              for _, headers, path in paths}
    if args.measure_only:
        print(f"database: {url.split('@')[-1]}  runs per request: {args.runs}")
        print(f"agency's closed cases {before_history[0]}; the caseworker's cases ever "
              f"{before_history[1]}")
        print(f"{'role':<11} {'request':<46} {'median ms':>9} {'p95 ms':>8} {'cpu ms':>7} "
              f"{'statements':>11}")
        for role, _, path in paths:
            b = before[path]
            print(f"{role:<11} {path:<46} {b[0]:9.1f} {b[1]:8.1f} {b[2]:7.1f} {b[3]:11.1f}")
        return
    with app.app_context():
        copied = grow(agency_id, caseworker_id, GROWTH)
        after_history = history()
    after = {path: measure(app, client, headers, path, args.runs)
             for _, headers, path in paths}

    print(f"database: {url.split('@')[-1]}  runs per request: {args.runs}")
    print(f"agency's closed cases {before_history[0]} -> {after_history[0]}; the caseworker's "
          f"cases ever {before_history[1]} -> {after_history[1]} ({copied} cases copied)")
    print(f"{'role':<11} {'request':<46} {'median ms':>15} {'p95 ms':>15} "
          f"{'cpu ms':>13} {'statements':>11}")
    for role, _, path in paths:
        b, a = before[path], after[path]
        print(f"{role:<11} {path:<46} {b[0]:6.1f} -> {a[0]:6.1f} {b[1]:6.1f} -> {a[1]:6.1f} "
              f"{b[2]:5.1f} -> {a[2]:5.1f} {b[3]:4.1f} -> {a[3]:4.1f}")


if __name__ == "__main__":
    main()
