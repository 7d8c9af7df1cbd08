#!/usr/bin/env bash
# Throughput benchmark: one job over N simulated devices, every service a separate process.
#
#   ./bench.sh --devices N --job method|twin [--executors K] [--no-build] [--keep]
#   ./bench.sh --compare <git-ref> [--rounds R] --devices N --job method|twin [--executors K] [--no-build]
#   ./bench.sh --creations N [--no-build] [--keep]     a burst of N job creations instead (see below)
#
# Starts an isolated hub the way ./run.sh does (state in .local/bench, ports shifted by 500, a fresh database
# each run), creates N devices through the public bulk API, runs one job over all of them to completion,
# checks that the statistics, the per-device records and (method jobs) the device executions are exact, and
# prints as its last line one JSON object:
#   {"job":..,"devices":N,"executors":K,"seconds":S,"deviceOpsPerSecond":R,"firstDispatchMs":F,"peakRssMb":{..},
#    "exact":true,"cpuSecondsDuringJob":{..},"machineCpuSecondsDuringJob":{..},"loadAverage":{"start":[..],"end":[..]},..}
# seconds = job startTime → endTime; firstDispatchMs = startTime → first device command leaving the scheduler;
# loadAverage = /proc/loadavg (1, 5, 15 min) before the hub starts and after the run.
# --compare REF: absolute rates on a shared machine move up to 3x from day to day, so a claim of improvement is a
# ratio measured in one sitting. Builds REF in a temporary git worktree (.local/bench-compare/ref-src, removed
# afterwards), then runs the same benchmark alternately for REF and for this working tree — ref, tree, tree, ref, …,
# R rounds (default 2) — each side on its own ports (offsets 600 / 700) and state folder, REF's services started by
# REF's own run.sh, both measured by this working tree's tests/Benchmark. Prints each run's JSON line (with "side"
# and "commit") as it finishes and as its last line {"compare":REF,"refCommit":..,"treeCommit":..,
# "refMedianOpsPerSecond":..,"treeMedianOpsPerSecond":..,"ratio":tree/ref,"allExact":..,"runs":[..]}.
# --creations N: N job PUTs, 32 in flight (a 429 waits Retry-After and is retried), on a query matching no device;
# proves every job recorded and finished and prints {"mode":"creations","jobs":N,"creationsPerSecond":..,
# "allFinishedSeconds":..,"peakRssMb":{..},"exact":true}.
# With --keep the hub stays up afterwards (stop it with IOTHUB_LOCAL_DIR=.local/bench ./run.sh stop).
# Another state folder or port offset: IOTHUB_BENCH_LOCAL_DIR, IOTHUB_BENCH_PORT_OFFSET; for --compare
# IOTHUB_BENCH_COMPARE_DIR, IOTHUB_BENCH_REF_PORT_OFFSET, IOTHUB_BENCH_TREE_PORT_OFFSET.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

DEVICES="" JOB="" EXECUTORS=2 BUILD=1 KEEP=0 CREATIONS="" COMPARE="" ROUNDS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) shift; DEVICES="${1:-}" ;;
    --job) shift; JOB="${1:-}" ;;
    --executors) shift; EXECUTORS="${1:-}" ;;
    --creations) shift; CREATIONS="${1:-}" ;;
    --compare) shift; COMPARE="${1:-}" ;;
    --rounds) shift; ROUNDS="${1:-}" ;;
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$CREATIONS" ]; then
  [[ "$CREATIONS" =~ ^[1-9][0-9]*$ ]] || { echo "--creations needs a number >= 1" >&2; exit 2; }
  [ -z "$COMPARE" ] || { echo "--compare measures fleet jobs (--devices, --job), not --creations" >&2; exit 2; }
else
  [[ "$DEVICES" =~ ^[1-9][0-9]*$ ]] || { echo "--devices N is required" >&2; exit 2; }
  [[ "$JOB" =~ ^(method|twin)$ ]] || { echo "--job method|twin is required" >&2; exit 2; }
