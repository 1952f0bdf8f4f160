#!/usr/bin/env bash
# Runs every test. Installs what the integration tests need (PostgreSQL, Chromium) from Debian packages when
# missing, starts a throwaway PostgreSQL (as the postgres user when run as root), points the tests at the
# real data in ../shared/data when it exists, runs the whole suite and prints one summary line.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter "Category!=Slow"]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

# 1. Packages. ---------------------------------------------------------------------------------------------
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# The notebook launcher's tests: Jupyter's classic notebook and what the template notebooks import.
[ -x /usr/bin/jupyter-notebook ] || need+=(jupyter-notebook python3-ipykernel)
/usr/bin/python3 -c "import nbconvert, pandas, matplotlib" >/dev/null 2>&1 || need+=(python3-nbconvert python3-pandas python3-matplotlib)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null || log "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || log "could not install ${need[*]}: integration tests will report it"
fi

# 2. A throwaway PostgreSQL on a private port and socket directory. -----------------------------------------
PGWORK=$(mktemp -d /tmp/research-pg.XXXXXX)
PGPORT=${RESEARCH_TEST_PGPORT:-55432}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_pg() {
  if [ -n "${PGBIN}" ] && [ -f "${PGWORK}/data/postmaster.pid" ]; then
    run_pg "${PGBIN}/pg_ctl" -D "${PGWORK}/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "${PGWORK}"
}
trap stop_pg EXIT
if [ -n "${PGBIN}" ]; then
  [ "$(id -u)" -eq 0 ] && chown postgres "${PGWORK}"
  run_pg "${PGBIN}/initdb" -D "${PGWORK}/data" -U postgres -A trust --no-sync >/dev/null
  # Members of research_password_login must give a real password (the WRDS client's bad-credential tests);
  # everyone else is trusted on this throwaway server.
  run_pg sh -c "printf 'host all +research_password_login 127.0.0.1/32 scram-sha-256\n' | cat - '${PGWORK}/data/pg_hba.conf' > '${PGWORK}/data/pg_hba.new' && mv '${PGWORK}/data/pg_hba.new' '${PGWORK}/data/pg_hba.conf'"
  run_pg "${PGBIN}/pg_ctl" -D "${PGWORK}/data" -l "${PGWORK}/postgres.log" -w \
    -o "-p ${PGPORT} -k ${PGWORK} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  export RESEARCH_TEST_POSTGRES="Host=127.0.0.1;Port=${PGPORT};Username=postgres;Database=postgres"
  log "PostgreSQL $("${PGBIN}/postgres" --version | awk '{print $3}') on port ${PGPORT}"
else
  log "PostgreSQL is not available"
fi

# 3. Environment for the tests. ------------------------------------------------------------------------------
export RESEARCH_REQUIRE_INTEGRATION=1
[ -d "${ROOT}/../shared/data" ] && export RESEARCH_REAL_DATA="$(cd "${ROOT}/../shared/data" && pwd)"
[ -x /usr/bin/chromium ] && export RESEARCH_CHROMIUM=/usr/bin/chromium
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# 4. Locked restore, format check, build and test. ---------------------------------------------------------
# Packages come exactly as packages.lock.json lists them; a changed dependency needs 'dotnet restore --force-evaluate'
# and its lock files committed.
if ! dotnet restore Research.sln --locked-mode -v quiet; then
  log "restore does not match the committed packages.lock.json files (see above)"
  exit 1
fi
if ! dotnet format whitespace Research.sln --verify-no-changes -v quiet; then
  log "formatting differs from .editorconfig (listed above): run 'dotnet format whitespace Research.sln'"
  exit 1
fi
dotnet build Research.sln -c Debug --nologo -v quiet --no-restore
RESULTS="${ROOT}/artifacts/test-results"
rm -rf "${RESULTS}"
set +e
dotnet test Research.sln -c Debug --no-build --nologo --results-directory "${RESULTS}" --logger "trx" --settings tests/coverage.runsettings "$@" 2>&1 | tee "${PGWORK}/test.log"
status=${PIPESTATUS[0]}
set -e

# 5. Line coverage per production project (Microsoft code coverage, Cobertura), then one summary line over all test
#    assemblies: "N passed, N failed, N skipped".
if command -v python3 >/dev/null 2>&1; then
  python3 tests/coverage_summary.py "${RESULTS}" || log "coverage summary failed"
else
  log "python3 not found: no coverage summary"
fi

passed=0; failed=0; skipped=0
while read -r f p s; do passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); done < <(
  sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\).*/\1 \2 \3/p' "${PGWORK}/test.log")
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "${status}" -ne 0 ] || [ "${failed}" -ne 0 ]; then exit 1; fi
if [ "${passed}" -eq 0 ]; then echo "no test ran" >&2; exit 1; fi
