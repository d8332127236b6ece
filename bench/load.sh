#!/usr/bin/env bash
# Load benchmark of the read paths clinicians hit all day (issue #17 §5).
#
# Publishes the web app (Release) into a temporary folder, starts it on a free loopback port with the demo cohort in its
# own temporary database (never the clone's .demo file), signs in once by bearer token and once by cookie, and runs wrk
# (Debian package `wrk`) against each path: bounded runs, loopback only. Every rate is also given as a ratio to a static
# file served by the same app in the same run, so machines and runs compare. Prints a markdown table; --write appends it
# to docs/benchmarks.md.
#
# usage: flock /tmp/explant-cpu.lock bench/load.sh [--years N] [--duration S] [--warmup S] [--connections C] [--threads T]
#          [--app DIR (an already published app)] [--db FILE (start from a copy of this demo database)]
#          [--keep-db FILE (save the seeded database)] [--label TEXT] [--write]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
YEARS=2 DURATION=10 WARMUP=20 CONNECTIONS=32 THREADS=2 APP="" DB="" KEEP_DB="" LABEL="" WRITE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --years) YEARS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --app) APP="$2"; shift 2 ;;
    --db) DB="$2"; shift 2 ;;
    --keep-db) KEEP_DB="$2"; shift 2 ;;
    --label) LABEL="$2"; shift 2 ;;
    --write) WRITE=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

WORK="$(mktemp -d /tmp/explant-load.XXXXXX)"
APP_PID=""
cleanup() { if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT

if [[ -z "$APP" ]]; then
  echo "publishing the app (Release)…" >&2
  dotnet publish "$ROOT/src/Explant.Web" -c Release -o "$WORK/app" -v q -nologo >&2
  APP="$WORK/app"
fi
[[ -z "$LABEL" ]] && LABEL="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# The demo database lives under the user's data folder when the app runs outside a clone: point that at the temp folder.
export XDG_DATA_HOME="$WORK/data"
DEMO_DB="$XDG_DATA_HOME/explant/demo/explant-demo.db"
mkdir -p "$(dirname "$DEMO_DB")"
[[ -n "$DB" ]] && cp "$DB" "$DEMO_DB"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
# A copy outside the clone, so the demo database is the temporary one (DemoSettings.DatabasePath).
[[ "$APP" == "$WORK/app" ]] || { cp -r "$APP" "$WORK/app"; APP="$WORK/app"; }

START=$(date +%s.%N)
(cd "$APP" && exec dotnet "$APP/Explant.Web.dll" --demo --urls "$BASE" "--Demo:Years=$YEARS" >"$WORK/app.log" 2>&1) &
APP_PID=$!
# Ready, not merely live: in demo mode the server answers its probes while the cohort is seeded behind a 503 gate
# (DemoPreparation); /health/ready turns 200 once the cohort is in place and every route answers.
until curl -fsS -o /dev/null "$BASE/health/ready" 2>/dev/null; do
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; echo "the app stopped" >&2; exit 1; }
  sleep 0.2
done
READY=$(python3 -c "print(f'{$(date +%s.%N) - $START:.1f}')")
echo "answering after ${READY} s" >&2
# The credentials are printed once the server has started.
for _ in $(seq 50); do grep -q "surgeon@" "$WORK/app.log" && break; sleep 0.2; done
PASSWORD="$(awk '$2 ~ /^surgeon@/ {print $3}' "$WORK/app.log" | tail -1)"
EMAIL="$(awk '$2 ~ /^surgeon@/ {print $2}' "$WORK/app.log" | tail -1)"

TOKEN="$(curl -fsS -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/auth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"
# A fresh sign-in cookie before every cookie row: Identity re-checks a cookie's security stamp once a minute
# (SecurityStampValidatorOptions in SecuritySetup) and a browser then carries the renewed cookie it is sent; wrk replays
# one cookie, so a cookie older than a minute would make every request re-check the stamp, which no browser does.
sign_in_cookie() {
  local jar="$WORK/cookies" form_token
  rm -f "$jar"
  form_token="$(curl -fsS -c "$jar" -b "$jar" "$BASE/login" | python3 -c 'import re,sys,html; print(html.unescape(re.search(r"name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"", sys.stdin.read()).group(1)))')"
  curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" --data-urlencode "returnUrl=/cases" \
    --data-urlencode "__RequestVerificationToken=$form_token" "$BASE/account/login"
  COOKIE="$(awk -F'\t' 'NF >= 7 && $1 !~ /^# / {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")"
  COOKIE_H=(-H "Cookie: $COOKIE")
}
sign_in_cookie

