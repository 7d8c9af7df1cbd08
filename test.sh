#!/usr/bin/env bash
# Run every test suite and print one summary line: "N passed, N failed, N skipped".
#
#   ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Jobs]
#
# With extra arguments only the .NET suites run: the Node SDK suite (it takes port 443), the Kubernetes manifests suite
# and the benchmark smoke are left out unless IOTHUB_SDK_COMPAT=1 / IOTHUB_KUBERNETES=1 / IOTHUB_BENCH_SMOKE=1 ask for them.
#
# With a Docker engine (`docker info` works) the C# fixture uses Testcontainers. Without one,
# a private PostgreSQL and RabbitMQ are started like run.sh does, isolated under
# .local/test (ports 55442 / 55682 / dist 55683 / epmd 55684) and handed to the tests as
# TEST_POSTGRES (Npgsql string of a role allowed to CREATE DATABASE) and TEST_RABBITMQ (amqp URI,
# full rights on its own vhost); they are stopped at the end, also on failure.
# TEST_POSTGRES / TEST_RABBITMQ already set by the caller are used as they are.
# Results (.trx) go to $TEST_RESULTS_DIR (default .local/test/results).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(pwd)"
IOTHUB_REPO_ROOT="$REPO"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=scripts/infra.sh
. scripts/infra.sh

DOTNET_TEST_ARGS=("$@")
RESULTS_DIR="${TEST_RESULTS_DIR:-$REPO/.local/test/results}"
PASSED=0 FAILED=0 SKIPPED=0
STARTED_INFRA=0