fi
[[ "$EXECUTORS" =~ ^[1-9][0-9]*$ ]] || { echo "--executors needs a number >= 1" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a number >= 1" >&2; exit 2; }
if [ -n "$COMPARE" ] && [ "$KEEP" = 1 ]; then echo "--keep does not go with --compare" >&2; exit 2; fi

# Its own instance, whatever a caller (e.g. test.sh) exported for another one — and a durable PostgreSQL, as in
# production: test.sh exports IOTHUB_PG_FAST=1 (fsync off) for its own throw-away servers.
unset IOTHUB_PG_PORT IOTHUB_RABBITMQ_PORT IOTHUB_RABBITMQ_DIST_PORT IOTHUB_EPMD_PORT IOTHUB_RABBITMQ_VHOST \
      IOTHUB_JOBS_API_PORT IOTHUB_SCHEDULER_PORT IOTHUB_EXECUTOR_PORT IOTHUB_EXECUTOR2_PORT IOTHUB_DEVICE_SIM_PORT \
      IOTHUB_EXECUTOR_EXTRA_PORT_BASE HUB_HTTPS_PORT IOTHUB_DEVICE_GATEWAY_PORT HUB_MQTT_PORT \
      IOTHUB_PG_FAST IOTHUB_PG_STOP_MODE IOTHUB_RABBITMQ_PLUGINS IOTHUB_BUILD_CONFIGURATION IOTHUB_BUILD_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
BENCH_TOOL="$PWD/tests/Benchmark/bin/Release/net10.0/Benchmark.dll"   # this working tree's, for every side

say() { printf '[%s] bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# start_fresh_hub ROOT: a hub started by checkout ROOT's run.sh (running the services of $IOTHUB_BUILD_ROOT when that
# is set) in $IOTHUB_LOCAL_DIR on ports shifted by $IOTHUB_PORT_OFFSET, on a fresh database (every run starts from an
# empty registry). Records the load average just before, for the run's JSON.
start_fresh_hub() {
  local root="$1"
  "$root/run.sh" stop >/dev/null 2>&1 || true
  rm -rf "$IOTHUB_LOCAL_DIR/pg"
  LOAD_AT_START="$(cat /proc/loadavg)"
  "$root/run.sh" --detach --no-build --executors "$EXECUTORS"
}

# measure_fleet [labels...]: this working tree's Benchmark tool against the hub in $IOTHUB_LOCAL_DIR; one JSON line.
measure_fleet() {
  local pg
  pg="Host=127.0.0.1;Port=$(cat "$IOTHUB_LOCAL_DIR/pg/port");Database=iothub;Username=iothub;Password=$(cat "$IOTHUB_LOCAL_DIR/secrets/postgres.password")"
  dotnet "$BENCH_TOOL" --hub-env "$IOTHUB_LOCAL_DIR/hub.env" --postgres "$pg" --devices "$DEVICES" --job "$JOB" \
    --executors "$EXECUTORS" --instance "$IOTHUB_LOCAL_DIR" --load-at-start "$LOAD_AT_START" "$@"
}

if [ "$BUILD" = 1 ]; then
  dotnet build Microservices.sln -c Release -v q -nologo >/dev/null
fi

# ------------------------------------------------------------------ one run (or a creation burst)
if [ -z "$COMPARE" ]; then
  export IOTHUB_LOCAL_DIR="${IOTHUB_BENCH_LOCAL_DIR:-$PWD/.local/bench}"
  export IOTHUB_PORT_OFFSET="${IOTHUB_BENCH_PORT_OFFSET:-500}"
  cleanup() { [ "$KEEP" = 1 ] || ./run.sh stop >/dev/null 2>&1 || true; }
  trap cleanup EXIT
  start_fresh_hub "$PWD" >&2
  if [ -n "$CREATIONS" ]; then
    dotnet "$BENCH_TOOL" --hub-env "$IOTHUB_LOCAL_DIR/hub.env" --creations "$CREATIONS" --pids "$IOTHUB_LOCAL_DIR/pids"
  else
    measure_fleet
  fi
  exit $?
fi

# ------------------------------------------------------------------ --compare REF
COMPARE_DIR="${IOTHUB_BENCH_COMPARE_DIR:-$PWD/.local/bench-compare}"
REF_SRC="$COMPARE_DIR/ref-src"                      # the temporary worktree of REF
REF_STATE="$COMPARE_DIR/ref" REF_OFFSET="${IOTHUB_BENCH_REF_PORT_OFFSET:-600}"
TREE_STATE="$COMPARE_DIR/tree" TREE_OFFSET="${IOTHUB_BENCH_TREE_PORT_OFFSET:-700}"
RUNS="$COMPARE_DIR/runs.jsonl"

REF_COMMIT="$(git rev-parse --verify --quiet "$COMPARE^{commit}")" || { echo "--compare: no commit '$COMPARE'" >&2; exit 2; }
TREE_COMMIT="$(git rev-parse HEAD)"
[ -z "$(git status --porcelain)" ] || TREE_COMMIT="$TREE_COMMIT+dirty"

stop_hub() {   # stop_hub STARTER STATE OFFSET: what STARTER's run.sh started there (by its pid files)
  [ -x "$1/run.sh" ] || return 0
  IOTHUB_LOCAL_DIR="$2" IOTHUB_PORT_OFFSET="$3" "$1/run.sh" stop >/dev/null 2>&1 || true
}
remove_ref_worktree() {
  [ -e "$REF_SRC" ] || return 0
  git worktree remove --force "$REF_SRC" 2>/dev/null || rm -rf "$REF_SRC"
  git worktree prune
}
compare_cleanup() {
  stop_hub "${REF_STARTER:-$REF_SRC}" "$REF_STATE" "$REF_OFFSET"
  stop_hub "$PWD" "$TREE_STATE" "$TREE_OFFSET"
  remove_ref_worktree
}
trap compare_cleanup EXIT

mkdir -p "$COMPARE_DIR"
remove_ref_worktree                                 # left over by an interrupted comparison
say "building $COMPARE ($REF_COMMIT) in a temporary worktree (log: $COMPARE_DIR/ref-build.log)"
git worktree add --detach --quiet "$REF_SRC" "$REF_COMMIT"
( cd "$REF_SRC" && dotnet build Microservices.sln -c Release -v q -nologo ) >"$COMPARE_DIR/ref-build.log" 2>&1 \
  || { tail -n 30 "$COMPARE_DIR/ref-build.log" >&2; say "the build of $COMPARE failed"; exit 1; }

# Which run.sh starts REF's services: REF's own when it can start an isolated instance in the background (state
# folder, port offset, --detach, --no-build, --executors: 19c01ca, the first benchmarked commit, and later can);
# otherwise this working tree's, pointed at REF's build output (IOTHUB_BUILD_ROOT, scripts/services.sh).
if grep -q IOTHUB_PORT_OFFSET "$REF_SRC/scripts/infra.sh" 2>/dev/null \
   && grep -q -- '--detach' "$REF_SRC/run.sh" && grep -q -- '--executors' "$REF_SRC/run.sh"; then
  REF_STARTER="$REF_SRC"
else
  REF_STARTER="$PWD"
  say "$COMPARE's run.sh cannot start an isolated instance: its services are started by this tree's run.sh"
fi

# compare_run SIDE STARTER BUILD_ROOT STATE OFFSET COMMIT: one fresh hub — STARTER's run.sh running BUILD_ROOT's
# services — one measured job, the hub stopped again.
compare_run() {
  local side="$1" starter="$2" commit="$6" line rc=0
  export IOTHUB_BUILD_ROOT="$3" IOTHUB_LOCAL_DIR="$4" IOTHUB_PORT_OFFSET="$5"
  mkdir -p "$IOTHUB_LOCAL_DIR"
  # an older run.sh prints the connection string, which holds a key: its output goes to an owner-only file
  (umask 077; : >"$IOTHUB_LOCAL_DIR/run.log")
  # The servers' ports lie in the kernel's ephemeral range (32768-60999), so another program's connection can hold
  # one for a while (seen: RabbitMQ's listener refused with eaddrinuse): a hub that did not start gets a second try.
  if ! start_fresh_hub "$starter" >>"$IOTHUB_LOCAL_DIR/run.log" 2>&1; then
    say "the $side hub did not start; trying once more in 30 s"
    sleep 30
    if ! start_fresh_hub "$starter" >>"$IOTHUB_LOCAL_DIR/run.log" 2>&1; then
      grep -v 'Connection string' "$IOTHUB_LOCAL_DIR/run.log" | tail -n 30 >&2
      say "the $side hub did not start"; exit 1
    fi
  fi
  line="$(measure_fleet --side "$side" --commit "$commit")" || rc=$?
  stop_hub "$starter" "$IOTHUB_LOCAL_DIR" "$IOTHUB_PORT_OFFSET"
  [ -n "$line" ] || { say "the $side run printed no result (exit $rc)"; exit 1; }
  echo "$line" | tee -a "$RUNS"
}

: >"$RUNS"
run_ref() {
  say "round $1 of $ROUNDS: $COMPARE ($REF_COMMIT)"
  compare_run ref "$REF_STARTER" "$REF_SRC" "$REF_STATE" "$REF_OFFSET" "$REF_COMMIT"
}
run_tree() {
  say "round $1 of $ROUNDS: working tree ($TREE_COMMIT)"
  compare_run tree "$PWD" "$PWD" "$TREE_STATE" "$TREE_OFFSET" "$TREE_COMMIT"
}
# Odd rounds ref then tree, even rounds tree then ref (ref, tree, tree, ref, ...): a side that profits from running
# second (warm page cache, a calmer machine) profits on both sides equally.
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then run_ref "$round"; run_tree "$round"; else run_tree "$round"; run_ref "$round"; fi
done
dotnet "$BENCH_TOOL" --summarize-comparison "$RUNS" --compare "$COMPARE" --ref-commit "$REF_COMMIT" \
  --tree-commit "$TREE_COMMIT" --rounds "$ROUNDS"
