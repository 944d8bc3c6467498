#!/usr/bin/env bash
# The OpenAPI document against a running server, by schemathesis: for each role, every operation
# called with generated input; no answer may be a 5xx, and every answer must match the schema the
# document gives for it. Uses the debug binary `cargo test` built, on a fresh SQLite file.
#   tests/schemathesis/run.sh [EXAMPLES]      # default 10 examples an operation and role
# Needs `schemathesis` (installed by .ci/run). POST /api/v1/verify/notice takes a PDF body,
# which schemathesis cannot generate: cargo-fuzz's notice_file target covers it.
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-10}"
bin="${CARGO_TARGET_DIR:-target}/debug/onecard"
[[ -x "$bin" ]] || { echo "schemathesis: $bin missing; run cargo test first" >&2; exit 2; }
scratch="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$bin" --database-url "sqlite://$scratch/onecard.db" serve --demo --listen "127.0.0.1:$port" \
    --files-dir "$scratch/files" --sign-in-per-minute 0 --delivery-poll-secs 0 >"$scratch/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 1 300); do
    curl -fsS --max-time 2 --noproxy '*' "$base/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done

status=0
for user in hr officer.beijing immigration.beijing social.beijing anna admin; do
    jar="$scratch/$user.cookies"
    curl -fsS --noproxy '*' -c "$jar" -H 'content-type: application/json' \
        -d "{\"username\":\"$user\",\"password\":\"Demo-2026\"}" "$base/api/v1/session" >/dev/null
    session="$(awk '$6 == "onecard_session" { print $7 }' "$jar")"
    csrf="$(awk '$6 == "onecard_csrf" { print $7 }' "$jar")"
    echo "schemathesis: as $user, $examples examples an operation"
    # Signing out or in again would end the session the run uses.
    if ! schemathesis run crates/server/openapi.json --experimental=openapi-3.1 --base-url "$base" \
        --checks not_a_server_error,response_schema_conformance \
        --data-generation-method all \
        --hypothesis-max-examples "$examples" --hypothesis-derandomize --no-color \
        --exclude-path /api/v1/session --exclude-path /api/v1/verify/notice \
        -H "Cookie: onecard_session=$session; onecard_csrf=$csrf" -H "X-CSRF-Token: $csrf" \
        >"$scratch/$user.log" 2>&1; then
        status=1
        cat "$scratch/$user.log"
    else
        grep -E "passed|failed" "$scratch/$user.log" | tail -3
    fi
done
if ((status != 0)); then
    echo "schemathesis: server log:"; tail -n 50 "$scratch/server.log"
fi
exit "$status"