cleanup() {
  if [ "$STARTED_INFRA" = 1 ]; then
    STARTED_INFRA=0
    stop_rabbitmq || true
    stop_postgres || true
  fi
}
SUMMARY_PRINTED=0
print_summary() {
  SUMMARY_PRINTED=1
  echo
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
}
# also on an early exit (a server did not start, Ctrl-C): stop the servers, count it as failed
on_exit() {
  local rc=$?
  trap - EXIT
  cleanup
  if [ "$SUMMARY_PRINTED" = 0 ]; then
    FAILED=$((FAILED + 1))
    print_summary
    [ "$rc" != 0 ] || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

summary_and_exit() {
  cleanup
  print_summary
  if [ "$FAILED" = 0 ]; then exit 0; else exit 1; fi
}

# One run at a time per checkout: runs share .local/test, its ports and the results folder.
mkdir -p "$REPO/.local"
exec 9>"$REPO/.local/test.lock"
if ! flock -n 9; then
  log "another ./test.sh is running in this checkout; waiting for it to finish"
  flock -w "${TEST_LOCK_TIMEOUT:-3600}" 9 || { log "gave up waiting for the other ./test.sh"; exit 1; }
fi

# ------------------------------------------------------------------ servers
if [ -n "${TEST_POSTGRES:-}" ] && [ -n "${TEST_RABBITMQ:-}" ]; then
  log "using TEST_POSTGRES / TEST_RABBITMQ from the environment"
elif command -v docker >/dev/null 2>&1 && timeout 30 docker info >/dev/null 2>&1; then
  log "Docker engine available: the tests start their own containers (Testcontainers)"
  unset TEST_POSTGRES TEST_RABBITMQ
else
  log "no Docker engine: starting a private PostgreSQL and RabbitMQ for the tests"
  export IOTHUB_LOCAL_DIR="${IOTHUB_TEST_LOCAL_DIR:-$REPO/.local/test}"
  export IOTHUB_PG_PORT="${IOTHUB_TEST_PG_PORT:-55442}"
  export IOTHUB_RABBITMQ_PORT="${IOTHUB_TEST_RABBITMQ_PORT:-55682}"
  export IOTHUB_RABBITMQ_DIST_PORT="${IOTHUB_TEST_RABBITMQ_DIST_PORT:-55683}"
  export IOTHUB_EPMD_PORT="${IOTHUB_TEST_EPMD_PORT:-55684}"
  export IOTHUB_RABBITMQ_VHOST=iothub-test
  export IOTHUB_PG_FAST=1
  # infra functions call die (exit) on failure: run them in this shell so that the trap stops
  # whatever got started, and count the failure
  infra_init
  ensure_packages --with-browser
  STARTED_INFRA=1
  start_postgres
  start_rabbitmq
  # the fixture creates a fresh database per run: connect to the maintenance database
  export TEST_POSTGRES="${IOTHUB_PG_CONNECTION/Database=iothub/Database=postgres}"
  export TEST_RABBITMQ="$IOTHUB_RABBITMQ_URI"
  log "TEST_POSTGRES and TEST_RABBITMQ point at 127.0.0.1:$IOTHUB_PG_PORT and 127.0.0.1:$IOTHUB_RABBITMQ_PORT"
fi

# the dashboard specs drive Debian's chromium (installed above on the no-Docker path; here for the others)
if [ ! -x /usr/bin/chromium ]; then
  ( ensure_browser ) || log "could not install chromium: the dashboard specs will fail"
fi

# -------------------------------------------------------------------- build
command -v dotnet >/dev/null 2>&1 || { log "the .NET SDK (dotnet) is not installed"; FAILED=1; summary_and_exit; }
log "dotnet build Microservices.sln -c Release"
if ! dotnet build Microservices.sln -c Release -nologo -v minimal; then
  # counted as a failure; the test projects that did build still run
  log "build failed: counted as 1 failure"
  FAILED=$((FAILED + 1))
fi

# ------------------------------------------------------------- .NET suites
# counters of a .trx: failed counts failed+error+timeout+aborted; skipped = the rest not passed
trx_counts() {
  local f="$1" line get
  line="$(grep -o '<Counters [^>]*>' "$f" | head -n 1)"
  [ -n "$line" ] || return 1
  get() { local v; v="$(printf '%s' "$line" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p")"; echo "${v:-0}"; }
  local total passed failed
  total="$(get total)"; passed="$(get passed)"
  failed=$(( $(get failed) + $(get error) + $(get timeout) + $(get aborted) ))
  local skipped=$(( total - passed - failed ))
  [ "$skipped" -ge 0 ] || skipped=0
  echo "$passed $failed $skipped"
}

# names of the failed tests of a .trx, one per line, printed again at the end: CI shows only the tail of the output
FAILED_TESTS=()
trx_failed_names() {
  grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$1" \
    | sed -n 's/.* testName="\([^"]*\)".*/\1/p'
}
# the failed tests of a .trx with the start of each one's message, for the same tail
FAILED_MESSAGES=()
trx_failed_messages() {
  awk 'BEGIN { RS = "</UnitTestResult>" }
    /<UnitTestResult [^>]*outcome="(Failed|Error|Timeout|Aborted)"/ {
      name = $0; sub(/.*<UnitTestResult [^>]* testName="/, "", name); sub(/".*/, "", name)
      message = ""
      if (match($0, /<Message>[^<]*<\/Message>/)) message = substr($0, RSTART + 9, RLENGTH - 19)
      gsub(/[ \t\r\n]+/, " ", message)
      print name ": " substr(message, 1, 600)
    }' "$1"
}

mapfile -t PROJECTS < <(find tests -name '*.Tests.csproj' -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/node_modules/*' | sort)
[ "${#PROJECTS[@]}" -gt 0 ] || log "warning: no *.Tests.csproj under tests/"
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"
# the fault specs append their measured recovery times here (docs/reliability.md)
export IOTHUB_RECOVERY_REPORT="$RESULTS_DIR/recovery.tsv"
for proj in "${PROJECTS[@]}"; do
  name="$(basename "$proj" .csproj)"
  build_flag=(--no-build)
  # a test project outside the solution was not built above
  grep -qF "$(basename "$proj")" Microservices.sln || build_flag=()
  log "dotnet test $proj"
  dotnet test "$proj" -c Release "${build_flag[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS_DIR" \
    --blame-hang-timeout "${TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type none \
    "${DOTNET_TEST_ARGS[@]+"${DOTNET_TEST_ARGS[@]}"}"
  rc=$?
  trx="$RESULTS_DIR/$name.trx"
  if [ -f "$trx" ] && counts="$(trx_counts "$trx")"; then
    read -r p f s <<<"$counts"
    log "$name: $p passed, $f failed, $s skipped (exit $rc)"
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; log "$name: dotnet test failed without a failed test: counted as 1 failure"; fi
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
    mapfile -t -O "${#FAILED_TESTS[@]}" FAILED_TESTS < <(trx_failed_names "$trx")
    mapfile -t -O "${#FAILED_MESSAGES[@]}" FAILED_MESSAGES < <(trx_failed_messages "$trx")
  else
    log "$name: no test results (crashed or did not build): counted as 1 failure"
    FAILED=$((FAILED + 1))
  fi
done

# ------------------------------------------------------------ Node suites
# run_node_suite NAME SCRIPT OPT_IN: a suite that prints "N passed, N failed[, N skipped]" as its last count line; run
# when no dotnet test arguments were given or OPT_IN=1; a failing exit with no failed test counts as one failure.
run_node_suite() {
  local name="$1" suite="$2" opt_in="$3" out rc line p f s=0
  [ -x "$suite" ] || return 0
  [ "${#DOTNET_TEST_ARGS[@]}" = 0 ] || [ "${!opt_in:-}" = 1 ] || return 0
  log "$suite"
  out="$(mktemp)"
  "$suite" </dev/null 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line="$(grep -E '^[[:space:]]*[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)"
  rm -f "$out"
  if [ -z "$line" ]; then
    log "$name: no 'N passed, N failed' line (exit $rc): counted as 1 failure"
    FAILED=$((FAILED + 1))
    return 0
  fi
  p="$(sed -E 's/^[[:space:]]*([0-9]+) passed.*/\1/' <<<"$line")"
  f="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
  if grep -qE '[0-9]+ skipped' <<<"$line"; then s="$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")"; fi
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  log "$name: $p passed, $f failed, $s skipped (exit $rc)"
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
}

# The Node SDK compatibility suite (takes port 443), and deploy/kubernetes rendered and validated offline (seconds).
run_node_suite sdk-compat tests/sdk-compat/run-suite.sh IOTHUB_SDK_COMPAT
run_node_suite kubernetes tests/kubernetes/run-suite.sh IOTHUB_KUBERNETES

# ------------------------------------------------------------------ benchmark smoke
# Exactness only, not speed: a small method job and twin job through ./bench.sh, each counted as one test. The
# benchmark's PostgreSQL is durable (fsync on) as in production, although this script may have exported
# IOTHUB_PG_FAST=1 for its own servers above: bench.sh drops it, and the smoke checks the setting the run reports.
if [ "${#DOTNET_TEST_ARGS[@]}" = 0 ] || [ "${IOTHUB_BENCH_SMOKE:-}" = 1 ]; then
  for job in method twin; do
    log "bench smoke: ./bench.sh --devices 2000 --job $job --jit"
    result="$(./bench.sh --devices 2000 --job "$job" --no-build --jit </dev/null 2>>"$RESULTS_DIR/bench-$job.log" | tail -n 1)"
    log "bench smoke ($job): $result"
    if grep -q '"exact":true' <<<"$result" && grep -q '"postgresFsync":"on"' <<<"$result"; then
      PASSED=$((PASSED + 1))
    else
      FAILED=$((FAILED + 1)); FAILED_TESTS+=("bench smoke ($job)")
      log "bench smoke ($job) failed; the end of $RESULTS_DIR/bench-$job.log:"
      tail -n 25 "$RESULTS_DIR/bench-$job.log" | sed 's/^/    /' >&2
    fi
  done
fi

if [ -s "$IOTHUB_RECOVERY_REPORT" ]; then
  log "measured recovery times (fault specs; figures, not assertions):"
  sed 's/^/    /' "$IOTHUB_RECOVERY_REPORT" >&2
fi
if [ "${#FAILED_MESSAGES[@]}" -gt 0 ]; then
  log "what the failed .NET tests said (the start of each message):"
  printf '    %s\n' "${FAILED_MESSAGES[@]}" >&2
fi
log "disk space left: $(df -h --output=avail "$REPO" | tail -n 1 | tr -d ' ')"
if [ "${#FAILED_TESTS[@]}" -gt 0 ]; then
  log "failed tests:"
  printf '    %s\n' "${FAILED_TESTS[@]}" >&2
fi

summary_and_exit
