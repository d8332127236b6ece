#!/usr/bin/env bash
# FHIR search latency (issue #15: a 50-patient search page under 100 ms p99 on the demo cohort).
# Starts the web app with --demo on a throw-away SQLite file (Release build), signs in as the demo nurse, warms up,
# then times N sequential requests of each URL with curl and prints p50/p95/p99 in milliseconds as a Markdown table.
# Usage: bench/fhir-search.sh [requests=200] [port=5199]     (run under the shared CPU lock on a shared machine)
set -euo pipefail
N=${1:-200}
PORT=${2:-5199}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
LOG="$WORK/app.log"
trap 'kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# Published into a temporary folder and started from there, so the content root (wwwroot, appsettings) is the app's own
# and the build output's runtime-specific folder does not matter.
dotnet publish "$ROOT/src/Explant.Web" -c Release -o "$WORK/app" -v q -nologo >/dev/null
(cd "$WORK/app" && Database__SqlitePath="$WORK/bench.db" Fhir__ExportDirectory="$WORK/export" ASPNETCORE_ENVIRONMENT=Production \
  exec dotnet "$WORK/app/Explant.Web.dll" --demo --urls "http://127.0.0.1:$PORT" >"$LOG" 2>&1) &
APP=$!
for _ in $(seq 1 600); do
  grep -q "Explant demo is running" "$LOG" && break
  kill -0 "$APP" 2>/dev/null || break   # the app stopped: say why below instead of waiting out the loop
  sleep 1
done
grep -q "Explant demo is running" "$LOG" || { echo "the demo did not start:"; tail -20 "$LOG"; exit 1; }
read -r EMAIL PASSWORD < <(awk '$1 == "nurse" { print $2, $3; exit }' "$LOG")
BASE="http://127.0.0.1:$PORT"
TOKEN=$(curl -sf "$BASE/api/auth/token" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
PATIENTS=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/fhir/Patient?_count=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
FIRST=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/fhir/Patient?_count=1" | sed -E 's/.*"resourceType":"Patient","id":"([^"]+)".*/\1/')

measure() { # url → "p50 p95 p99" (ms)
  local url=$1 i
  for i in $(seq 1 20); do curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$url"; done
  for i in $(seq 1 "$N"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$url"
  done | sort -n | awk '{ t[NR] = $1 * 1000 } END {
    n = NR
    i50 = int(n * 0.50 + 0.999); i95 = int(n * 0.95 + 0.999); i99 = int(n * 0.99 + 0.999)
    printf "%.1f | %.1f | %.1f", t[i50], t[i95], t[i99] }'
}

echo "Demo cohort: $PATIENTS patients; $N sequential requests per row after 20 warm-up requests; $(nproc) cores; $(date -u +%Y-%m-%d)."
echo
echo "| request | p50 (ms) | p95 (ms) | p99 (ms) |"
echo "| --- | --- | --- | --- |"
for q in "Patient?_count=50" "Patient?_count=50&_offset=100" "Patient?name=a&_count=50" "Observation?patient=Patient/$FIRST"; do
  echo "| \`GET /fhir/$q\` | $(measure "$BASE/fhir/$q") |"
done
