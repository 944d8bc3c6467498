#!/usr/bin/env bash
# Verifications per second and latency of POST /api/v1/verify, over HTTP on loopback, against a
# release server, on SQLite and on PostgreSQL: fresh codes (each a first, valid verification
# whose token id is recorded) and replayed codes (already used). See bench/README.md.
#
# Environment (all optional):
#   BENCH_BACKENDS        backends to run, in order          (default: "sqlite postgres")
#   BENCH_MODES           modes to run on each backend       (default: "fresh replay";
#                         also bad-signature and not-onecard, diagnostics without the database)
#   BENCH_RUNS            runs of each backend and mode      (default: 1)
#   BENCH_POSTGRES_URL    PostgreSQL server to create the scratch database on
#                         (default: postgres://postgres@127.0.0.1:5432)
#   BENCH_CLIENTS         concurrent connections             (default: 32)
#   BENCH_DURATION        measured seconds                   (default: 20)
#   BENCH_WARMUP          warm-up seconds, not counted       (default: 3)
#   BENCH_DB_CONNECTIONS  server --db-connections            (default: the server's, 16)
#   BENCH_PORT            loopback port for the server       (default: a free one from 18080)
#   BENCH_NO_BUILD=1      use the existing target/release binaries
#   BENCH_KEEP=1          keep the scratch directory (server logs, SQLite files)
#   BENCH_PG_SET          diagnostics: NAME=VALUE settings for the scratch PostgreSQL database,
#                         e.g. "synchronous_commit=off" (then the commits are NOT durable)
#   BENCH_PERF            stat: `perf stat` the server over the measured window;
#                         record: `perf record` it instead and print the top of the profile
#   TMPDIR                where the scratch directory (and the SQLite files) go
#   LOADGEN_ARGS          extra arguments for verify_load
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
ONECARD="$TARGET/release/onecard"
LOADGEN="$TARGET/release/verify_load"

BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
MODES=${BENCH_MODES:-fresh replay}
RUNS=${BENCH_RUNS:-1}
PG_URL=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
CLIENTS=${BENCH_CLIENTS:-32}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-3}

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/onecard-verify.XXXXXX")
SERVER_PID=""
LOADGEN_PID=""
PERF_PID=""
PG_DB=""
PG_ADMIN=""
RESULTS=()
# A fresh sealing key for the whole run: in demo mode the server makes its root and signing
# keys sealed under it, and verify_load opens the signing key with it.
ONECARD_SEALING_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export ONECARD_SEALING_KEY

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
    local pid
    for pid in "$LOADGEN_PID" "$PERF_PID"; do
        [[ -n "$pid" ]] || continue
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
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

# start_server NAME DATABASE_URL: starts the release server with the demo data (and, with the
# sealing key in the environment, a root and a signing key), waits for /readyz.
start_server() {
    local name=$1 url=$2 port
    port=$(pick_port)
    BASE="http://127.0.0.1:$port"
    local args=(serve --demo --listen "127.0.0.1:$port" --public-url "$BASE")
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
            if ! grep -q 'demo issuer key made' "$SERVER_LOG"; then
                log "the server made no issuer keys: is ONECARD_SEALING_KEY passed on?"
                return 1
            fi
            return 0
        fi
        sleep 0.1
    done
    log "server not ready after 30 s:"
    tail -n 20 "$SERVER_LOG" >&2
    return 1
}