# A case from the middle of the cohort; works with the paged list and with the older plain array.
CASES_JSON="$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/cases?pageSize=200")"
TOTAL="$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"] if isinstance(d, dict) else len(d))' <<<"$CASES_JSON")"
CASE="$(python3 -c 'import json,sys; d=json.load(sys.stdin); items=d["items"] if isinstance(d, dict) else d; print(items[len(items)//2]["number"])' <<<"$CASES_JSON")"
# One Procedure from the middle of the first FHIR page: a read of one record (it must not map every case of the registry).
PROCEDURE="$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/fhir/Procedure?_count=50" \
  | python3 -c 'import json,sys; e=json.load(sys.stdin).get("entry", []); print(e[len(e)//2]["resource"]["id"] if e else "none")')"
TODAY="$(python3 -c 'import datetime; print(datetime.date.today())')"
YEAR_AGO="$(python3 -c 'import datetime; print(datetime.date.today() - datetime.timedelta(days=365))')"

# One wrk run: prints "requests/s p99-ms".
bench() {
  local url="$1"; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$WORK/wrk.out" 2>&1 || true
  python3 - "$WORK/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
ms = None
if p99:
    value, unit = float(p99.group(1)), p99.group(2)
    ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms if ms is not None else float('nan'):.1f} {non2xx.group(1) if non2xx else 0}")
PY
}

status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
BEARER=(-H "Authorization: Bearer $TOKEN")
STATIC_URL="$BASE/app.css"
[[ "$(status "$STATIC_URL")" == 200 ]] || { echo "static file $STATIC_URL does not answer 200" >&2; exit 1; }

# Warm-up: every path under load first, so each row measures the app after the JIT has optimised its code (steady state),
# not the tiering that follows launch. Five seconds was too short: under load the runtime's tiered-compilation thread kept
# about a third of a core busy for some 15 s per path (its CPU time in /proc), and the case JSON, the first row, rose from
# 2,100 to 4,600-4,900 requests/s over its first 20 s of load. Then wait until that thread has been idle (below).
WARM=(-t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s")
wrk "${WARM[@]}" "$STATIC_URL" >/dev/null 2>&1 || true
for warm in "/api/cases/$CASE|bearer" "/api/cases|bearer" "/cases/$CASE|cookie" "/health/live|none" "/board|cookie" "/api/preop/worklist|bearer" "/fhir/Patient?_count=50|bearer" "/fhir/Procedure/$PROCEDURE|bearer"; do
  IFS='|' read -r wpath wauth <<<"$warm"
  case "$wauth" in
    bearer) wrk "${WARM[@]}" "${BEARER[@]}" "$BASE$wpath" >/dev/null 2>&1 || true ;;
    cookie) sign_in_cookie; wrk "${WARM[@]}" "${COOKIE_H[@]}" "$BASE$wpath" >/dev/null 2>&1 || true ;;
    *) wrk "${WARM[@]}" "$BASE$wpath" >/dev/null 2>&1 || true ;;
  esac
done

# The runtime's background JIT ("Tiered Compilation Worker") has had nothing to compile for 2 s (its threads' CPU time in
# /proc stops growing), at most 30 s: the queue of methods promoted during the warm-up is drained before the first row.
python3 - "$APP_PID" <<'PY' >&2
import glob, sys, time
pid = sys.argv[1]
seen = {}
def jit_ticks():
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            if "Tiered" in open(task + "/comm").read():
                fields = open(task + "/stat").read().rsplit(")", 1)[1].split()
                seen[task] = int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return sum(seen.values())
last, quiet, start = jit_ticks(), 0.0, time.time()
while quiet < 2 and time.time() - start < 30:
    time.sleep(0.5)
    now = jit_ticks()
    quiet = quiet + 0.5 if now == last else 0.0
    last = now
print(f"tiered compilation idle after {time.time() - start:.1f} s of waiting")
PY

