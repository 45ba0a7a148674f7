#!/usr/bin/env bash
# HTTP benchmark of a release build of `lapor serve --demo` on SQLite, driven by wrk.
# Usage: bench/run.sh            (see bench/README.md for the knobs)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

PORT=${BENCH_PORT:-18080}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
DURATION=${BENCH_DURATION:-15s}
RUNS=${BENCH_RUNS:-3}
POOL=${BENCH_POOL:-1000}
BASE="http://127.0.0.1:$PORT"

step() { printf '\n==== %s ====\n' "$*"; }

if ! command -v wrk >/dev/null 2>&1; then
    step "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed" >&2; exit 1; }

if [[ -n ${LAPOR_BIN:-} ]]; then
    BIN=$LAPOR_BIN
else
    step "cargo build --release -p lapor-cli"
    cargo build --release -p lapor-cli
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/lapor"
fi
[[ -x $BIN ]] || { echo "no lapor binary at $BIN" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lapor-bench.XXXXXX")
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if python3 -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1', $PORT)) == 0 else 1)"; then
    echo "port $PORT is already in use; set BENCH_PORT" >&2
    exit 1
fi

step "starting $BIN serve --demo on $BASE (SQLite in $WORK)"
"$BIN" serve --demo --bind "127.0.0.1:$PORT" --database "$WORK/bench.db" \
    </dev/null >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for i in $(seq 1 300); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server exited; its log:" >&2
        tail -n 40 "$WORK/server.log" >&2
        exit 1
    fi
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz" || true) == 200 ]]; then
        break
    fi
    if ((i == 300)); then
        echo "GET /healthz did not answer 200 within 60 s; server log:" >&2
        tail -n 40 "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.2
done
echo "server is up (pid $SERVER_PID)"

step "collecting $POOL tracking codes (POST /api/v1/reports)"
python3 - "$PORT" "$POOL" "$WORK/codes.txt" <<'PY'
import http.client, json, sys
port, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = json.dumps({
    "classification": "pengaduan",
    "title": "Jalan berlubang di Jalan Tjilik Riwut",
    "body": "Lubang besar di tengah jalan sudah sebulan tidak diperbaiki dan membahayakan pengendara.",
    "region_code": "62.71.01",
})
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
codes = []
for i in range(n):
    conn.request("POST", "/api/v1/reports", body, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 201:
        sys.exit(f"POST /api/v1/reports answered {resp.status}: {data[:300]!r}")
    codes.append(json.loads(data)["tracking_code"])
with open(out, "w") as f:
    f.write("\n".join(codes) + "\n")
print(f"{len(codes)} codes, e.g. {codes[0]}")
PY
code=$(head -n 1 "$WORK/codes.txt")
status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/reports/$code")
[[ $status == 200 ]] || { echo "GET /api/v1/reports/$code answered $status" >&2; exit 1; }

run_phase() { # name url args...
    local name=$1 url=$2
    shift 2
    for run in $(seq 1 "$RUNS"); do
        echo "-- $name, run $run/$RUNS"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s \
            -s "$ROOT/bench/phase.lua" "$url" -- "$@" | tee "$WORK/$name.$run.txt" |
            grep -E 'Requests/sec|BENCH' || true
        grep -q '^BENCH ' "$WORK/$name.$run.txt" || {
            echo "wrk printed no result for $name" >&2
            cat "$WORK/$name.$run.txt" >&2
            exit 1
        }
    done
}

step "phase a: GET /healthz"
run_phase healthz "$BASE/healthz" healthz
step "phase b: POST /api/v1/reports (success = 201)"
run_phase post "$BASE/api/v1/reports" post
step "phase c: GET /api/v1/reports/{tracking_code} over $(wc -l <"$WORK/codes.txt") codes"
run_phase get "$BASE/api/v1/reports/" get "$WORK/codes.txt"

step "logging in as the demo national admin"
cookie=$(python3 - "$PORT" "$WORK/server.log" <<'PY'
import http.client, re, sys, urllib.parse
port, log = int(sys.argv[1]), open(sys.argv[2]).read()
password = next(l.split()[2] for l in log.splitlines() if "nasional@demo.lapor.id" in l)
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
conn.request("GET", "/masuk")
resp = conn.getresponse()
page = resp.read().decode()
jar = {}
for header, value in resp.getheaders():
    if header.lower() == "set-cookie":
        name, _, rest = value.partition("=")
        jar[name] = rest.split(";")[0]
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
body = urllib.parse.urlencode({"csrf": csrf, "login": "nasional@demo.lapor.id", "password": password})
cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
conn.request("POST", "/masuk", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
resp = conn.getresponse()
resp.read()
for header, value in resp.getheaders():
    if header.lower() == "set-cookie":
        name, _, rest = value.partition("=")
        jar[name] = rest.split(";")[0]
if "lapor_session" not in jar:
    sys.exit(f"login failed: {resp.status}")
print("; ".join(f"{k}={v}" for k, v in jar.items()))
PY
)
reports=$(curl -s "$BASE/api/v1/public/reports?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
step "phase d: GET /petugas (national admin's inbox, $reports public reports and more unverified)"
run_phase inbox "$BASE/petugas" inbox "$cookie"

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the server died during the benchmark; its log:" >&2
    tail -n 40 "$WORK/server.log" >&2
    exit 1
fi

step "results: median of $RUNS runs, $CONNECTIONS connections, $THREADS threads, $DURATION each"
python3 - "$WORK" "$RUNS" <<'PY'
import re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
phases = [
    ("healthz", "GET /healthz"),
    ("post", "POST /api/v1/reports"),
    ("get", "GET /api/v1/reports/{code}"),
    ("inbox", "GET /petugas (inbox)"),
]
def ms(us):
    return f"{us / 1000:.2f} ms"
print(f"| {'phase':<28} | {'ok req/s':>9} | {'p50':>9} | {'p99':>9} | {'non-2xx':>8} | {'sock err':>8} |")
print(f"|{'-' * 30}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 10}|{'-' * 10}|")
notes = []
for key, label in phases:
    rows = []
    for run in range(1, runs + 1):
        text = open(f"{work}/{key}.{run}.txt").read()
        line = next(l for l in text.splitlines() if l.startswith("BENCH "))
        rows.append({k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)})
    med = lambda k: statistics.median(r[k] for r in rows)
    # non-2xx and socket errors: summed over all runs, so that a single failure shows.
    non2xx = int(sum(r["non2xx"] for r in rows))
    other2xx = int(sum(r["other2xx"] for r in rows))
    sock = int(sum(r["socket_errors"] for r in rows))
    if other2xx:
        notes.append(f"{label}: {other2xx} answers were 2xx but not the expected status")
    print(f"| {label:<28} | {med('ok_rps'):>9.0f} | {ms(med('p50_us')):>9} | {ms(med('p99_us')):>9} | {non2xx:>8} | {sock:>8} |")
print("ok req/s counts only the expected status (200; 201 for the POST); p50/p99 are wrk's latency")
print("percentiles; ok req/s, p50 and p99 are medians of the runs; non-2xx and socket errors are totals.")
for note in notes:
    print("note:", note)
PY
