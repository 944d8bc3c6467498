#!/usr/bin/env bash
# One server against two on one PostgreSQL database: submissions per second (loadgen) and
# verifications per second (verify_load, fresh codes), each measured first against server A
# alone, then split evenly over A and B running together. See bench/README.md.
#
# Environment (all optional):
#   BENCH_POSTGRES_URL   server to create the scratch database on (default: postgres://postgres@127.0.0.1:5432)
#   BENCH_CLIENTS        concurrent clients in all, split over the servers  (default: 64)
#   BENCH_DURATION       measured seconds per run                          (default: 15)
#   BENCH_WARMUP         warm-up seconds per run                           (default: 3)
#   BENCH_NO_BUILD=1     use the binaries already in target/release
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$(pwd)/target}
ONECARD="$TARGET/release/onecard"
LOADGEN="$TARGET/release/loadgen"
VERIFY="$TARGET/release/verify_load"
PG_ADMIN=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
CLIENTS=${BENCH_CLIENTS:-64}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-3}
PUBLIC=http://onecard.bench
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/onecard-two-servers.XXXXXX")
PG_DB="onecard_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
URL="$PG_ADMIN/$PG_DB"
PIDS=()
# Both servers open the issuer keys with the same sealing key; verify_load mints with it.
ONECARD_SEALING_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export ONECARD_SEALING_KEY

log() { printf '[two_servers] %s\n' "$*" >&2; }

cleanup() {
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    psql "$PG_ADMIN/postgres" -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME: a release server on a free port, its base URL in $BASE_<NAME>.
start() {
    local name=$1 port
    port=$(free_port)
    "$ONECARD" --database-url "$URL" serve --demo --listen "127.0.0.1:$port" --public-url "$PUBLIC" \
        --sign-in-per-minute 0 >"$SCRATCH/server-$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do
        if curl -fsS --max-time 2 --noproxy '*' "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
            printf -v "BASE_$name" '%s' "http://127.0.0.1:$port"
            log "server $name ready on port $port"
            return 0
        fi
        sleep 0.1
    done
    log "server $name did not start"; tail -n 20 "$SCRATCH/server-$name.log" >&2; exit 1
}

rate() { grep '^{' "$1" | tail -n 1 | sed -E 's/.*"throughput_per_s":([0-9.]+).*/\1/'; }

# submit OUT CLIENTS URL...: one loadgen per URL at once, CLIENTS each; the summed rate.
submit() {
    local label=$1 clients=$2 i=0 total=0 pids=()
    shift 2
    for base in "$@"; do
        "$LOADGEN" --url "$base" --clients "$clients" --duration "$DURATION" --warmup "$WARMUP" \
            --label "$label-$i" >"$SCRATCH/$label-$i.out" 2>&1 &
        pids+=($!)
        i=$((i + 1))
    done
    for p in "${pids[@]}"; do wait "$p"; done
    for ((j = 0; j < i; j++)); do total=$(awk -v a="$total" -v b="$(rate "$SCRATCH/$label-$j.out")" 'BEGIN { print a + b }'); done
    echo "$total"
}

verify() {
    local label=$1 clients=$2 i=0 total=0 pids=()
    shift 2
    for base in "$@"; do
        "$VERIFY" --url "$base" --public-url "$PUBLIC" --database-url "$URL" --mode fresh \
            --clients "$clients" --duration "$DURATION" --warmup "$WARMUP" \
            --label "$label-$i" >"$SCRATCH/$label-$i.out" 2>&1 &
        pids+=($!)
        i=$((i + 1))
    done
    for p in "${pids[@]}"; do wait "$p"; done
    for ((j = 0; j < i; j++)); do total=$(awk -v a="$total" -v b="$(rate "$SCRATCH/$label-$j.out")" 'BEGIN { print a + b }'); done
    echo "$total"
}

log "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    cargo build --release -p onecard -p loadgen
fi
psql "$PG_ADMIN/postgres" -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
start A
one_sub=$(submit one "$CLIENTS" "$BASE_A")
log "submissions, one server: $one_sub /s"
one_ver=$(verify vone "$((CLIENTS / 2))" "$BASE_A")
log "verifications, one server: $one_ver /s"
start B
two_sub=$(submit two "$((CLIENTS / 2))" "$BASE_A" "$BASE_B")
log "submissions, two servers: $two_sub /s"
two_ver=$(verify vtwo "$((CLIENTS / 4))" "$BASE_A" "$BASE_B")
log "verifications, two servers: $two_ver /s"
apps=$(psql "$URL" -qAtc 'SELECT count(*) FROM applications')
log "applications in the database: $apps"
for p in "${PIDS[@]}"; do
    log "server pid $p: peak resident memory $(awk '/VmHWM/ { print $2, $3 }' "/proc/$p/status")"
done
log "database size: $(psql "$URL" -qAtc "SELECT pg_size_pretty(pg_database_size('$PG_DB'))")"
printf '{"label":"two_servers","cores":%s,"clients":%s,"submissions_one":%s,"submissions_two":%s,"verifications_one":%s,"verifications_two":%s}\n' \
    "$(nproc)" "$CLIENTS" "$one_sub" "$two_sub" "$one_ver" "$two_ver"