# perf_window NAME: with BENCH_PERF, profiles the server over the measured window (once the
# warm-up and verify_load's minting are over: it starts when verify_load says it is loading).
perf_window() {
    local name=$1 out=$2
    case "${BENCH_PERF:-}" in
    "") return 0 ;;
    stat | record) ;;
    *) log "BENCH_PERF must be stat or record"; exit 1 ;;
    esac
    command -v perf >/dev/null || { log "BENCH_PERF: no perf"; return 0; }
    (
        # Wait for the load to start, then for the warm-up to pass.
        for _ in $(seq 1 1200); do
            grep -q 'connections, .* s warm-up' "$out.err" 2>/dev/null && break
            sleep 0.05
        done
        sleep "$WARMUP"
        local secs=$((DURATION > 2 ? DURATION - 1 : DURATION))
        if [[ "$BENCH_PERF" == record ]]; then
            # Flat (no call graphs) at 999 Hz: it costs the server little.
            perf record -q -F 999 -p "$SERVER_PID" -o "$SCRATCH/perf-$name.data" -- sleep "$secs" \
                >"$SCRATCH/perf-$name.txt" 2>&1
        else
            # With the system calls that matter here, where the kernel lets perf count them.
            local sc=syscalls:sys_enter_
            perf stat -e "task-clock,context-switches,cpu-migrations,${sc}fsync,${sc}fdatasync,${sc}futex,${sc}pwrite64,${sc}pread64,${sc}writev,${sc}write,${sc}recvfrom,${sc}sendto,${sc}epoll_wait" \
                -p "$SERVER_PID" -- sleep "$secs" >"$SCRATCH/perf-$name.txt" 2>&1 ||
                perf stat -p "$SERVER_PID" -- sleep "$secs" >"$SCRATCH/perf-$name.txt" 2>&1
        fi
    ) &
    PERF_PID=$!
}

perf_report() {
    local name=$1
    [[ -n "$PERF_PID" ]] || return 0
    wait "$PERF_PID" || true
    PERF_PID=""
    if [[ "${BENCH_PERF:-}" == record ]]; then
        log "perf: the server's CPU during the window, by thread and library, then by symbol"
        local report=(perf report -q -i "$SCRATCH/perf-$name.data" --stdio -g none)
        "${report[@]}" --sort comm,dso 2>/dev/null | grep -v '^$' | head -n 12 >&2 || true
        "${report[@]}" --sort dso,symbol --percent-limit 0.7 2>/dev/null | grep -v '^$' |
            cut -c1-150 | head -n 30 >&2 || true
    else
        log "perf stat of the server over the window:"
        grep -vE '^\s*$' "$SCRATCH/perf-$name.txt" >&2 || true
    fi
}

# run_load NAME MODE [ARGS...]: runs verify_load against $BASE and keeps its JSON line.
run_load() {
    local name=$1 mode=$2
    shift 2
    local out="$SCRATCH/verify-$name.out"
    local load=(
        "$LOADGEN" --url "$BASE" --public-url "$BASE" --database-url "$DB_URL" --mode "$mode"
        --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" --label "$name"
        --watch-pid "$SERVER_PID" --tag "load_before=$(cut -d' ' -f1-3 /proc/loadavg)" "$@"
    )
    # shellcheck disable=SC2206
    [[ -n "${LOADGEN_ARGS:-}" ]] && load+=($LOADGEN_ARGS)
    log "verify_load ($mode): $CLIENTS connections, ${WARMUP} s warm-up + ${DURATION} s"
    perf_window "$name" "$out"
    local rc=0
    # In the background, so that a signal to this script is handled at once; stderr goes to the
    # terminal and to a file perf_window watches.
    "${load[@]}" >"$out" 2> >(tee "$out.err" >&2) &
    LOADGEN_PID=$!
    wait "$LOADGEN_PID" || rc=$?
    LOADGEN_PID=""
    cat "$out"
    perf_report "$name"
    if ((rc != 0)); then
        log "verify_load failed (exit $rc); server log: $SERVER_LOG"
        tail -n 5 "$SERVER_LOG" >&2
        return "$rc"
    fi
    local json
    json=$(grep '^{' "$out" | tail -n 1)
    RESULTS+=("$json")
    if ! printf '%s' "$json" | grep -q '"errors":0,'; then
        log "WARNING: some answers were not $(printf '%s' "$json" | sed -E 's/.*"expected":"([a-z_]*)".*/\1/') (see above)"
    fi
    if grep -qiE 'error|panic' "$SERVER_LOG"; then
        log "the server logged errors ($SERVER_LOG):"
        grep -iE 'error|panic' "$SERVER_LOG" | sort | uniq -c | sort -rn | head -n 5 >&2
    fi
    EXPECTED_RECORDED=$(printf '%s' "$json" | sed -E 's/.*"expected_recorded":([0-9]+).*/\1/')
}

