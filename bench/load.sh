#!/usr/bin/env bash
# Load test: serve the app with gunicorn on loopback, run the locust journeys headless for a
# bounded time, stop gunicorn. Needs a database synth has loaded:
#
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/referral_bench bench/load.sh
#
# Settings (environment): USERS (50), SPAWN_RATE (10), DURATION (2m), WORKERS (4),
# PORT (8765), THINK_MIN/THINK_MAX (0.5/2 s between a user's actions), PYTHON_BIN
# (.venv/bin or the active interpreter's folder).
# The locust CSV files go to $OUT (a fresh temporary folder); nothing is written here.
set -euo pipefail

cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database synth loaded}"
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
DURATION=${DURATION:-2m}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8765}
BIN=${PYTHON_BIN:-$( [ -x .venv/bin/python ] && echo .venv/bin || dirname "$(command -v python)")}
OUT=${OUT:-$(mktemp -d)}
export DATABASE_URL

TOKENS="$OUT/tokens.json"
umask 077
"$BIN/python" bench/issue_tokens.py --per-role "$USERS" > "$TOKENS"

"$BIN/gunicorn" --workers "$WORKERS" --bind "127.0.0.1:$PORT" --pid "$OUT/gunicorn.pid" \
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

LOCUST_TOKENS="$TOKENS" "$BIN/locust" -f bench/locustfile.py --headless \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --stop-timeout 10
echo "locust CSV files: $OUT/locust_stats.csv"
