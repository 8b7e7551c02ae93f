#!/usr/bin/env bash
# Production processes, one kind per invocation; a process manager (systemd, a container
# platform) runs each and restarts it. See docs/deployment.md.
#
#   bench/serve.sh migrate   once per release, before the new web processes start
#   bench/serve.sh web       gunicorn: WEB_WORKERS gthread workers (default 2 per core) of
#                            WEB_THREADS threads (default 2) on BIND, the app loaded once
#                            before forking (--preload); behind a buffering proxy
#   bench/serve.sh worker    a Celery worker: run as many as needed, on as many machines
#   bench/serve.sh beat      Celery beat with RedBeat: run one per machine on two machines;
#                            the RedBeat lock lets one of them schedule at a time
#
# REFERRAL_ENV defaults to production here, which needs SECRET_KEY, DATABASE_URL,
# REDIS_URL, ENCRYPTION_KEYS and BLIND_INDEX_KEY in the environment (referral/config.py).
set -euo pipefail

cd "$(dirname "$0")/.."
export REFERRAL_ENV=${REFERRAL_ENV:-production}
BIN=${PYTHON_BIN:-$( [ -x .venv/bin/python ] && echo .venv/bin || dirname "$(command -v python)")}

case "${1:-}" in
    migrate)
        exec "$BIN/flask" --app referral db upgrade
        ;;
    web)
        # The access log names the path only: a query string can hold a searched name.
        # --preload: the app is imported once in the master (a replaced worker starts in
        # milliseconds, not the 6-7 s an import takes) and a wrong key stops the master.
        # gthread: a client slow to send its body holds one thread, not a whole worker;
        # the app gives it BODY_READ_TIMEOUT_SECONDS (10) and answers 408 (docs/deployment.md).
        # Each thread may hold a database connection: DATABASE_POOL_SIZE >= WEB_THREADS.
        # Two workers of two threads per core: the app is bound by its CPU, and threads of
        # one worker share one interpreter lock; on the 2-core benchmark machine 4 x 2 served
        # about 10 % more requests a second than 3 x 8 (docs/benchmarks.md).
        # --keep-alive 75: an idle connection outlives the proxy's (nginx keeps upstream
        # connections 60 s), so the proxy never sends a request on one gunicorn is closing.
        exec "$BIN/gunicorn" \
            --preload \
            --worker-class gthread --threads "${WEB_THREADS:-2}" \
            --workers "${WEB_WORKERS:-$((2 * $(nproc)))}" \
            --bind "${BIND:-127.0.0.1:8000}" \
            --timeout 30 --graceful-timeout 30 --keep-alive 75 \
            --max-requests 5000 --max-requests-jitter 500 \
            --access-logfile - --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms' \
            "referral:create_app()"
        ;;
    worker)
        exec "$BIN/celery" -A worker.main worker --loglevel=INFO \
            --concurrency "${WORKER_CONCURRENCY:-2}" --hostname "referral@%h"
        ;;
    beat)
        exec "$BIN/celery" -A worker.main beat --loglevel=INFO
        ;;
    *)
        echo "usage: $0 migrate|web|worker|beat" >&2
        exit 2
        ;;
esac
