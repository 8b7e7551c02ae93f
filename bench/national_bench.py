"""Time the main pages of the API on a national-scale database, against the floor.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench \\
        .venv/bin/flask --app referral synth --cases 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench \\
        .venv/bin/python bench/national_bench.py --runs 200

Each scenario calls the real endpoint through the Flask test client with a bearer token, as
one user, ``--runs`` times after a warm-up, and prints the median and 95th percentile. Its
floor is one hand-written SQL statement fetching the same data on a plain psycopg
connection; the ratio is app / floor. The overdue dashboard's query plan is printed too: it
must read the partial index of pending follow-ups, not the cases.

Reads the synthetic data as ``synth`` made it; the transition scenario offers and declines
assistance on a few cases (their history grows by two rows per run pair). Writes audit
entries and tokens, as real requests do.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


class Floor:
    """One SQL statement per call on a raw psycopg connection (autocommit, prepared)."""

    def __init__(self, url):
        import psycopg
        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                                    autocommit=True, prepare_threshold=0)

    def __call__(self, sql, params=()):
        def run():
            with self.conn.cursor() as cur:
                cur.execute(sql, params)
                if cur.description is not None:
                    cur.fetchall()
        return run


# ---- the floors: the same rows as each endpoint, in one statement ---------------------

CASE_FILE_SQL = """
SELECT c.*, p.*, a.name, u.display_name FROM case_file c
JOIN person p ON p.id = c.person_id JOIN agency a ON a.id = c.agency_id
LEFT JOIN user_account u ON u.id = c.assigned_to_id WHERE c.id = %s"""

CASE_LIST_SQL = """
SELECT c.id, c.reference, c.nrm_state, c.assistance_state, c.shelter_state, c.legal_state,
       c.return_state, c.age_status, c.identification, c.referred_at, u.display_name,
       count(*) OVER () AS total
FROM case_file c LEFT JOIN user_account u ON u.id = c.assigned_to_id
WHERE c.agency_id = %s AND c.nrm_state = %s AND NOT c.is_restricted
ORDER BY c.referred_at DESC LIMIT 25"""

TRANSITION_SQL = """
WITH changed AS (
    UPDATE case_file SET assistance_state = %s, version = version + 1, updated_at = now()
    WHERE id = %s RETURNING id, rule_version)
INSERT INTO case_transition (id, case_id, track, event, from_state, to_state, at, facts,
                             rule_version)
SELECT gen_random_uuid(), id, 'assistance', 'bench', 'x', 'y', now(), '{}', rule_version
FROM changed"""

OVERDUE_SQL = """
SELECT d.id, d.kind, d.due_at, d.risk, d.escalated_at, d.late_reason, c.id, c.reference,
       u.display_name, a.name
FROM deadline d JOIN case_file c ON c.id = d.case_id JOIN agency a ON a.id = c.agency_id
LEFT JOIN user_account u ON u.id = coalesce(d.assignee_id, c.assigned_to_id)
WHERE d.status = 'pending' AND d.due_at <= now() AND d.agency_id = %s
ORDER BY d.risk DESC, d.due_at LIMIT 500"""

DASHBOARD_SQL = """
SELECT
 (SELECT json_agg(o) FROM (""" + OVERDUE_SQL + """) o),
 (SELECT json_agg(r) FROM (SELECT c.id, c.reference, c.reflection_ends_at, u.display_name
    FROM case_file c LEFT JOIN user_account u ON u.id = c.assigned_to_id
    WHERE c.agency_id = %s AND c.nrm_state = 'reflection_period'
      AND c.reflection_ends_at <= now() + interval '7 days' AND c.identification = 'pending'
    ORDER BY c.reflection_ends_at LIMIT 200) r),
 (SELECT json_agg(x) FROM (SELECT r.*, c.reference FROM restriction r
    JOIN stay s ON s.id = r.stay_id JOIN case_file c ON c.id = s.case_id
    WHERE r.lifted_at IS NULL AND r.expires_at > now() AND c.agency_id = %s) x),
 (SELECT json_agg(y) FROM (SELECT a.*, c.reference FROM refused_attempt a
    JOIN case_file c ON c.id = a.case_id
    WHERE c.agency_id = %s AND a.reviewed_at IS NULL ORDER BY a.at DESC LIMIT 200) y)"""

SHELTER_SQL = """
SELECT s.id, s.room, s.admitted_at, c.reference, c.age_status, p.known_as_enc,
       p.given_name_enc, p.languages, p.interpreter_needed,
       (SELECT json_agg(r) FROM restriction r WHERE r.stay_id = s.id AND r.lifted_at IS NULL
          AND r.expires_at > now()),
       (SELECT json_agg(h) FROM held_item h WHERE h.stay_id = s.id)
