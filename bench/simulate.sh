#!/usr/bin/env bash
# Times `onecard policy simulate` over a database of assessed applications (see README.md here).
# Seeds a fresh SQLite file in a scratch directory, re-assesses everything under a stricter
# version of the shipped policy, prints the report and the time, and removes the scratch.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${BENCH_COUNT:-1000000}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/onecard-simulate.XXXXXX")
cleanup() { [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$SCRATCH"; }
trap cleanup EXIT

if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    cargo build --release --locked -p onecard -p loadgen --bin onecard --bin seed_assessments
fi
DB="sqlite://$SCRATCH/simulate.db"
# A fresh data key for the scratch database: the seeder writes under it, onecard reads.
ONECARD_DATA_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export ONECARD_DATA_KEY

echo "==> seeding $COUNT assessed applications into $SCRATCH/simulate.db"
target/release/seed_assessments --database-url "$DB" --count "$COUNT"
echo "==> database: $(du -h "$SCRATCH/simulate.db" | cut -f1)"

# The proposed version: B from 65 points instead of 60.
sed -e 's/^b = 60$/b = 65/' -e 's/"national-2017.1"/"national-2017-b65"/' \
    policies/national-2017.toml > "$SCRATCH/proposed.toml"
target/release/onecard policy check "$SCRATCH/proposed.toml"

echo "==> onecard policy simulate over $COUNT applications"
start=$(date +%s.%N)
target/release/onecard --database-url "$DB" policy simulate --policy "$SCRATCH/proposed.toml" --show 5
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" -v n="$COUNT" \
    'BEGIN { t = b - a; printf "==> simulate: %.1f s for %d applications (%.0f a second)\n", t, n, n / t }'
