#!/usr/bin/env bash
# Bulk purge benchmark: `memory-console purge` against the mock server versus the sequential
# curl loop (GET, DELETE, GET per user) an admin would script today.
#
#   bench/purge.sh [N_USERS] [LATENCY_MS] [CONCURRENCY...]     default: 1000 20 16 64
#
# Each purge run gets a freshly started mock with N generated users. The curl loop runs on
# the first CURL_USERS (default 200) of them: at ~20 users/s it would take minutes on all.
# The key reaches curl through a 0600 header file (-H @file), never through argv.
set -euo pipefail

N=${1:-1000}
LAT=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
if [ $# -gt 0 ]; then CONCS=("$@"); else CONCS=(16 64); fi
CURL_USERS=${CURL_USERS:-200}
PORT=${PORT:-18900}
BASE="http://127.0.0.1:$PORT"
ORG=main

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
chmod 700 "$WORK"
MOCK_PID=
cleanup() {
    [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "building (release) ..." >&2
(cd "$ROOT" && cargo build --release --quiet)
# Copied at once: a shared target dir may be rebuilt by another checkout meanwhile.
BIN="$WORK/memory-console"
cp "${CARGO_TARGET_DIR:-$ROOT/target}/release/memory-console" "$BIN"

KEY="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export MOCK_API_KEY="$KEY" IBL_API_KEY="$KEY" MEMORY_CONSOLE_DATA_DIR="$WORK/data"
HDR="$WORK/auth.hdr"
(umask 077 && printf 'Authorization: Api-Key %s\n' "$KEY" > "$HDR")

start_mock() {
    [ -n "$MOCK_PID" ] && { kill "$MOCK_PID" 2>/dev/null || true; wait "$MOCK_PID" 2>/dev/null || true; }
    "$BIN" mock-server --addr "127.0.0.1:$PORT" --users "$N" --latency-ms "$LAT" \
        > "$WORK/mock.log" 2>&1 &
    MOCK_PID=$!
    for _ in $(seq 100); do
        curl -sf -o /dev/null -H @"$HDR" "$BASE/api/core/platform/?key=$ORG" && return 0
        sleep 0.1
    done
    echo "mock server did not start" >&2; cat "$WORK/mock.log" >&2; exit 1
}

now() { date +%s.%N; }

start_mock
# The generated users are the last N of the first org.
"$BIN" users --org "$ORG" --base-url "$BASE" 2>/dev/null | cut -f1 | tail -n "$N" > "$WORK/users.txt"
[ "$(wc -l < "$WORK/users.txt")" -eq "$N" ] || { echo "expected $N users" >&2; exit 1; }

# --- the curl loop -------------------------------------------------------------------------
head -n "$CURL_USERS" "$WORK/users.txt" > "$WORK/curl-users.txt"
mkdir -p "$WORK/curl-backups"
t0=$(now)
while read -r u; do
    url="$BASE/api/ai-prompt/orgs/$ORG/users/$u/all-chats-memory/"
    curl -s -H @"$HDR" -o "$WORK/curl-backups/$u.json" "$url"
    curl -s -o /dev/null -X DELETE -H @"$HDR" "$url"
    curl -s -o /dev/null -H @"$HDR" "$url"
done < "$WORK/curl-users.txt"
t1=$(now)
CURL_RATE=$(echo "$CURL_USERS / ($t1 - $t0)" | bc -l)
printf 'curl loop:      %5d users in %6.2f s = %7.1f users/s\n' "$CURL_USERS" "$(echo "$t1 - $t0" | bc -l)" "$CURL_RATE"

# --- purge ---------------------------------------------------------------------------------
for C in "${CONCS[@]}"; do
    start_mock
    OUT="$WORK/purge-$C"
    t0=$(now)
    /usr/bin/time -f '%M' -o "$WORK/rss-$C" "$BIN" purge --org "$ORG" --base-url "$BASE" \
        --users-file "$WORK/users.txt" --out "$OUT" --yes --json --concurrency "$C" \
        > "$WORK/summary-$C.json" 2> "$WORK/purge-$C.err" || { cat "$WORK/purge-$C.err" >&2; exit 1; }
    t1=$(now)
    RATE=$(echo "$N / ($t1 - $t0)" | bc -l)
    BOUND=$(echo "$C * 1000 / $LAT / 3" | bc -l)
    DONE=$(jq '.done + .empty' "$WORK/summary-$C.json")
    FAILED=$(jq '.failed' "$WORK/summary-$C.json")
    printf 'purge -c %-4d   %5d users in %6.2f s = %7.1f users/s  (bound %.0f: %3.0f%%; %.1fx curl; done %d, failed %d; max RSS %d KiB)\n' \
        "$C" "$N" "$(echo "$t1 - $t0" | bc -l)" "$RATE" "$BOUND" "$(echo "100 * $RATE / $BOUND" | bc -l)" \
        "$(echo "$RATE / $CURL_RATE" | bc -l)" "$DONE" "$FAILED" "$(cat "$WORK/rss-$C")"
done