FROM stay s JOIN case_file c ON c.id = s.case_id JOIN person p ON p.id = c.person_id
WHERE s.shelter_agency_id = %s AND s.left_at IS NULL ORDER BY s.admitted_at"""

FOLLOW_UPS_SQL = """
(SELECT d.*, c.reference FROM deadline d JOIN case_file c ON c.id = d.case_id
 WHERE d.status = 'pending' AND d.assignee_id = %s ORDER BY d.due_at LIMIT 500)
UNION ALL
(SELECT d.*, c.reference FROM deadline d JOIN case_file c ON c.id = d.case_id
 WHERE d.status = 'pending' AND d.assignee_id IS NULL AND c.assigned_to_id = %s
 ORDER BY d.due_at LIMIT 500)"""

STATISTICS_SQL = """
SELECT sex, age_group, count(*) FROM (
    SELECT p.sex, c.age_group FROM case_file c JOIN person p ON p.id = c.person_id
    UNION ALL SELECT sex, age_group FROM anonymous_notification) t
GROUP BY sex, age_group"""

STATISTICS_BY_FORM_SQL = """
SELECT p.sex, c.age_group, f.value, count(*) FROM case_file c
JOIN person p ON p.id = c.person_id
CROSS JOIN LATERAL jsonb_array_elements_text(
    CASE WHEN jsonb_array_length(c.exploitation_forms) = 0 THEN '["unknown"]'::jsonb
         ELSE c.exploitation_forms END) f
