#!/usr/bin/env bash
# Runs wrk against a running `chokepoint serve` and reports, besides wrk's numbers, the CPU time
# the server process spent per request (user + system, from /proc): a figure that, unlike
# requests/s, barely moves when other work shares the machine.
#
#   TOKEN=cpk_… crates/server/bench/measure.sh PID URL [SCRIPT] [CONNECTIONS] [SECONDS]
#   e.g. measure.sh 12345 http://127.0.0.1:18090 screen.lua 32 15
set -euo pipefail
pid=$1 url=$2 script=${3:-screen.lua} conns=${4:-32} secs=${5:-15}
here=$(cd "$(dirname "$0")" && pwd)
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
switches() {
    local total=0
    for t in /proc/"$pid"/task/*/status; do
        total=$((total + $(awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {s += $2} END {print s}' "$t")))
    done
    echo "$total"
}
# The audit writer's counters from /metrics (name value), when the server exports them.
writer() { curl -sf "$url/metrics" | awk '/^chokepoint_audit_(write|append|sync)/ {print $1, $2}' || true; }
c0=$(cpu) s0=$(switches) w0=$(writer)
out=$(cd "$here" && wrk -t1 -c"$conns" -d"${secs}s" -s "$script" "$url")
c1=$(cpu) s1=$(switches) w1=$(writer)
echo "$out"
requests=$(echo "$out" | awk '/^requests [0-9]+,/ {gsub(",", "", $2); print $2}')
awk -v c="$((c1 - c0))" -v t="$tick" -v n="$requests" -v s="$((s1 - s0))" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "server CPU %.1f s for %d requests: %.0f us/request; %.1f context switches/request; load average %s\n", c / t, n, 1e6 * c / t / n, s / n, la }'
if [ -n "$w0" ]; then
    printf '%s\n%s\n' "$w0" "$w1" | awk '
        { v[$1] = (seen[$1]++ ? $2 - v[$1] : $2) }
        END {
            t = v["chokepoint_audit_write_transactions"]; r = v["chokepoint_audit_write_records"]
            if (t > 0 && r > 0) printf "audit writer: %d transactions, %.1f records each, %.2f ms per transaction, %.2f ms mean wait per append\n", t, r / t, 1000 * v["chokepoint_audit_write_seconds"] / t, 1000 * v["chokepoint_audit_append_wait_seconds"] / r
            s = v["chokepoint_audit_syncs"]
            if (s > 0) printf "audit log syncs: %d, %.1f records each, %.2f ms per sync\n", s, r / s, 1000 * v["chokepoint_audit_sync_seconds"] / s
        }'
fi
