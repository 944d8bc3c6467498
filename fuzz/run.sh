#!/usr/bin/env bash
# Fuzzes the credential's decoders with cargo-fuzz (libFuzzer), each target for a bounded time:
#   fuzz/run.sh [SECONDS]        # default 60 seconds a target
# Needs a nightly toolchain, for AddressSanitizer; FUZZ_TOOLCHAIN=stable fuzzes on stable without
# a sanitizer instead (the project's code has no unsafe; new machines have only stable). Installs
# cargo-fuzz if it is missing. Exits non-zero on the first crash, timeout or out-of-memory, with
# the input saved under fuzz/artifacts/<target>/ and the command that replays it. The corpus grows
# in fuzz/corpus/ (not committed) from the seeds in fuzz/seeds/ (committed; `cargo run --bin seeds`
# in fuzz/ writes them anew).
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-60}"
if ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: fuzz/run.sh [SECONDS]   (a whole number of seconds a target, default 60)" >&2
  exit 2
fi
toolchain="${FUZZ_TOOLCHAIN:-nightly}"
case "$toolchain" in
  nightly)
    if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
      echo "fuzz/run.sh: no nightly toolchain, which cargo-fuzz's AddressSanitizer build needs;" \
           "install one, or run FUZZ_TOOLCHAIN=stable fuzz/run.sh for a build without sanitizer" >&2
      exit 3
    fi
    sanitizer=address ;;
  stable) sanitizer=none ;;
  *) echo "fuzz/run.sh: FUZZ_TOOLCHAIN is nightly or stable, not $toolchain" >&2; exit 2 ;;
esac
if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz/run.sh: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi

# Per target: the longest input libFuzzer tries. Credential text beyond 4,096 characters is
# refused unread, so a little over that reaches the size check; the others start from seeds of a
# few hundred bytes; a notice's file is some 35 KB.
targets=(verify_text:5000 status_list:4096 key_set:4096 signed_payload:4096 notice_file:48000 upload_check:65536)
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
summary=()
for entry in "${targets[@]}"; do
  t="${entry%%:*}"
  max_len="${entry##*:}"
  mkdir -p "fuzz/corpus/$t"
  echo "fuzz/run.sh: $t for ${secs}s ($toolchain, sanitizer $sanitizer)"
  # -timeout: one input taking over 10 s counts as a failure, as a verifier would hang on it.
  if ! cargo "+$toolchain" fuzz run -s "$sanitizer" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
      -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$logs/$t.log" 2>&1; then
    tail -n 60 "$logs/$t.log" >&2
    echo "fuzz/run.sh: $t failed; replay with:" >&2
    for a in fuzz/artifacts/"$t"/*; do
      [ -e "$a" ] && echo "  cargo +$toolchain fuzz run -s $sanitizer $t $a" >&2
    done
    exit 1
  fi
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$logs/$t.log" | tail -n 1)"
  summary+=("$t: ${done_line:-no DONE line}")
done
echo "fuzz/run.sh: no crash in ${secs}s a target"
printf '  %s\n' "${summary[@]}"
