#!/usr/bin/env bash
# The commands that only read, against a real PostgreSQL hot standby: a primary and a streaming
# replica made for the run in a scratch directory (initdb, pg_basebackup -R), the primary given
# the schema, the issuer's keys and imported cards, then on the standby: `audit verify`,
# `keys root`, `keys list`, `policy check`, `policy simulate` and `backup` answer as on the
# primary; `migrate` is refused. Then `onecard serve --demo --replica-url` on the two: the
# employer's deadline list is read from the standby, and from the primary once the standby is
# stopped. Uses the debug binary `cargo test` built.
#   tests/standby/run.sh
# Needs PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup: Debian's postgresql
# package); run as root, it runs them as the `postgres` user. Without them it says it skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$PWD/${CARGO_TARGET_DIR:-target}/debug/onecard"
[[ -x "$bin" ]] || { echo "standby: $bin missing; run cargo test first" >&2; exit 2; }
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$pgbin" || ! -x "$pgbin/initdb" ]]; then
    echo "standby: skipped (no PostgreSQL server binaries under /usr/lib/postgresql)"
    exit 0
fi
as_pg=()
if [[ "$(id -u)" == 0 ]]; then
    as_pg=(runuser -u postgres --)
fi
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
scratch="$(mktemp -d)"
chmod 755 "$scratch"
[[ ${#as_pg[@]} -eq 0 ]] || chown postgres "$scratch"
primary_port="$(free_port)"
standby_port="$(free_port)"
server=""
stop() {
    [[ -z "$server" ]] || { kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
    for d in standby primary; do
        [[ -d "$scratch/$d" ]] && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$scratch/$d" -m immediate stop >/dev/null 2>&1 || true
    done
    rm -rf "$scratch"
}
trap stop EXIT
start() { # DIR PORT
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$scratch/$1" -w -l "$scratch/$1.log" \
        -o "-p $2 -k $scratch -c listen_addresses=127.0.0.1" start >/dev/null
}

"${as_pg[@]}" "$pgbin/initdb" -D "$scratch/primary" -U postgres --auth=trust --no-sync >/dev/null
echo "host replication all 127.0.0.1/32 trust" >>"$scratch/primary/pg_hba.conf"
start primary "$primary_port"
"${as_pg[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -qc "CREATE DATABASE onecard"
"${as_pg[@]}" "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
    -D "$scratch/standby" -R -X stream --checkpoint=fast --no-sync
start standby "$standby_port"

export ONECARD_DATA_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export ONECARD_SEALING_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
primary="postgres://postgres@127.0.0.1:$primary_port/onecard"
standby="postgres://postgres@127.0.0.1:$standby_port/onecard"
"$bin" --database-url "$primary" keys generate >/dev/null
"$bin" --database-url "$primary" import demo/physical_cards.csv >/dev/null 2>&1

# Until the standby has replayed all the primary wrote.
catch_up() {
    local lsn caught=f
    lsn="$("${as_pg[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -Atc 'SELECT pg_current_wal_lsn()')"
    for _ in $(seq 1 100); do
        caught="$("${as_pg[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$standby_port" -U postgres -Atc \
            "SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= '$lsn'")"
        [[ "$caught" == t ]] && return 0
        sleep 0.1
    done
    echo "standby: the replica did not catch up" >&2
    exit 1
}
catch_up

failures=0
same() { # what ARGS…: the same output on both
    local what="$1"; shift
    local a b
    a="$("$bin" --database-url "$primary" "$@" 2>&1 | sed "s/:$primary_port\//:PORT\//")" || true
    if b="$("$bin" --database-url "$standby" "$@" 2>&1 | sed "s/:$standby_port\//:PORT\//")" \
        && [[ "$a" == "$b" ]]; then
        echo "standby: ok   $what"
    else
        echo "standby: FAIL $what"; echo "  primary: $a"; echo "  standby: $b"
        failures=$((failures + 1))
    fi
}
same "audit verify" audit verify
same "keys root" keys root
same "keys list" keys list
same "policy check" policy check policies/national-2017.toml
same "policy simulate" policy simulate --policy policies/national-2017.toml
if out="$("$bin" --database-url "$standby" backup "$scratch/standby.backup" 2>&1)" \
    && grep -q "backed up" <<<"$out"; then
    echo "standby: ok   backup"
else
    echo "standby: FAIL backup: $out"; failures=$((failures + 1))
fi
if out="$("$bin" --database-url "$standby" migrate 2>&1)"; then
    echo "standby: FAIL migrate ran on the standby: $out"; failures=$((failures + 1))
elif grep -q "read-only" <<<"$out"; then
    echo "standby: ok   migrate refused"
else
    echo "standby: FAIL migrate: $out"; failures=$((failures + 1))
fi

# A server that reads its reports from the standby, on a database of its own (the demo's
# employers are not the imported cards').
"${as_pg[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -qc "CREATE DATABASE served"
port="$(free_port)"
base="http://127.0.0.1:$port"
"$bin" --database-url "${primary%/onecard}/served" serve --demo --listen "127.0.0.1:$port" \
    --replica-url "${standby%/onecard}/served" \
    --files-dir "$scratch/files" --delivery-poll-secs 0 >"$scratch/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
    curl -fsS --max-time 2 --noproxy '*' "$base/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS --max-time 2 --noproxy '*' "$base/readyz" >/dev/null 2>&1 \
    || { echo "standby: FAIL the server did not start"; cat "$scratch/server.log"; exit 1; }
catch_up
jar="$scratch/hr.cookies"
curl -fsS --noproxy '*' -c "$jar" -H 'content-type: application/json' \
    -d '{"username":"hr","password":"Demo-2026"}' "$base/api/v1/session" >/dev/null
deadlines() { curl -fsS --noproxy '*' -b "$jar" "$base/api/v1/employer/deadlines/csv" 2>&1; }
if grep -q "reports read the replica" "$scratch/server.log" && out="$(deadlines)" \
    && grep -q "MÜLLER" <<<"$out"; then
    echo "standby: ok   serve --replica-url: the deadline list from the standby"
else
    echo "standby: FAIL serve --replica-url: $out"; tail -n 20 "$scratch/server.log"
    failures=$((failures + 1))
fi
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$scratch/standby" -m fast stop >/dev/null
if out="$(deadlines)" && grep -q "MÜLLER" <<<"$out" \
    && grep -q "the replica did not answer" "$scratch/server.log"; then
    echo "standby: ok   serve --replica-url: the deadline list from the primary, the standby down"
else
    echo "standby: FAIL the standby down: $out"; tail -n 20 "$scratch/server.log"
    failures=$((failures + 1))
fi
exit $((failures > 0))
