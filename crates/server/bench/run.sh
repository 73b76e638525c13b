#!/usr/bin/env bash
# One screening benchmark run from scratch: a fresh SQLite audit database, the OFAC SDN (2021)
# and UN lists (9,979 entries), a screener token, `chokepoint serve` on a free port, 3 s of
# warm-up, then measure.sh (wrk plus the server's CPU time per request), then `audit verify`.
#
#   crates/server/bench/run.sh [BIN] [SCRIPT] [CONNECTIONS] [SECONDS] [URL-SUFFIX]
#   e.g. crates/server/bench/run.sh target/release/chokepoint screen.lua 32 15
# SHARED (default ../shared next to the repository) is where the list data lives.
# BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/test: the audit store on PostgreSQL instead
# of a fresh SQLite file (a fresh schema there, dropped afterwards).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
bin=$(realpath "${1:-$repo/target/release/chokepoint}")
script=${2:-screen.lua} conns=${3:-32} secs=${4:-15}
shared=${SHARED:-$repo/../shared}
tmp=$(mktemp -d /tmp/chokepoint-bench-XXXXXX)
export CHOKEPOINT_STORE=$tmp/lists CHOKEPOINT_DATABASE=sqlite://$tmp/audit.db
if [ -n "${BENCH_POSTGRES:-}" ]; then
    # A fresh schema on that server, dropped afterwards.
    schema=cp_bench_$$
    psql "$BENCH_POSTGRES" -qc "CREATE SCHEMA $schema"
    export CHOKEPOINT_DATABASE="$BENCH_POSTGRES?options=-csearch_path%3D$schema"
fi
"$bin" lists load --source ofac_sdn "$shared/data/lists/ofac_sdn_set_2021-07-07/" >/dev/null
"$bin" lists load --source un "$shared/data/lists/un_consolidated_2026-02-27/UN_consolidated.xml" >/dev/null
token=$("$bin" tokens create --role screener --name bench 2>/dev/null)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"; [ -z "${schema:-}" ] || PGOPTIONS="-c client_min_messages=warning" psql "$BENCH_POSTGRES" -qc "DROP SCHEMA $schema CASCADE"' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
done
(cd "$here" && TOKEN=$token wrk -t1 -c"$conns" -d3s -s "$script" "http://127.0.0.1:$port" >/dev/null)
TOKEN=$token "$here/measure.sh" "$pid" "http://127.0.0.1:$port" "$script" "$conns" "$secs" |
    grep -E '^(requests|p50|server|Requests/sec|audit writer|audit log)'
kill "$pid"
wait "$pid" 2>/dev/null || true
"$bin" audit verify >"$tmp/verify.txt" && head -1 "$tmp/verify.txt"
