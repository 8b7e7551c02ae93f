"""Lock wait of audited requests: with the chain lock in the request (before) and without
it (after, the chainer links entries afterwards).

    createdb -h 127.0.0.1 -U postgres referral_audit_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_audit_bench \\
        .venv/bin/python bench/audit_lock_bench.py --threads 8 --seconds 15 --work-ms 2

Each thread plays audited requests in a loop: begin, write one audit entry (``record``),
flush it, do ``--work-ms`` of the rest of the request inside the transaction (a sleep in
PostgreSQL, like the request's other statements), commit. A sampler reads pg_stat_activity
every 2 ms and counts the benchmark's backends that wait on a lock. Prints requests a
second, latency and the share of busy backends waiting on a lock; for the code that has a
chainer, also the time it takes to link everything written.

Runs against whatever code is on the path, so the same file measures an older commit:
``git worktree add /tmp/before <commit> && cd /tmp/before && PYTHONPATH=. python
<this file>``. Uses its own database: it drops and recreates every table there, so never
point it at a database synth loaded for the other benches.
"""
import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--work-ms", type=float, default=2.0)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a scratch PostgreSQL database")

    from sqlalchemy import text

    from referral import create_app
    from referral.audit.service import record
    from referral.extensions import db

    app = create_app({"SECRET_KEY": "bench", "DATABASE_POOL_SIZE": args.threads + 2,
                      "SQLALCHEMY_ENGINE_OPTIONS": {
                          "pool_size": args.threads + 2,
                          "connect_args": {"application_name": "audit-bench"}}})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.commit()

    stop = threading.Event()
    latencies, samples = [], {"busy": 0, "waiting": 0}

    def play():
        with app.app_context():
            mine = []
            while not stop.is_set():
                started = time.perf_counter()
                record(None, "bench.read", "case", "x", purpose="benchmark")
                db.session.flush()
                db.session.execute(text("SELECT pg_sleep(:s)"), {"s": args.work_ms / 1000})
                db.session.commit()
                mine.append(time.perf_counter() - started)
            db.session.remove()
            latencies.extend(mine)

    def sample():
        from sqlalchemy import create_engine
        from referral.config import sqlalchemy_url
        engine = create_engine(sqlalchemy_url(url))
        with engine.connect() as conn:
            while not stop.is_set():
                rows = conn.execute(text(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE application_name = "
                    "'audit-bench' AND state = 'active'")).scalars().all()
                samples["busy"] += len(rows)
                samples["waiting"] += sum(1 for r in rows if r == "Lock")
                conn.rollback()
                time.sleep(0.002)
        engine.dispose()

    workers = [threading.Thread(target=play) for _ in range(args.threads)]
    sampler = threading.Thread(target=sample)
    started = time.perf_counter()
    for thread in workers + [sampler]:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in workers + [sampler]:
        thread.join()
    elapsed = time.perf_counter() - started

    latencies.sort()
    ms = [x * 1000 for x in latencies]
    waiting = samples["waiting"] / samples["busy"] if samples["busy"] else 0.0
    print(f"threads {args.threads}, work {args.work_ms} ms in the transaction, "
          f"{elapsed:.1f} s")
    print(f"audited requests/s: {len(ms) / elapsed:.0f}")
    print(f"latency ms: p50 {statistics.median(ms):.1f}, "
          f"p95 {ms[int(len(ms) * 0.95)]:.1f}, max {ms[-1]:.1f}")
    print(f"busy backends waiting on a lock: {waiting:.0%} of {samples['busy']} samples")

    try:
        from referral.audit.chain import chain_pending, verify_chain
    except ImportError:
        return  # before: entries were linked in the request
    from referral.boundary import unit_of_work
    with app.app_context():
        started = time.perf_counter()
        with unit_of_work():
            linked = chain_pending()
        took = time.perf_counter() - started
        print(f"chainer: linked {linked} entries in {took:.2f} s "
              f"({linked / took:.0f} entries/s)")
        with unit_of_work():
            assert verify_chain(checkpoints=[]) == []


if __name__ == "__main__":
    main()
