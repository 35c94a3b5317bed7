#!/usr/bin/env bash
# Bulk erase benchmark against the mock server: `memory-console purge` at each concurrency,
# next to two peers an admin could script today: a sequential curl loop (GET, DELETE, GET)
# and the official Python SDK (`iblai`) in a thread pool.
#
#   bench/purge.sh [N_USERS] [LATENCY_MS] [CONCURRENCY...]     default: 1000 20 16 64
#
# Environment:
#   CURL_USERS=200     users the curl loop erases (at ~10 users/s it would take minutes on all)
#   ENTRIES=1          memory entries of each generated user that has memory (85% have some)
#   STORES="chat all"  purge --stores for its rows: `chat` erases what the peers erase;
#                      `all` also mentor and course memory (of the generated users with chat
#                      memory, half have a mentor memory and a third a course memory)
#   SDK=1              0 skips the SDK peer; it runs in a venv the script makes (target/bench-venv)
#   RSS_LINE=1         0 skips the 1 000 vs 100 000 users max RSS line (purge -c 64, latency 1 ms)
#   RSS_BIG=100000
#   RSS_RUNS=3         runs of each size for the RSS line; it compares their medians (a
#                      1 000-user run lasts a second, and its max RSS varies by ~0.7 MiB)
#   MC_BIN=path        measure this binary instead of building the checkout (release)
#
# The bound is computed from the requests each run really sent, counted at the mock
# (`GET /__mock/requests`): each request waits LATENCY_MS, so P workers cannot go faster
# than P / LATENCY_MS requests per second, and a run of U users that needed R requests is
# bounded by U * P / (R * LATENCY_MS) users per second. Users without memory need fewer
# requests; they are counted and shown separately ("no memory").
# Max RSS and CPU (user and sys) come from /usr/bin/time -v, divided per user; for the SDK,
# wall and CPU are the loop's own (its import, seconds of CPU, is left out). `threads` is
# the most threads the measured process had at once, sampled every 0.1 s from /proc.
# The key reaches curl through a 0600 header file (-H @file) and the SDK through the
# environment, never through argv.
set -euo pipefail

