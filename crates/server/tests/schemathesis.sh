#!/usr/bin/env bash
# Fuzzes `chokepoint serve` from its own OpenAPI document with schemathesis (PyPI).
#
# Starts a server on a free port with a temporary SQLite audit database and a 17-entry OFAC list
# (the Watchman fixtures), creates an admin token (admin may call every route), runs schemathesis
# against /openapi.json with a bounded number of examples per operation, stops the server, and
# fails when any response was a server error (5xx) or did not conform to the document
# (status code, content type, headers, response body schema), or when the server logged a panic.
#
#   crates/server/tests/schemathesis.sh                 # target/debug/chokepoint
#   CHOKEPOINT_BIN=target/release/chokepoint MAX_EXAMPLES=50 crates/server/tests/schemathesis.sh
#
# Needs `schemathesis` on PATH (pip install schemathesis) or SCHEMATHESIS=/path/to/schemathesis,
# and a built binary (cargo build -p chokepoint). Takes about a minute with the defaults.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
bin=$(realpath "${CHOKEPOINT_BIN:-$repo/target/debug/chokepoint}")
st=${SCHEMATHESIS:-schemathesis}
max_examples=${MAX_EXAMPLES:-100}
seed=${SEED:-20261128}
lists=$(realpath "${SHARED:-$repo/../shared}/data/lists/ofac_fixtures_watchman")
[ -x "$bin" ] || { echo "no binary at $bin: cargo build -p chokepoint" >&2; exit 2; }
st=$(command -v "$st" || true)
[ -n "$st" ] || { echo "schemathesis not found: pip install schemathesis" >&2; exit 2; }

tmp=$(mktemp -d /tmp/chokepoint-schemathesis-XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
export CHOKEPOINT_STORE=$tmp/lists CHOKEPOINT_DATABASE=sqlite://$tmp/audit.db
"$bin" lists load --source ofac_sdn "$lists" >/dev/null 2>&1
token=$("$bin" tokens create --role admin --name schemathesis 2>/dev/null)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$bin" serve --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    curl -sf "$base/readyz" >/dev/null && break
    sleep 0.1
done
curl -sf "$base/readyz" >/dev/null || { echo "the server did not become ready" >&2; cat "$tmp/serve.log" >&2; exit 1; }

# Excluded: revoking tokens (the run would revoke its own admin token and test 401s from then
# on), and `lists/update` (it downloads the configured lists from the internet).
status=0
hooks=$(cd "$(dirname "$0")" && pwd)
cd "$tmp" # schemathesis keeps a .schemathesis/ directory in the working directory
PYTHONPATH=$hooks${PYTHONPATH:+:$PYTHONPATH} SCHEMATHESIS_HOOKS=schemathesis_hooks \
"$st" run "$base/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --exclude-path /v1/tokens/{id} --exclude-path /v1/lists/update \
    --max-examples "$max_examples" --seed "$seed" --workers 2 --request-timeout 30 \
    --phases examples,coverage,fuzzing,stateful \
    --report junit --report-dir "$tmp/report" || status=$?
if grep -q "panicked" "$tmp/serve.log"; then
    echo "the server logged a panic:" >&2
    grep -A3 "panicked" "$tmp/serve.log" >&2
    status=1
fi
if [ -n "${REPORT_DIR:-}" ]; then
    mkdir -p "$REPORT_DIR" && cp -r "$tmp/report/." "$REPORT_DIR/"
fi
exit "$status"
