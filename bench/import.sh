#!/usr/bin/env bash
# Rows per second of `onecard import` (a release build) on a file of made-up physical cards, on a
# fresh SQLite file and, if psql reaches the server, a fresh PostgreSQL database. See
# bench/README.md, "Importing physical cards".
#
# Environment (all optional):
#   BENCH_ROWS            rows in the generated file               (default: 1000000)
#   BENCH_BACKENDS        backends to run, in order                (default: "sqlite postgres")
#   BENCH_POSTGRES_URL    PostgreSQL server to create the scratch database on
#                         (default: postgres://postgres@127.0.0.1:5432)
#   BENCH_BATCH_SIZE      onecard import --batch-size              (default: the command's)
#   BENCH_NO_UPGRADE=1    skip the second measure: the imported rows put back in clear, as a
#                         database written before identity numbers were sealed, and the time
#                         `onecard migrate` takes to seal them
#   BENCH_NO_BUILD=1      use the existing release binary
#   BENCH_KEEP=1          keep the scratch directory (file, report, SQLite database)
#   TMPDIR                where the scratch directory goes
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
ONECARD="$TARGET/release/onecard"
ROWS=${BENCH_ROWS:-1000000}
BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
PG_ADMIN=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=""
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/onecard-import.XXXXXX")

log() { echo "import.sh: $*" >&2; }

cleanup() {
    local rc=$?
    if [[ -n "$PG_DB" ]]; then
        psql "$PG_ADMIN/postgres" -v ON_ERROR_STOP=1 -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 ||
            log "could not drop database $PG_DB; drop it by hand"
    fi
    if [[ -n "${BENCH_KEEP:-}" ]]; then log "kept $SCRATCH"; else rm -rf "$SCRATCH"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    log "building onecard (release)"
    cargo build --release -q -p onecard
fi

FILE="$SCRATCH/cards.csv"
log "writing $ROWS rows to $FILE"
python3 bench/gen_cards.py "$ROWS" "$FILE"
log "$(du -h "$FILE" | cut -f1) written"

ARGS=(import "$FILE" --report "$SCRATCH/report.txt")
# A fresh data key for the scratch databases: passport numbers are sealed under it.
ONECARD_DATA_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export ONECARD_DATA_KEY
[[ -n "${BENCH_BATCH_SIZE:-}" ]] && ARGS+=(--batch-size "$BENCH_BATCH_SIZE")

run() {
    local backend=$1 url=$2 start end secs rate
    start=$(date +%s.%N)
    "$ONECARD" --database-url "$url" "${ARGS[@]}"
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc -l)
    rate=$(echo "$ROWS / $secs" | bc -l)
    "$ONECARD" --database-url "$url" audit verify
    printf '%s: %d rows in %.1f s: %.0f rows/s\n' "$backend" "$ROWS" "$secs" "$rate"
    printf '{"backend":"%s","rows":%d,"seconds":%.2f,"rows_per_second":%.0f}\n' "$backend" "$ROWS" "$secs" "$rate" >>"$SCRATCH/results.jsonl"
    [[ -n "${BENCH_NO_UPGRADE:-}" ]] || upgrade "$backend" "$url"
}

# upgrade BACKEND URL: passport numbers back in clear (made-up ones, from the row ids), their
# keyed hashes and the recorded key gone, as migration 15 finds a database written before; then
# the time `onecard migrate` takes to seal every row.
upgrade() {
    local backend=$1 url=$2 start end secs
    local people_sql="UPDATE people SET passport_hash = NULL, passport_number = 'P' || upper(substr(%s, 17, 14))"
    local permits_sql="UPDATE permits SET passport_number = 'P' || upper(substr(%s, 17, 14))"
    case $backend in
    sqlite)
        python3 - "${url#sqlite://}" "$(printf "$people_sql" 'hex(id)')" "$(printf "$permits_sql" 'hex(id)')" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for sql in sys.argv[2:] + ["DELETE FROM data_key"]:
    c.execute(sql)
c.commit()
PY
        ;;
    postgres)
        psql "$url" -v ON_ERROR_STOP=1 -qAt \
            -c "$(printf "$people_sql" "replace(id::text, '-', '')")" \
            -c "$(printf "$permits_sql" "replace(id::text, '-', '')")" \
            -c "DELETE FROM data_key" >/dev/null
        ;;
    esac
    start=$(date +%s.%N)
    "$ONECARD" --database-url "$url" migrate >/dev/null
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc -l)
    printf '%s: sealing the people and permits of %d cards, written in clear, took %.1f s\n' "$backend" "$ROWS" "$secs"
    printf '{"backend":"%s","cards_sealed":%d,"seal_seconds":%.2f}\n' "$backend" "$ROWS" "$secs" >>"$SCRATCH/results.jsonl"
    "$ONECARD" --database-url "$url" audit verify >/dev/null
}

for backend in $BACKENDS; do
    case $backend in
    sqlite)
        run sqlite "sqlite://$SCRATCH/onecard.db"
        ;;
    postgres)
        if ! psql "$PG_ADMIN/postgres" -qAtc "SELECT 1" >/dev/null 2>&1; then
            log "PostgreSQL skipped: psql cannot reach $PG_ADMIN"
            continue
        fi
        PG_DB="onecard_bench_$RANDOM$RANDOM"
        psql "$PG_ADMIN/postgres" -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
        log "PostgreSQL: synchronous_commit=$(psql "$PG_ADMIN/$PG_DB" -qAtc 'SHOW synchronous_commit'), fsync=$(psql "$PG_ADMIN/$PG_DB" -qAtc 'SHOW fsync')"
        run postgres "$PG_ADMIN/$PG_DB"
        ;;
    *) log "unknown backend $backend" ;;
    esac
done
cat "$SCRATCH/results.jsonl"