N=${1:-1000}
LAT=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
if [ $# -gt 0 ]; then CONCS=("$@"); else CONCS=(16 64); fi
CURL_USERS=${CURL_USERS:-200}
ENTRIES=${ENTRIES:-1}
SDK=${SDK:-1}
RSS_LINE=${RSS_LINE:-1}
RSS_BIG=${RSS_BIG:-100000}
read -r -a STORE_SETS <<< "${STORES:-chat all}"
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

for tool in curl jq bc /usr/bin/time; do
    command -v "$tool" > /dev/null || { echo "bench/purge.sh needs $tool" >&2; exit 1; }
done

BIN="$WORK/memory-console"
if [ -n "${MC_BIN:-}" ]; then
    cp "$MC_BIN" "$BIN"
else
    echo "building (release) ..." >&2
    (cd "$ROOT" && cargo build --release --quiet)
    # Copied at once: a shared target dir may be rebuilt by another checkout meanwhile.
    cp "${CARGO_TARGET_DIR:-$ROOT/target}/release/memory-console" "$BIN"
fi

KEY="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export MOCK_API_KEY="$KEY" IBL_API_KEY="$KEY" MEMORY_CONSOLE_DATA_DIR="$WORK/data"
HDR="$WORK/auth.hdr"
(umask 077 && printf 'Authorization: Api-Key %s\n' "$KEY" > "$HDR")

# start_mock USERS LATENCY_MS: a fresh mock, its request counters zeroed after the start probe.
start_mock() {
    [ -n "$MOCK_PID" ] && { kill "$MOCK_PID" 2>/dev/null || true; wait "$MOCK_PID" 2>/dev/null || true; }
    "$BIN" mock-server --addr "127.0.0.1:$PORT" --users "$1" --latency-ms "$2" \
        --entries-per-user "$ENTRIES" > "$WORK/mock.log" 2>&1 &
    MOCK_PID=$!
    for _ in $(seq 600); do
        if curl -sf -o /dev/null -H @"$HDR" "$BASE/api/core/platform/?key=$ORG"; then
            curl -sf -o /dev/null -X DELETE -H @"$HDR" "$BASE/__mock/requests"
            return 0
        fi
        sleep 0.1
    done
    echo "mock server did not start" >&2; cat "$WORK/mock.log" >&2; exit 1
}

# users_of N: the generated users are the last N of the first org.
users_of() {
    "$BIN" users --org "$ORG" --base-url "$BASE" 2>/dev/null | cut -f1 | tail -n "$1" > "$WORK/users.txt"
    [ "$(wc -l < "$WORK/users.txt")" -eq "$1" ] || { echo "expected $1 users" >&2; exit 1; }
    curl -sf -o /dev/null -X DELETE -H @"$HDR" "$BASE/__mock/requests"
}

now() { date +%s.%N; }

# max_threads PID: the most threads the child of PID (the measured command under
# /usr/bin/time) had, sampled every 0.1 s until PID ends. Shell builtins only, so the
# sampling costs the measured run next to nothing.
max_threads() {
    # It runs in a background subshell, which inherits `set -e`: a `read` at the end of a
    # /proc file without a newline would end it.
    set +e
    local pid=$1 child= key val max=0
    while kill -0 "$pid" 2>/dev/null; do
        [ -z "$child" ] && read -r child _ < "/proc/$pid/task/$pid/children" 2>/dev/null
        if [ -n "$child" ] && [ -r "/proc/$child/status" ]; then
            while read -r key val _; do
                [ "$key" = Threads: ] && [ "$val" -gt "$max" ] && max=$val
            done < "/proc/$child/status" 2>/dev/null || true
        fi
        sleep 0.1
    done
    echo "$max"
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v; sets WALL, CPU_USER, CPU_SYS, RSS_KB
# and THREADS (the most threads it had at once).
timed() {
    local name=$1; shift
    local t0 t1 tpid spid
    t0=$(now)
    /usr/bin/time -v -o "$WORK/time-$name" "$@" > "$WORK/out-$name" 2> "$WORK/err-$name" &
    tpid=$!
    # The sampler runs beside the command, and the clock stops when the command ends: a
    # sampler in the foreground would see the end up to 0.1 s late, which the wall time
    # (about 1 s at 64 workers) would charge to purge.
    max_threads "$tpid" > "$WORK/threads-$name" &
    spid=$!
    local status=0
    wait "$tpid" || status=$?
    t1=$(now)
    wait "$spid" || true
    THREADS=$(cat "$WORK/threads-$name")
    [ "$status" -eq 0 ] || {
        echo "$name failed:" >&2; cat "$WORK/err-$name" >&2; exit 1; }
    WALL=$(echo "$t1 - $t0" | bc -l)
    CPU_USER=$(awk -F': ' '/User time/ {print $2}' "$WORK/time-$name")
    CPU_SYS=$(awk -F': ' '/System time/ {print $2}' "$WORK/time-$name")
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$name")
}

CURL_RATE=
printf '%-16s %6s %7s %8s %8s %8s %8s %8s %7s %9s %9s  %s\n' run users wall users/s req/user bound/s "of bound" "RSS MiB" threads "user µs" "sys µs" "outcome"
# report NAME USERS PARALLEL DONE EMPTY: one line, with the requests counted at the mock.
report() {
    local name=$1 users=$2 par=$3 done=$4 empty=$5
    local requests rate per_user bound share vs
    requests=$(curl -sf -H @"$HDR" "$BASE/__mock/requests" | jq '.total')
    rate=$(echo "$users / $WALL" | bc -l)
    per_user=$(echo "$requests / $users" | bc -l)
    if [ "$LAT" -gt 0 ]; then
        bound=$(echo "$users * $par * 1000 / ($requests * $LAT)" | bc -l)
        share=$(printf '%.0f%%' "$(echo "100 * $rate / $bound" | bc -l)")
    else
        bound=0; share=-
    fi
    [ -n "$CURL_RATE" ] && vs=$(printf '%.0fx curl' "$(echo "$rate / $CURL_RATE" | bc -l)") || vs=
    printf '%-16s %6d %7.2f %8.1f %8.2f %8.0f %8s %8.1f %7d %9.0f %9.0f  done %d, no memory %d %s\n' \
        "$name" "$users" "$WALL" "$rate" "$per_user" "$bound" "$share" "$(echo "$RSS_KB / 1024" | bc -l)" "$THREADS" \
        "$(echo "$CPU_USER * 1000000 / $users" | bc -l)" "$(echo "$CPU_SYS * 1000000 / $users" | bc -l)" \
        "$done" "$empty" "$vs"
    LAST_RATE=$rate
}

# --- the curl loop: sequential, and it stops at the first HTTP error --------------------
cat > "$WORK/curl-loop.sh" <<'LOOP'
set -euo pipefail
users=$1 hdr=$2 base=$3 org=$4 backups=$5
done=0 empty=0
while read -r u; do
    url="$base/api/ai-prompt/orgs/$org/users/$u/all-chats-memory/"
    code=$(curl -sS -o "$backups/$u.json" -w '%{http_code}' -H @"$hdr" "$url")
    case $code in
        200) ;;
        404) rm -f "$backups/$u.json"; empty=$((empty + 1)); continue ;;
        *) echo "GET $u: HTTP $code" >&2; exit 1 ;;
    esac
    code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE -H @"$hdr" "$url")
    case $code in 2??) ;; *) echo "DELETE $u: HTTP $code" >&2; exit 1 ;; esac
    code=$(curl -sS -o /dev/null -w '%{http_code}' -H @"$hdr" "$url")
    [ "$code" = 404 ] || { echo "$u: memory still there after DELETE (HTTP $code)" >&2; exit 1; }
    done=$((done + 1))
done < "$users"
echo "$done $empty"
LOOP

