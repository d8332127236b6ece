#!/usr/bin/env bash
# Runs every test of every project. On a fresh Debian machine it first installs what the tests need:
#   chromium   - the browser tests drive Debian's Chromium through Playwright (no browser download)
#   postgresql - the API tests start a throw-away PostgreSQL cluster on a free loopback port
# Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "${PG_BIN:-}" ] || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi

rm -rf TestResults
dotnet build Explant.slnx
# One project at a time (2-core machines), each with its own result file so totals can be summed.
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" --no-build --logger "trx;LogFileName=$name.trx" --results-directory TestResults "$@" || status=1
done
exit $status
