#!/usr/bin/env bash
# Load test: serve the app with gunicorn on loopback, run the locust journeys headless for a
# bounded time, stop gunicorn. Needs a database synth has loaded:
#
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench bench/load.sh
#
# Settings (environment): USERS (50), SPAWN_RATE (10), DURATION (2m), WORKERS (2 per core),
# THREADS (2: gthread workers, as bench/serve.sh runs production; THREADS=1 gives the old
# sync workers), PORT (8765), THINK_MIN/THINK_MAX (0.5/2 s between a user's actions),
# PYTHON_BIN (.venv/bin or the active interpreter's folder), LOCUST (locust in PYTHON_BIN;
# locust is not a dependency of the app: install it in a virtualenv of its own and point
# LOCUST at it).
# The locust CSV files go to $OUT (a fresh temporary folder); nothing is written here.
set -euo pipefail

cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database synth loaded}"
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
DURATION=${DURATION:-2m}
WORKERS=${WORKERS:-$((2 * $(nproc)))}
THREADS=${THREADS:-2}
PORT=${PORT:-8765}
BIN=${PYTHON_BIN:-$( [ -x .venv/bin/python ] && echo .venv/bin || dirname "$(command -v python)")}
OUT=${OUT:-$(mktemp -d)}
export DATABASE_URL

TOKENS="$OUT/tokens.json"
umask 077
"$BIN/python" bench/issue_tokens.py --per-role "$USERS" > "$TOKENS"

if [ "$THREADS" -gt 1 ]; then
    export DATABASE_POOL_SIZE=${DATABASE_POOL_SIZE:-$THREADS}
    CLASS=(--preload --worker-class gthread --threads "$THREADS")
else
    CLASS=(--worker-class sync)
fi
"$BIN/gunicorn" "${CLASS[@]}" --workers "$WORKERS" --keep-alive 75 --bind "127.0.0.1:$PORT" --pid "$OUT/gunicorn.pid" \
    --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --daemon \
    "referral:create_app()"
stop() {
    if [ -s "$OUT/gunicorn.pid" ]; then
        kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true
    fi
    rm -f "$TOKENS"
}
trap stop EXIT

for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" > /dev/null && break
    sleep 0.2
done

LOCUST_TOKENS="$TOKENS" "${LOCUST:-$BIN/locust}" -f bench/locustfile.py --headless \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --stop-timeout 10
echo "locust CSV files: $OUT/locust_stats.csv"
