#!/usr/bin/env bash
# Submissions per second and latency, over HTTP, against a release server with durable commits,
# on SQLite and on PostgreSQL. See bench/README.md.
#
# Environment (all optional):
#   BENCH_BACKENDS        backends to run, in order          (default: "sqlite postgres")
#   BENCH_POSTGRES_URL    PostgreSQL server to create the scratch database on
#                         (default: postgres://postgres@127.0.0.1:5432)
#   BENCH_CLIENTS         concurrent clients                 (default: 64)
#   BENCH_DURATION        measured seconds                   (default: 20)
#   BENCH_WARMUP          warm-up seconds, not counted       (default: 3)
#   BENCH_DB_CONNECTIONS  server --db-connections            (default: the server's, 16)
#   BENCH_PORT            loopback port for the server       (default: a free one from 18080)
#   BENCH_AUTH            token | session                    (default: token)
#   BENCH_NO_BUILD=1      use the existing target/release binaries
#   BENCH_KEEP=1          keep the scratch directory (server logs, SQLite file)
#   BENCH_PG_WAITS=1      sample PostgreSQL wait events during the load and print them
#   BENCH_PG_SET          diagnostics: NAME=VALUE settings for the scratch PostgreSQL database,
#                         e.g. "synchronous_commit=off" (then the commits are NOT durable)
#   TMPDIR                where the scratch directory (and the SQLite file) goes
#   LOADGEN_ARGS          extra arguments for loadgen
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
ONECARD="$ROOT/target/release/onecard"
LOADGEN="$ROOT/target/release/loadgen"

BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
PG_URL=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
CLIENTS=${BENCH_CLIENTS:-64}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-3}
AUTH=${BENCH_AUTH:-token}

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/onecard-bench.XXXXXX")
SERVER_PID=""
SAMPLER_PID=""
LOADGEN_PID=""
PG_DB=""
PG_ADMIN=""
RESULTS=()

log() { printf '==> %s\n' "$*" >&2; }

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        # The server drains in-flight requests (10 s grace); give it a little longer.
        for _ in $(seq 1 150); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server $SERVER_PID did not stop on SIGTERM; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

drop_pg_db() {
    [[ -n "$PG_DB" ]] || return 0
    psql "$PG_ADMIN" -v ON_ERROR_STOP=1 -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 ||
        log "could not drop database $PG_DB; drop it by hand"
    PG_DB=""
}

