"""Time one sweep draining N due follow-ups planted as the app makes them, on PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/sweep_bench.py --rows 100000 --cases 20000

The rows are realistic: ``synth`` loads CASES cases of many agencies (each caseworker has an
e-mail address and a supervisor), and the N due rows are spread over those cases, unassigned
so the case's caseworker is told as the app does, a third of them urgent (risk 3) so they
also escalate to the caseworker's supervisor at once. Every notification to someone with an
address also writes an outbox row.

Prints the plan of the sweep's selection (it must use the partial index on pending rows),
the time to drain every due row once, rows per second, and SQL statements sent per row (an
executemany counts once). It creates its own database on DATABASE_URL's server
(``SCRATCH_DATABASE_ADMIN_URL`` if that role may create databases and DATABASE_URL's may
not) and drops it at the end unless ``--keep``: it never writes to DATABASE_URL's database.
"""
import argparse
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = ("hearing", "permit_renewal", "reintegration_checkin", "review_decision",
         "consent_expiry")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database it made")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (the bench makes its own database)")

    from tests import scratch
    url = scratch.create_scratch(server, f"sweep_bench_{uuid.uuid4().hex[:8]}")
    kept = ": no, --keep" if args.keep else ""
    print(f"database {url.rsplit('/', 1)[1]} (dropped at the end{kept})")
    try:
        run(url, args)
    finally:
        if not args.keep:
            scratch.drop_scratch(server, url)


def run(url, args):
    from flask_migrate import upgrade
    from sqlalchemy import event, func, select, text

    from referral import ROOT, create_app
    from referral.cases.models import Case
    from referral.database import utcnow
    from referral.extensions import db
    from referral.reminders import service as reminders
    from referral.reminders.models import Deadline, Notification, OutboxMessage
    from referral.synth import synthesise

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                      "DATABASE_POOL_SIZE": 1, "DATABASE_MAX_OVERFLOW": 1})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        synthesise(args.cases, seed=args.seed, echo=lambda *a, **k: None)
        print(f"synth: {args.cases} cases in {time.perf_counter() - started:.1f} s")

        rng = random.Random(args.seed)
        cases = db.session.execute(select(Case.id, Case.agency_id).where(
            Case.assigned_to_id.is_not(None), Case.nrm_state != "closed")).all()
        now = utcnow()
        started = time.perf_counter()
        rows = []
        for i in range(args.rows):
            case_id, agency_id = rng.choice(cases)
            urgent = i % 3 == 0
            due = now - timedelta(minutes=rng.randint(5, 600))
            rows.append({"id": uuid.uuid4(), "case_id": case_id, "agency_id": agency_id,
                         "kind": "safety_task" if urgent else rng.choice(KINDS),
                         "source_key": f"bench-{i}", "due_at": due, "remind_days": [],
                         "reminders_sent": [], "next_at": due, "risk": 3 if urgent else 1,
                         "assignee_id": None, "status": "pending", "details": {},
                         "occurrence": 0, "failures": 0, "created_at": now})
        for chunk in range(0, len(rows), 10_000):
            db.session.execute(Deadline.__table__.insert(), rows[chunk:chunk + 10_000])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        due = db.session.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.status == "pending", Deadline.next_at <= now))
        print(f"planted {args.rows} due follow-ups on {len(cases)} open cases in "
              f"{time.perf_counter() - started:.1f} s; {due} rows due in all (synth's own "
              f"overdue follow-ups included)")

        query = (select(Deadline.id).where(Deadline.status == "pending",
                                           Deadline.next_at.is_not(None),
                                           Deadline.next_at <= now)
                 .order_by(Deadline.next_at).limit(args.batch).with_for_update(skip_locked=True))
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(text(f"EXPLAIN {compiled}")).scalars().all()
        print("plan of the sweep's selection:")
        for line in plan:
            print("   ", line)
        db.session.rollback()

        statements = [0]

        def count(*_):
            statements[0] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        processed = reminders.sweep_due(now=now, batch_size=args.batch)
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
        notifications = db.session.scalar(select(func.count()).select_from(Notification))
        outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        print(f"one sweep drained {processed} rows in {elapsed:.1f} s "
              f"({processed / elapsed:,.0f} rows/s): {notifications} notifications, "
              f"{outbox} outbox rows, {statements[0]} statements "
              f"({statements[0] / processed:.3f} per row)")
        assert processed == due, "every due follow-up is processed once"
        left = db.session.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.status == "pending", Deadline.next_at <= now))
        assert left == 0, f"{left} due rows left after the sweep"
        db.engine.dispose()


if __name__ == "__main__":
    main()
