"""Plant N due follow-ups on PostgreSQL and time one sweep that drains them.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench \
        .venv/bin/python bench/sweep_bench.py --rows 100000

Prints the plan of the sweep's selection (it must use the partial index on pending rows)
and the time to drain every row once. Uses its own database: it drops and recreates every
table there.
"""
import argparse
import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a scratch PostgreSQL database")

    from sqlalchemy import func, select, text

    from referral import create_app
    from referral.database import utcnow
    from referral.extensions import db
    from referral.reminders import service as reminders
    from referral.reminders.models import Deadline, Notification
    from tests.factories import create_case, create_user

    app = create_app({"SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        caseworker = create_user("caseworker", username="bench")
        case = create_case(caseworker)
        now = utcnow()
        started = time.perf_counter()
        rows = [{"id": uuid.uuid4(), "case_id": case.id, "kind": "hearing",
                 "source_key": str(i), "due_at": now - timedelta(hours=1),
                 "remind_days": [], "reminders_sent": [], "next_at": now - timedelta(hours=1),
                 "risk": 1, "assignee_id": caseworker.id, "status": "pending", "details": {},
                 "created_at": now} for i in range(args.rows)]
        for chunk in range(0, len(rows), 10_000):
            db.session.execute(Deadline.__table__.insert(), rows[chunk:chunk + 10_000])
        db.session.commit()
        db.session.execute(text("ANALYZE deadline"))
        print(f"planted {args.rows} due follow-ups in {time.perf_counter() - started:.1f} s")

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

        started = time.perf_counter()
        processed = reminders.sweep_due(batch_size=args.batch)
        elapsed = time.perf_counter() - started
        sent = db.session.scalar(select(func.count()).select_from(Notification))
        print(f"one sweep drained {processed} rows, {sent} notifications, in {elapsed:.1f} s "
              f"({processed / elapsed:.0f} rows/s)")
        assert sent == args.rows, "every due follow-up must be notified exactly once"


if __name__ == "__main__":
    main()