cleanup() {
    local rc=$?
    if [[ -n "$LOADGEN_PID" ]]; then
        kill "$LOADGEN_PID" 2>/dev/null || true
        wait "$LOADGEN_PID" 2>/dev/null || true
    fi
    if [[ -n "$SAMPLER_PID" ]]; then
        kill "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
    fi
    stop_server
    drop_pg_db
    if [[ -n "${BENCH_KEEP:-}" ]]; then
        log "kept $SCRATCH"
    else
        rm -rf "$SCRATCH"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

pick_port() {
    local p=${BENCH_PORT:-18080}
    if [[ -n "${BENCH_PORT:-}" ]]; then
        port_free "$p" || { log "port $p is in use"; exit 1; }
        echo "$p"
        return
    fi
    while ! port_free "$p"; do
        p=$((p + 1))
        ((p < 18200)) || { log "no free port in 18080-18199"; exit 1; }
    done
    echo "$p"
}

# start_server NAME DATABASE_URL: starts the release server with the demo data, waits for /readyz.
start_server() {
    local name=$1 url=$2 port
    port=$(pick_port)
    BASE="http://127.0.0.1:$port"
    local args=(serve --demo --listen "127.0.0.1:$port")
    [[ -n "${BENCH_DB_CONNECTIONS:-}" ]] && args+=(--db-connections "$BENCH_DB_CONNECTIONS")
    SERVER_LOG="$SCRATCH/server-$name.log"
    DATABASE_URL="$url" ONECARD_LOG="${ONECARD_LOG:-info,sqlx=warn}" \
        "$ONECARD" "${args[@]}" >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server exited during start-up:"
            tail -n 20 "$SERVER_LOG" >&2
            SERVER_PID=""
            return 1
        fi
        if curl -fsS --max-time 2 --noproxy '*' "$BASE/readyz" >/dev/null 2>&1; then
            log "$name server ready at $BASE (pid $SERVER_PID)"
            return 0
        fi
        sleep 0.1
    done
    log "server not ready after 30 s:"
    tail -n 20 "$SERVER_LOG" >&2
    return 1
}

# CPU seconds (user + system) used so far by the given processes; USER_HZ is 100 on Linux.
cpu_seconds() {
    local total=0 pid t
    for pid in "$@"; do
        # Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
        t=$(sed -E 's/^.*\) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
        total=$((total + ${t:-0}))
    done
    awk -v t="$total" 'BEGIN { printf "%.2f", t / 100 }'
}

# The PostgreSQL backends serving the scratch database (read only: nothing is signalled). With
# BENCH_PG_WAITS the sampler's own backend is among them; it uses little CPU.
pg_backends() {
    [[ -n "$PG_DB" ]] || return 0
    pgrep -f "^postgres: .* $PG_DB " || true
}

# run_load NAME LOADGEN_ARGS...: runs loadgen against $BASE, keeps its JSON line, and reports
# the CPU time the server (and PostgreSQL's backends for this database) spent meanwhile.
run_load() {
    local name=$1
    shift
    local out="$SCRATCH/loadgen-$name.out"
    local load=(
        "$LOADGEN" --url "$BASE" --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP"
        --auth "$AUTH" --label "$name" --tag "load_before=$(cut -d' ' -f1-3 /proc/loadavg)" "$@"
    )
    # shellcheck disable=SC2206
    [[ -n "${LOADGEN_ARGS:-}" ]] && load+=($LOADGEN_ARGS)
    log "loadgen: $CLIENTS clients, ${WARMUP} s warm-up + ${DURATION} s"
    local t0 srv0 pg0 pids_before
    pids_before=$(pg_backends)
    srv0=$(cpu_seconds "$SERVER_PID")
    # shellcheck disable=SC2086
    pg0=$(cpu_seconds $pids_before)
    t0=$(date +%s.%N)
    # In the background, so that a signal to this script is handled at once.
    local rc=0
    "${load[@]}" >"$out" &
    LOADGEN_PID=$!
    wait "$LOADGEN_PID" || rc=$?
    LOADGEN_PID=""
    cat "$out"
    if ((rc != 0)); then
        log "loadgen failed (exit $rc); server log: $SERVER_LOG"
        tail -n 5 "$SERVER_LOG" >&2
        return "$rc"
    fi
    local wall srv pg json total
    wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    srv=$(awk -v a="$srv0" -v b="$(cpu_seconds "$SERVER_PID")" 'BEGIN { printf "%.2f", b - a }')
    # Backends opened during the run started from zero; those closed meanwhile are missed.
    # shellcheck disable=SC2046
    pg=$(awk -v a="$pg0" -v b="$(cpu_seconds $(pg_backends))" 'BEGIN { printf "%.2f", b - a }')
    json=$(grep '^{' "$out" | tail -n 1)
    # Every submission of the run: warm-up, measured and the probe's one.
    total=$(printf '%s' "$json" | sed -E 's/.*"created":([0-9]+).*"warmup_requests":([0-9]+).*/\1 \2/' |
        awk '{ print $1 + $2 + 1 }')
    log "CPU over ${wall} s of loadgen: server ${srv} s ($(awk -v c="$srv" -v n="$total" 'BEGIN { printf "%.0f", c * 1e6 / n }') µs per submission)"
    if [[ -n "$PG_DB" ]]; then
        log "CPU of PostgreSQL backends for $PG_DB: ${pg} s ($(awk -v c="$pg" -v n="$total" 'BEGIN { printf "%.0f", c * 1e6 / n }') µs per submission)"
    fi
    RESULTS+=("$(printf '%s' "$json" | sed -E "s/}\$/,\"server_cpu_s\":$srv,\"pg_backend_cpu_s\":$pg,\"wall_s\":$wall}/")")
    if grep -qiE 'error|panic' "$SERVER_LOG"; then
        log "the server logged errors ($SERVER_LOG):"
        grep -iE 'error|panic' "$SERVER_LOG" | sort | uniq -c | sort -rn | head -n 5 >&2
    fi
}

bench_sqlite() {
    local db="$SCRATCH/sqlite/onecard.db"
    start_server sqlite "sqlite://$db"
    log "SQLite $(sqlite3 "$db" 'PRAGMA journal_mode' 2>/dev/null || echo '?') journal;" \
        "synchronous=FULL is set on every connection by crates/store/src/sqlite.rs"
    run_load sqlite --tag journal_mode=wal --tag synchronous=FULL
    stop_server
    if command -v sqlite3 >/dev/null; then
        log "applications in the database after shutdown: $(sqlite3 "$db" 'SELECT count(*) FROM applications')"
    fi
}

# Samples pg_stat_activity of the scratch database every 20 ms for the warm-up and the
# measured time, then prints how often each state / wait event was seen.
sample_pg_waits() {
    local n=$(((WARMUP + DURATION) * 50))
    psql "$1" -qX -v ON_ERROR_STOP=1 -P footer=off <<SQL
CREATE TEMP TABLE waits (ev text);
DO \$\$
BEGIN
    FOR i IN 1..$n LOOP
        PERFORM pg_stat_clear_snapshot();
        INSERT INTO waits
        SELECT CASE WHEN state = 'active'
                    THEN 'active: ' || coalesce(wait_event_type || '/' || wait_event, 'on CPU or runnable')
                    ELSE state || coalesce(': ' || wait_event_type || '/' || wait_event, '') END
        FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND backend_type = 'client backend';
        PERFORM pg_sleep(0.02);
    END LOOP;
END
\$\$;
SELECT ev AS "backend state / wait event", count(*) AS samples,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct,
       round(count(*)::numeric / $n, 2) AS "avg backends"
FROM waits GROUP BY ev ORDER BY 2 DESC;
SQL
}

bench_postgres() {
    # The server part of the URL, without any database name or parameters.
    local server
    server=$(printf '%s' "$PG_URL" | sed -E 's#^(postgres(ql)?://[^/?]*).*#\1#')
    PG_ADMIN="$server/postgres"
    if ! psql "$PG_ADMIN" -qAtc 'SELECT 1' >/dev/null 2>&1; then
        log "SKIPPED PostgreSQL: cannot connect with psql to $(printf '%s' "$PG_ADMIN" | sed -E 's#://([^:@/]*):[^@/]*@#://\1:***@#')"
        RESULTS+=('{"label":"postgres","skipped":"psql cannot connect"}')
        return 0
    fi
    PG_DB="onecard_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
    psql "$PG_ADMIN" -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
    log "created database $PG_DB"
    local url="$server/$PG_DB" setting
    # Diagnostics only, e.g. BENCH_PG_SET="synchronous_commit=off": per-database settings.
    for setting in ${BENCH_PG_SET:-}; do
        psql "$PG_ADMIN" -v ON_ERROR_STOP=1 -qAtc \
            "ALTER DATABASE \"$PG_DB\" SET ${setting%%=*} = '${setting#*=}'" >/dev/null
        log "diagnostic setting on $PG_DB: $setting"
    done
    local sync fsync
    sync=$(psql "$url" -qAtc 'SHOW synchronous_commit')
    fsync=$(psql "$url" -qAtc 'SHOW fsync')
    log "PostgreSQL $(psql "$url" -qAtc 'SHOW server_version'): synchronous_commit=$sync fsync=$fsync"
    if [[ "$sync" != "on" && "$sync" != "remote_apply" && "$sync" != "remote_write" ]] || [[ "$fsync" != "on" ]]; then
        log "WARNING: commits are not durable on this server (synchronous_commit=$sync, fsync=$fsync)"
    fi
    start_server postgres "$url"
    local sampler=""
    if [[ -n "${BENCH_PG_WAITS:-}" ]]; then
        sample_pg_waits "$url" >"$SCRATCH/pg-waits.txt" 2>&1 &
        sampler=$!
        SAMPLER_PID=$sampler
    fi
    run_load postgres --tag "synchronous_commit=$sync" --tag "fsync=$fsync"
    if [[ -n "$sampler" ]]; then
        wait "$sampler" || true
        SAMPLER_PID=""
        log "what the backends of $PG_DB were doing, sampled every 20 ms during the load:"
        cat "$SCRATCH/pg-waits.txt" >&2
    fi
    stop_server
    log "applications in the database after shutdown: $(psql "$url" -qAtc 'SELECT count(*) FROM applications')"
    drop_pg_db
}

log "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    log "building release binaries"
    cargo build --release -p onecard -p loadgen
fi
[[ -x "$ONECARD" && -x "$LOADGEN" ]] || { log "missing $ONECARD or $LOADGEN"; exit 1; }

for backend in $BACKENDS; do
    case "$backend" in
    sqlite) bench_sqlite ;;
    postgres) bench_postgres ;;
    *) log "unknown backend $backend"; exit 1 ;;
    esac
done

log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "# results (one JSON line per backend)"
printf '%s\n' "${RESULTS[@]}"