start_mock "$N" "$LAT"
users_of "$N"
head -n "$CURL_USERS" "$WORK/users.txt" > "$WORK/curl-users.txt"
mkdir -p "$WORK/curl-backups"
timed curl bash "$WORK/curl-loop.sh" "$WORK/curl-users.txt" "$HDR" "$BASE" "$ORG" "$WORK/curl-backups"
read -r D E < "$WORK/out-curl"
report "curl loop" "$(wc -l < "$WORK/curl-users.txt")" 1 "$D" "$E"
CURL_RATE=$LAST_RATE

# --- the official Python SDK --------------------------------------------------------------
PY=
if [ "$SDK" = 1 ]; then
    VENV="${CARGO_TARGET_DIR:-$ROOT/target}/bench-venv"
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import iblai' 2>/dev/null; then
        echo "installing the iblai SDK into $VENV ..." >&2
        if python3 -m venv "$VENV" > "$WORK/venv.log" 2>&1 \
            && "$VENV/bin/pip" install --quiet iblai >> "$WORK/venv.log" 2>&1; then :; else
            echo "note: SDK peer skipped: the iblai package could not be installed (see below)" >&2
            tail -3 "$WORK/venv.log" >&2
        fi
    fi
    "$VENV/bin/python" -c 'import iblai' 2>/dev/null && PY="$VENV/bin/python"
else
    echo "note: SDK peer skipped (SDK=0)" >&2
fi
if [ -n "$PY" ]; then
    for C in "${CONCS[@]}"; do
        start_mock "$N" "$LAT"
        users_of "$N"
        rm -rf "$WORK/sdk-backups"; mkdir -p "$WORK/sdk-backups"
        timed "sdk-$C" "$PY" "$ROOT/bench/sdk_purge.py" "$BASE" "$ORG" "$WORK/users.txt" "$WORK/sdk-backups" "$C"
        # The loop's own time and CPU: importing the SDK is seconds of CPU a long job pays once.
        WALL=$(jq .wall "$WORK/out-sdk-$C"); CPU_USER=$(jq .user "$WORK/out-sdk-$C"); CPU_SYS=$(jq .sys "$WORK/out-sdk-$C")
        report "SDK $C threads" "$N" "$C" "$(jq .done "$WORK/out-sdk-$C")" "$(jq .empty "$WORK/out-sdk-$C")"
    done
fi

# --- purge ----------------------------------------------------------------------------------
# purge_run NAME C [STORES]: purge of users.txt at concurrency C into a fresh output dir.
purge_run() {
    rm -rf "$WORK/purge-out" "$WORK/data"
    timed "$1" "$BIN" purge --org "$ORG" --base-url "$BASE" --users-file "$WORK/users.txt" \
        --out "$WORK/purge-out" --yes --json --concurrency "$2" --stores "${3:-chat}"
    [ "$(jq '.failed' "$WORK/out-$1")" -eq 0 ] || { echo "$1: failures:" >&2; jq -c '.failures' "$WORK/out-$1" >&2; exit 1; }
}
for S in "${STORE_SETS[@]}"; do
    for C in "${CONCS[@]}"; do
        start_mock "$N" "$LAT"
        users_of "$N"
        purge_run "purge-$S-$C" "$C" "$S"
        report "purge -c $C $S" "$N" "$C" "$(jq .done "$WORK/out-purge-$S-$C")" "$(jq .empty "$WORK/out-purge-$S-$C")"
    done
done

# --- max RSS as the job grows ---------------------------------------------------------------
if [ "$RSS_LINE" = 1 ]; then
    LAT=1
    RSS_RUNS=${RSS_RUNS:-3}
    declare -A RSS TH ALL
    for U in 1000 "$RSS_BIG"; do
        runs=()
        for _ in $(seq "$RSS_RUNS"); do
            start_mock "$U" "$LAT"
            users_of "$U"
            purge_run "rss-$U" 64
            runs+=("$RSS_KB")
            if [ "$THREADS" -gt "${TH[$U]:-0}" ]; then TH[$U]=$THREADS; fi
        done
        RSS[$U]=$(printf '%s\n' "${runs[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}')
        ALL[$U]=$(printf '%s\n' "${runs[@]}" | awk '{printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1024}')
    done
    printf 'purge -c 64 max RSS (latency 1 ms), median of %d runs: %d users %.1f MiB, %d users %.1f MiB (%+.1f MiB); threads %d and %d\n' \
        "$RSS_RUNS" 1000 "$(echo "${RSS[1000]} / 1024" | bc -l)" "$RSS_BIG" "$(echo "${RSS[$RSS_BIG]} / 1024" | bc -l)" \
        "$(echo "(${RSS[$RSS_BIG]} - ${RSS[1000]}) / 1024" | bc -l)" "${TH[1000]}" "${TH[$RSS_BIG]}"
    printf '  every run, MiB: %d users: %s; %d users: %s\n' 1000 "${ALL[1000]}" "$RSS_BIG" "${ALL[$RSS_BIG]}"
fi