ROWS=()
add() { # label url curl-args…
  local label="$1" url="$2"; shift 2
  local code; code="$(status "$@" "$url")"
  if [[ "$code" != 200 ]]; then ROWS+=("$label|$code|||"); echo "$label: HTTP $code, skipped" >&2; return; fi
  read -r rps p99 bad < <(bench "$url" "$@")
  ROWS+=("$label|200|$rps|$p99|$bad"); echo "$label: $rps req/s, p99 $p99 ms" >&2
}
# The static file is measured before, between and after the rows, and the median of the three is the baseline: on two
# shared cores one static run alone varied from 6,000 to 17,000 requests/s between runs of the same build, which moved
# every ratio with it. All three are printed.
STATIC_RUNS=()
static_run() { local rps p99; read -r rps p99 _ < <(bench "$STATIC_URL"); STATIC_RUNS+=("$rps:$p99"); echo "static file: $rps req/s" >&2; }
static_run
add "\`GET /api/cases/{n}\` (bearer)" "$BASE/api/cases/$CASE" "${BEARER[@]}"
add "\`GET /api/cases\` (first page, bearer)" "$BASE/api/cases" "${BEARER[@]}"
sign_in_cookie
add "\`GET /cases/{n}\` (page, cookie)" "$BASE/cases/$CASE" "${COOKIE_H[@]}"
add "\`GET /health/live\` (anonymous)" "$BASE/health/live"
static_run
sign_in_cookie
add "\`GET /board\` (page, cookie)" "$BASE/board" "${COOKIE_H[@]}"
add "\`GET /api/preop/worklist\` (bearer)" "$BASE/api/preop/worklist" "${BEARER[@]}"
add "\`GET /fhir/Patient?_count=50\` (bearer)" "$BASE/fhir/Patient?_count=50" "${BEARER[@]}"
add "\`GET /fhir/Procedure/{id}\` (bearer)" "$BASE/fhir/Procedure/$PROCEDURE" "${BEARER[@]}"
static_run
read -r STATIC_RPS STATIC_P99 STATIC_ALL < <(python3 -c '
import sys
runs = sorted((float(r.split(":")[0]), r.split(":")[1]) for r in sys.argv[1:])
rps, p99 = runs[len(runs) // 2]
print(f"{rps:.0f} {p99} " + "/".join(f"{r:.0f}" for r, _ in runs))' "${STATIC_RUNS[@]}")

# /reports for one year: three renders, the slowest counts.
sign_in_cookie
REPORT_MS="$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' "${COOKIE_H[@]}" "$BASE/reports?from=$YEAR_AGO&to=$TODAY"; done \
  | python3 -c 'import sys; print(f"{max(float(l) for l in sys.stdin) * 1000:.0f}")')"
RSS_MB="$(python3 -c "print(round($(ps -o rss= -p "$APP_PID") / 1024))")"
# SQLite's online backup (Python's sqlite3 module): the live file runs in write-ahead-log mode, so a plain copy would miss
# the writes still in its -wal file.
[[ -n "$KEEP_DB" ]] && python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.execute("PRAGMA journal_mode=DELETE"); d.close()' "$DEMO_DB" "$KEEP_DB"

{
  echo
  echo "### $LABEL — demo cohort --years $YEARS ($TOTAL cases), $(date -u +%Y-%m-%d)"
  echo
  echo "wrk ${DURATION} s per row after a ${WARMUP} s warm-up of every path and an idle tiered compiler, $CONNECTIONS connections, $THREADS threads, loopback; static file \`/app.css\` (median of three runs: before, between and after the rows; $STATIC_ALL): $STATIC_RPS requests/s (p99 $STATIC_P99 ms)."
  echo
  echo "| path | requests/s | × static | p99 (ms) |"
  echo "| --- | --- | --- | --- |"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r label code rps p99 bad <<<"$row"
    if [[ "$code" != 200 ]]; then echo "| $label | HTTP $code | — | — |"; continue; fi
    ratio="$(python3 -c "print(f'{$rps / $STATIC_RPS:.3f}')")"
    note=""; [[ "$bad" != 0 ]] && note=" ($bad non-2xx)"
    echo "| $label | $rps$note | $ratio | $p99 |"
  done
  echo
  echo "Launch to ready (\`/health/ready\` 200, \`--demo\`, $( [[ -n "$DB" ]] && echo "cohort already in the database" || echo "seeding the cohort" )): ${READY} s · resident memory after the runs: ${RSS_MB} MB · \`/reports\` for one year (slowest of 3): ${REPORT_MS} ms."
} | tee "$WORK/table.md"
if [[ "$WRITE" == 1 ]]; then cat "$WORK/table.md" >> "$ROOT/docs/benchmarks.md"; fi
