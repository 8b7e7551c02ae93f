"""CPU time and database round trips per request, for each request of the locust mix.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench \\
        .venv/bin/python bench/endpoint_cpu.py [--runs 30] [--profile overdue]

Under load the service is bound by the app's CPU (docs/benchmarks.md), so the figure that
decides how many requests a core serves is the CPU time of one request, not its latency on
an idle machine. For each endpoint of bench/locustfile.py, called through the WSGI app with
a real user's bearer token (the busiest agency's caseworker, a supervisor of it, the fullest
shelter's staff, the legal aid lawyer with the most cases), after 5 warm-up calls: the app's
CPU ms per request (``time.process_time``), the wall ms and the SQL statements per request.
CPU time hardly moves with other work on the machine; wall time does.

``--profile SUFFIX`` also prints a cProfile of 50 calls of the endpoints whose path (ids shown
as <id>) ends with SUFFIX (``SORT=tottime`` and ``TOP=60`` in the environment change the listing).
Writes audit entries and tokens to the database it is given: use a synthetic one.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", metavar="SUFFIX")
    args = parser.parse_args()

    from sqlalchemy import event, select

    from referral import create_app
    from referral.cases.models import Case
    from referral.extensions import db
    from referral.legal.models import LegalAidAssignment
    from busiest import busiest

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        most = busiest()
        legal_case = db.session.scalar(select(LegalAidAssignment.case_id).where(
            LegalAidAssignment.user_id == most.lawyer.id))
        case_id = db.session.scalar(select(Case.id).where(
            Case.agency_id == most.agency_id, Case.assigned_to_id == most.caseworker.id,
            Case.nrm_state == "assistance"))
        shelter_id = most.shelter_id
        headers = most.headers()
        db.session.remove()
        engine = db.engine

    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_):
        statements[0] += 1

    endpoints = [
        ("caseworker", f"/api/v1/cases/{case_id}"),
        ("caseworker", f"/api/v1/cases/{case_id}/history"),
        ("caseworker", f"/api/v1/cases/{case_id}/transitions"),
        ("caseworker", "/api/v1/cases?assigned_to=me&per_page=50"),
        ("caseworker", "/api/v1/cases?assigned_to=me&overdue=true"),
        ("caseworker", "/api/v1/reminders"),
        ("supervisor", "/api/v1/supervision/overdue"),
        ("supervisor", "/api/v1/cases?state=reflection_period"),
        ("supervisor", "/api/v1/statistics?by=nationality"),
        ("shelter", f"/api/v1/stays?shelter={shelter_id}"),
        ("legal", "/api/v1/legal/cases"),
        ("legal", f"/api/v1/cases/{legal_case}/legal"),
    ]
    def shown(path):
        return path.replace(str(case_id), "<id>").replace(str(legal_case), "<id>") \
            .replace(str(shelter_id), "<id>")

    client = app.test_client()
    print(f"{'CPU ms':>7} {'wall ms':>8} {'statements':>10}  request ({args.runs} runs each)")
    for who, path in endpoints:
        for _ in range(5):
            response = client.get(path, headers=headers[who])
            assert response.status_code == 200, (path, response.get_json())
        statements[0] = 0
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.runs):
            client.get(path, headers=headers[who])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{cpu / args.runs * 1000:7.1f} {wall / args.runs * 1000:8.1f} "
              f"{statements[0] / args.runs:10.1f}  {who}: {shown(path)}")
    if args.profile:
        profile = cProfile.Profile(time.process_time)  # CPU, not time waiting on the database
        profile.enable()
        for who, path in endpoints:
            if shown(path).endswith(args.profile):
                for _ in range(50):
                    client.get(path, headers=headers[who])
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats(os.environ.get("SORT", "cumulative")) \
            .print_stats(int(os.environ.get("TOP", "60")))
        by_package = {}
        for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
            package = _package_of(filename)
            by_package[package] = by_package.get(package, 0) + tottime
        print("CPU by package, ms per call (profiled, so inflated):")
        for package, total in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
            print(f"{total / 50 * 1000:8.2f}  {package}")


def _package_of(filename: str) -> str:
    """site-packages/<name>, the project's top-level folder, or the standard library."""
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    root = Path(__file__).resolve().parent.parent
    try:
        relative = Path(filename).resolve().relative_to(root).parts
        return "/".join(relative[:2]) if relative[0] == "referral" else relative[0]
    except ValueError:
        return "python" if filename.startswith(("/", "<")) else filename


if __name__ == "__main__":
    main()