bench_sqlite() {
    local mode=$1 run=$2
    local name="sqlite-$mode-$run"
    local db="$SCRATCH/$name/onecard.db"
    mkdir -p "$SCRATCH/$name"
    DB_URL="sqlite://$db"
    start_server "$name" "$DB_URL"
    log "SQLite $(sqlite3 "$db" 'PRAGMA journal_mode' 2>/dev/null || echo '?') journal;" \
        "synchronous=FULL is set on every connection by crates/store/src/sqlite.rs"
    run_load "$name" "$mode" --tag journal_mode=wal --tag synchronous=FULL
    stop_server
    if command -v sqlite3 >/dev/null; then
        log "token ids recorded after shutdown: $(sqlite3 "$db" 'SELECT count(*) FROM used_tokens')" \
            "(expected $EXPECTED_RECORDED)"
    fi
}

bench_postgres() {
    local mode=$1 run=$2
    local name="postgres-$mode-$run"
    # The server part of the URL, without any database name or parameters.
    local server
    server=$(printf '%s' "$PG_URL" | sed -E 's#^(postgres(ql)?://[^/?]*).*#\1#')
    PG_ADMIN="$server/postgres"
    if ! psql "$PG_ADMIN" -qAtc 'SELECT 1' >/dev/null 2>&1; then
        log "SKIPPED PostgreSQL: cannot connect with psql to $(printf '%s' "$PG_ADMIN" | sed -E 's#://([^:@/]*):[^@/]*@#://\1:***@#')"
        RESULTS+=("{\"label\":\"$name\",\"skipped\":\"psql cannot connect\"}")
        return 0
    fi
    PG_DB="onecard_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
    psql "$PG_ADMIN" -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
    log "created database $PG_DB"
    DB_URL="$server/$PG_DB"
    local setting
    # Diagnostics only, e.g. BENCH_PG_SET="synchronous_commit=off": per-database settings.
    for setting in ${BENCH_PG_SET:-}; do
        psql "$PG_ADMIN" -v ON_ERROR_STOP=1 -qAtc \
            "ALTER DATABASE \"$PG_DB\" SET ${setting%%=*} = '${setting#*=}'" >/dev/null
        log "diagnostic setting on $PG_DB: $setting"
    done
    local sync fsync
    sync=$(psql "$DB_URL" -qAtc 'SHOW synchronous_commit')
    fsync=$(psql "$DB_URL" -qAtc 'SHOW fsync')
    log "PostgreSQL $(psql "$DB_URL" -qAtc 'SHOW server_version'): synchronous_commit=$sync fsync=$fsync"
    if [[ "$sync" != "on" && "$sync" != "remote_apply" && "$sync" != "remote_write" ]] || [[ "$fsync" != "on" ]]; then
        log "WARNING: commits are not durable on this server (synchronous_commit=$sync, fsync=$fsync)"
    fi
    start_server "$name" "$DB_URL"
    run_load "$name" "$mode" --watch-pg-db "$PG_DB" --tag "synchronous_commit=$sync" --tag "fsync=$fsync"
    stop_server
    log "token ids recorded after shutdown: $(psql "$DB_URL" -qAtc 'SELECT count(*) FROM used_tokens')" \
        "(expected $EXPECTED_RECORDED)"
    drop_pg_db
}

log "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    log "building release binaries"
    cargo build --release -p onecard -p loadgen
fi
[[ -x "$ONECARD" && -x "$LOADGEN" ]] || { log "missing $ONECARD or $LOADGEN"; exit 1; }

for run in $(seq 1 "$RUNS"); do
    for backend in $BACKENDS; do
        for mode in $MODES; do
            case "$mode" in
            fresh | replay | bad-signature | not-onecard) ;;
            *) log "unknown mode $mode"; exit 1 ;;
            esac
            case "$backend" in
            sqlite) bench_sqlite "$mode" "$run" ;;
            postgres) bench_postgres "$mode" "$run" ;;
            *) log "unknown backend $backend"; exit 1 ;;
            esac
        done
    done
done

log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "# results (one JSON line per run)"
printf '%s\n' "${RESULTS[@]}"