GROUP BY 1, 2, 3"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", help="comma-separated scenario names")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to the PostgreSQL database synth loaded")

    from sqlalchemy import func, select

    from referral import create_app
    from referral.accounts.models import User
    from referral.cases.models import Case
    from referral.extensions import db
    from referral.supervision.service import overdue
    from busiest import busiest

    # Statistics are timed as computed, not as served from the recent-table cache.
    app = create_app({"RATELIMIT_ENABLED": False, "STATISTICS_CACHE_SECONDS": 0,
                      "STATISTICS_PUBLISHED_MAX_AGE": 0})
    floor = Floor(url)
    ctx = app.app_context()
    ctx.push()
    total = db.session.scalar(select(func.count()).select_from(Case))

    # The busiest agency: the largest case list and the longest dashboard.
    most = busiest()
    agency_id, agency_cases = most.agency_id, most.agency_cases
    caseworker, supervisor = most.caseworker, most.supervisor
    shelter_id, residents = most.shelter_id, most.residents
    open_ids = db.session.scalars(
        select(Case.id).where(Case.agency_id == agency_id, Case.nrm_state == "assistance",
                              Case.is_restricted.is_(False)).limit(100)).all()
    movable = db.session.scalars(
        select(Case.id).where(Case.agency_id == agency_id, Case.nrm_state == "assistance",
                              Case.assistance_state.in_(("declined", "not_started")))
        .limit(20)).all()
    headers = most.headers()
    db.session.remove()
    print(f"{total:,} cases; busiest agency {agency_cases:,} cases; busiest shelter "
          f"{residents} residents; caseworker {caseworker.username}")

    client = app.test_client()

    def get(path, who, expect=200):
        def run():
            response = client.get(path, headers=headers[who])
            assert response.status_code == expect, (path, response.get_json())
        return run

    def rotating(paths, who):
        state = {"i": 0}

        def run():
            path = paths[state["i"] % len(paths)]
            state["i"] += 1
            response = client.get(path, headers=headers[who])
            assert response.status_code == 200, (path, response.get_json())
        return run

    def floor_rotating(sql, params_list):
        state = {"i": 0}

        def run():
            params = params_list[state["i"] % len(params_list)]
            state["i"] += 1
            floor(sql, params)()
        return run

    versions = {}

    def transition():
        state = transition.__dict__.setdefault("state", {"i": 0})
        case_id = movable[state["i"] % len(movable)]
        state["i"] += 1
        if case_id not in versions:
            body = client.get(f"/api/v1/cases/{case_id}/transitions",
                              headers=headers["caseworker"]).get_json()
            versions[case_id] = (body["version"], body["tracks"]["assistance"]["state"])
        version, current = versions[case_id]
        event = "offer" if current in ("declined", "not_started", "ended") else "decline"
        request = {"track": "assistance", "event": event, "version": version}
        if event == "decline":  # an adverse step: a listed code and the person's view (ID-6)
            request.update(reason="The person has other support for now",
                           facts={"reason_code": "has_other_support",
                                  "person_view": "I have support from my family for now"})
        response = client.post(f"/api/v1/cases/{case_id}/transitions",
                               headers=headers["caseworker"], json=request)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        versions[case_id] = (body["version"], body["tracks"]["assistance"])

    def floor_transition():
        state = floor_transition.__dict__.setdefault("state", {"i": 0})
        case_id = movable[state["i"] % len(movable)]
        state["i"] += 1
        floor(TRANSITION_SQL, ("declined", case_id))()

    scenarios = [
        ("fixed cost: GET /me", get("/api/v1/auth/me", "caseworker"),
         floor("SELECT * FROM user_account WHERE id = %s", (caseworker.id,))),
        ("case file", rotating([f"/api/v1/cases/{i}" for i in open_ids], "caseworker"),
         floor_rotating(CASE_FILE_SQL, [(i,) for i in open_ids])),
        ("case list, state filter", get("/api/v1/cases?state=assistance", "caseworker"),
         floor(CASE_LIST_SQL, (agency_id, "assistance"))),
        ("case list, mine + overdue", get("/api/v1/cases?assigned_to=me&overdue=true",
                                          "caseworker"),
         floor(CASE_LIST_SQL.replace("c.nrm_state = %s", "c.assigned_to_id = %s AND EXISTS "
                                     "(SELECT 1 FROM deadline d WHERE d.case_id = c.id AND "
                                     "d.status = 'pending' AND d.due_at <= now())"),
               (agency_id, caseworker.id))),
        ("my follow-ups", get("/api/v1/reminders", "caseworker"),
         floor(FOLLOW_UPS_SQL, (caseworker.id, caseworker.id))),
        ("apply a transition", transition, floor_transition),
        ("supervisor dashboard", get("/api/v1/supervision/overdue", "supervisor"),
         floor(DASHBOARD_SQL, (agency_id,) * 4)),
        ("shelter view", get(f"/api/v1/stays?shelter={shelter_id}", "shelter"),
         floor(SHELTER_SQL, (shelter_id,))),
        ("legal aid view", get("/api/v1/legal/cases", "legal"), None),
        ("statistics", get("/api/v1/statistics", "supervisor"), floor(STATISTICS_SQL)),
        ("statistics by form", get("/api/v1/statistics?by=exploitation_form", "supervisor"),
         floor(STATISTICS_BY_FORM_SQL)),
    ]
    only = set(args.only.split(",")) if args.only else None
    print(f"{'scenario':28} {'median':>8} {'p95':>8} {'floor':>8} {'floor p95':>9} "
          f"{'ratio':>6}  (ms, {args.runs} runs)")
    for name, app_fn, floor_fn in scenarios:
        if only and not any(o in name for o in only):
            continue
        slow = name.startswith("statistics")
        runs = max(10, args.runs // 10) if slow else args.runs
        warmup = 2 if slow else args.warmup
        median, p95 = timed(app_fn, runs, warmup)
        if floor_fn is not None:
            f_median, f_p95 = timed(floor_fn, runs, warmup)
            print(f"{name:28} {median:8.1f} {p95:8.1f} {f_median:8.2f} {f_p95:9.2f} "
                  f"{median / f_median:6.1f}")
        else:
            print(f"{name:28} {median:8.1f} {p95:8.1f} {'-':>8} {'-':>9} {'-':>6}")

    print("\nplan of the overdue dashboard's main query (EXPLAIN ANALYZE):")
    from sqlalchemy import event
    with app.test_request_context():
        captured = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            if "FROM deadline" in statement and not captured:
                captured.append((statement, parameters))
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            overdue(db.session.get(User, supervisor.id))
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        statement, parameters = captured[0]
        plan = db.session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        for line, in plan:
            print("   ", line)
        db.session.rollback()
    ctx.pop()


if __name__ == "__main__":
    main()
