#!/usr/bin/env bash
# Restore drill: dump the database, restore the dump into a fresh database beside it, and
# check the copy is whole and readable with the keys in the environment. See
# docs/operations.md.
#
#   DATABASE_URL=postgresql://referral@db:5432/referral \
#   SECRET_KEY=… ENCRYPTION_KEYS=… BLIND_INDEX_KEY=… bench/restore_drill.sh
#
# 1. pg_dump -Fc of DATABASE_URL (a consistent snapshot; the app may keep running);
# 2. CREATE DATABASE <drill> on the same server (through ADMIN_URL, default
#    SCRATCH_DATABASE_ADMIN_URL, else the server's postgres database: it must be allowed to
#    create databases);
# 3. pg_restore --exit-on-error into it;
# 4. flask audit verify on the copy: the audit trail's hash chain is intact;
# 5. flask keys check --read-every-column on the copy: the keys open their sentinels, the
#    search key matches, and one stored value of every sealed column opens;
# 6. DROP DATABASE <drill> (KEEP=1 keeps it; RESTORE_DATABASE names it).
# Each step prints its time; any failure stops the drill with a non-zero exit.
# DATABASE_URL is a plain libpq URL without a query string (psql and pg_dump read it).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PYTHON_BIN:-$( [ -x .venv/bin/python ] && echo .venv/bin || dirname "$(command -v python)")}

source_url=${DATABASE_URL:?set DATABASE_URL to the database to dump}
# With two database roles (docs/deployment.md) the owner dumps and restores: the
# application's role may not create objects.
source_url=${DATABASE_OWNER_URL:-$source_url}
server=${source_url%/*}
admin=${ADMIN_URL:-${SCRATCH_DATABASE_ADMIN_URL:-$server/postgres}}
name=${RESTORE_DATABASE:-referral_restore_drill_$(date +%s)_$$}
target=$server/$name
work=$(mktemp -d)

cleanup() {
    rm -rf "$work"
    if [ "${KEEP:-}" != 1 ]; then
        psql "$admin" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
SECONDS=0
step() { printf '[%4d s] %s\n' "$SECONDS" "$*"; }

step "dump"
pg_dump -Fc -d "$source_url" -f "$work/referral.dump"
step "dump written: $(du -h "$work/referral.dump" | cut -f1)"
step "create database $name"
owner=$(psql "$source_url" -Atc "SELECT current_user")
psql "$admin" -qc "CREATE DATABASE \"$name\" OWNER \"$owner\""
step "restore"
pg_restore --no-owner --exit-on-error -d "$target" "$work/referral.dump"
step "audit verify on the copy"
DATABASE_URL=$target "$BIN/flask" --app referral audit verify
step "keys check on the copy"
DATABASE_URL=$target "$BIN/flask" --app referral keys check --read-every-column
step "restore drill passed"
