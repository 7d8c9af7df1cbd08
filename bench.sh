#!/usr/bin/env bash
# Throughput benchmark: one job over N devices — simulated, or real MQTT connections — every service a separate process.
#
#   ./bench.sh --devices N --job method|twin [--transport sim|mqtt|both] [--executors K] [--rate R] [--no-build] [--keep]
#   ./bench.sh --compare <git-ref> [--rounds R] --devices N --job method|twin [--executors K] [--no-build]
#   ./bench.sh --webhook --devices N --job method|twin [--rounds R] [--no-build]
#   ./bench.sh --creations N [--no-build] [--keep]     a burst of N job creations instead (see below)
#   ./bench.sh --latency N [--no-build] [--keep]       N one-device jobs one after another: interactive latency
#   any of them with --jit: the services' everyday build instead of the precompiled one (below)
#
# The services run precompiled, as ./run.sh --compiled runs them (scripts/compile.sh, after the build unless
# --no-build): without it, a fresh service spends about half of a 100,000-device job compiling its code
# (docs/benchmarks.md, "Precompiled services"). In --compare a REF without scripts/compile.sh runs its everyday build.
#
# Starts an isolated hub the way ./run.sh does (state in .local/bench, ports shifted by 500, a fresh database
# each run), creates N devices through the public bulk API, runs one job over all of them to completion,
# checks that the statistics, the per-device records and (method jobs) the device executions are exact, and
# prints as its last line one JSON object:
#   {"job":..,"devices":N,"executors":K,"seconds":S,"deviceOpsPerSecond":R,"firstDispatchMs":F,"peakRssMb":{..},
#    "exact":true,"cpuSecondsDuringJob":{..},"machineCpuSecondsDuringJob":{..},"loadAverage":{"start":[..],"end":[..]},..}
# seconds = job startTime → endTime; firstDispatchMs = startTime → first device command leaving the scheduler;
# getOfRunningJobMs = p50, p99, max and count of the tool's GETs of the job (every 250 ms) that found it running;
# loadAverage = /proc/loadavg (1, 5, 15 min) before the hub starts and after the run.
# Where the time goes, measured over the job's window (counters read just before the job's creation and after its end;
# PostgreSQL's after a 11 s reporting delay, so the devices' creation is not in the window and the job's last work is):
#   "perDeviceOp":{"cpuMs":{<process>:..},"sqlStatements":..,"commits":..,"rowsWritten":..,"walBytes":..,"messages":..,
#   "messagesReceived":..}, the window's totals in "duringJob", and "rowsWrittenPerDeviceOpByTable" (the 6 tables
#   written most). cpuMs: each process's CPU (as cpuSecondsDuringJob) ÷ devices. sqlStatements: pg_stat_statements calls
#   in the hub's database, transaction control (BEGIN/COMMIT/ROLLBACK) left out — bench.sh makes every hub's data folder
#   itself with the extension preloaded (IOTHUB_PG_STAT_STATEMENTS=1, scripts/infra.sh), so an older REF's hub counts
#   too; ./run.sh alone does not load it. commits, rowsWritten (inserted + updated + deleted): pg_stat_database.
#   walBytes: pg_current_wal_lsn() moved. messages / messagesReceived: the services' MassTransit counters (send
#   includes publish; receive) on each service's /metrics, found through the ports its process listens on. All are
#   read from outside the services, so they work for any commit's hub; background work during the window counts too.
# The physical floor, measured right after the job on the same hub's PostgreSQL and RabbitMQ:
#   "floor":{"pgRows":N,"pgInsertSeconds":..,"pgUpdateSeconds":..,"pgRowsPerSecond":..,"jobShareOfPgFloor":..,
#   "busMessages":20000,"busSeconds":..,"busMessagesPerSecond":..,"jobShareOfBusFloor":..,"busFloorUsedByJob":..}
#   pgRowsPerSecond: N ledger-shaped rows (tests/Benchmark/PostgresFloor.cs) inserted, then updated, in unnest batches of
#   500 with a commit each, one connection, a scratch table: N ÷ (insert + update seconds). busMessagesPerSecond: a
#   MassTransit bus inside the Benchmark tool publishing 20,000 small messages (100 in flight) to a scratch queue on the
#   hub's broker and consuming them. jobShareOf…Floor: deviceOpsPerSecond ÷ that floor; busFloorUsedByJob: the job's
#   messages per second ÷ busMessagesPerSecond.
# --transport (default sim): who answers for the devices. sim: device-sim. mqtt: N real device connections held by the
# device gateway — a load-generator process (tests/DeviceLoad) opens them with MQTTnet clients, each over TLS with its own
# SAS token; the devices answer methods at once and report desired changes back; the line adds connectSeconds, the
# device endpoint's peak RSS, the load generator's, and what the devices saw (docs/benchmarks.md, "Real devices").
# both: sim, then mqtt, each on a fresh hub, then a last line {"mode":"transports","simOpsPerSecond":..,
# "mqttOpsPerSecond":..,"ratio":mqtt/sim,"allExact":..,"runs":[..]}.
# --compare REF: absolute rates on a shared machine move up to 3x from day to day, so a claim of improvement is a
# ratio measured in one sitting. Builds REF in a temporary git worktree (.local/bench-compare/ref-src, removed
# afterwards), then runs the same benchmark alternately for REF and for this working tree — ref, tree, tree, ref, …,
# R rounds (default 2) — each side on its own ports (offsets 600 / 700) and state folder, REF's services started by
# REF's own run.sh, both measured by this working tree's tests/Benchmark. Prints each run's JSON line (with "side"
# and "commit") as it finishes and as its last line {"compare":REF,"refCommit":..,"treeCommit":..,
# "refMedianOpsPerSecond":..,"treeMedianOpsPerSecond":..,"ratio":tree/ref,"perDeviceOp":{"ref":{medians},"tree":{..}},
# "floor":{"ref":{medians},"tree":{..}},"allExact":..,"runs":[..]}.
# --webhook: do live webhooks scale? The same job without and with a webhook subscribed to its per-device outcomes
# (deviceJob.*), alternately — without, with, with, without, … R rounds (default 2) — each on a fresh hub started with
# HUB_WEBHOOK_ALLOWED_HOSTS=127.0.0.1. The subscriber is a plain-HTTP receiver in the Benchmark process on a free loopback
# port (PUT /webhooks/bench before the job): it verifies every signature as docs/events.md says, counts POSTs, batches,
# events, unique device outcomes, duplicate ids and events out of order per job. A run with it is exact only when all N
# outcomes arrived (waited for up to 15 minutes after the job ended). Each run's line (with "side": "without"/"with",
# and "webhook":{..}), then {"mode":"webhook","withoutMedianOpsPerSecond":..,"withMedianOpsPerSecond":..,
# "ratio":with/without,"allExact":..,"webhook":{"uniqueDeviceOutcomes":..,"duplicates":..,"batches":..,"badSignatures":..,
# "allDeliveredSeconds":.. (job endTime → last outcome received)},"runs":[..]} (docs/benchmarks.md, "Webhooks at scale").
# --creations N: N job PUTs, 32 in flight (a 429 waits Retry-After and is retried), on a query matching no device;
# proves every job recorded and finished and prints {"mode":"creations","jobs":N,"creationsPerSecond":..,
# "allFinishedSeconds":..,"peakRssMb":{..},"exact":true}.
# --latency N: N one-device method jobs one after another (startTime now, a simulated device that answers at once),
# each timed from its PUT to the device's execution and to the first GET showing completed (polled every 10 ms);
# prints {"mode":"latency","jobs":N,"putToExecutionMs":{"p50":..,"p99":..,"max":..},"putToCompletedMs":{..},"exact":..,
# "servicesCode":..,"jitProfilesAtStart":..}.
# --rate R: the job is a rollout with maximumPerMinute R (docs/rollouts.md); the line adds "rate": the requested rate,
# the achieved devices per minute (from each device job's claim time), the count of every full minute since the first
# claim, and whether each full minute stayed within 5% of R. E.g. ./bench.sh --devices 3000 --job method --rate 1200.
# With --keep the hub stays up afterwards (stop it with IOTHUB_LOCAL_DIR=.local/bench ./run.sh stop).
# Another state folder or port offset: IOTHUB_BENCH_LOCAL_DIR, IOTHUB_BENCH_PORT_OFFSET; for --compare
# IOTHUB_BENCH_COMPARE_DIR, IOTHUB_BENCH_REF_PORT_OFFSET, IOTHUB_BENCH_TREE_PORT_OFFSET.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

DEVICES="" JOB="" EXECUTORS=2 BUILD=1 COMPILED=1 KEEP=0 CREATIONS="" LATENCY="" COMPARE="" ROUNDS=2 TRANSPORT=sim RATE="" WEBHOOK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) shift; DEVICES="${1:-}" ;;
    --job) shift; JOB="${1:-}" ;;
    --executors) shift; EXECUTORS="${1:-}" ;;
    --transport) shift; TRANSPORT="${1:-}" ;;
    --creations) shift; CREATIONS="${1:-}" ;;
    --latency) shift; LATENCY="${1:-}" ;;
    --compare) shift; COMPARE="${1:-}" ;;
    --rounds) shift; ROUNDS="${1:-}" ;;
    --rate) shift; RATE="${1:-}" ;;
    --webhook) WEBHOOK=1 ;;
    --no-build) BUILD=0 ;;
    --jit) COMPILED=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,77p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$LATENCY" ]; then
  [[ "$LATENCY" =~ ^[1-9][0-9]*$ ]] || { echo "--latency needs a number >= 1" >&2; exit 2; }
  [ -z "$COMPARE$CREATIONS" ] || { echo "--latency goes alone (not with --compare or --creations)" >&2; exit 2; }
elif [ -n "$CREATIONS" ]; then
  [[ "$CREATIONS" =~ ^[1-9][0-9]*$ ]] || { echo "--creations needs a number >= 1" >&2; exit 2; }
  [ -z "$COMPARE" ] || { echo "--compare measures fleet jobs (--devices, --job), not --creations" >&2; exit 2; }
else
  [[ "$DEVICES" =~ ^[1-9][0-9]*$ ]] || { echo "--devices N is required" >&2; exit 2; }
  [[ "$JOB" =~ ^(method|twin)$ ]] || { echo "--job method|twin is required" >&2; exit 2; }
fi
[[ "$EXECUTORS" =~ ^[1-9][0-9]*$ ]] || { echo "--executors needs a number >= 1" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a number >= 1" >&2; exit 2; }
if [ -n "$RATE" ]; then
  [[ "$RATE" =~ ^[1-9][0-9]*$ ]] && [ "$RATE" -le 100000 ] || { echo "--rate needs a number of devices a minute from 1 to 100000" >&2; exit 2; }
  [ -z "$CREATIONS" ] || { echo "--rate paces a fleet job (--devices, --job), not --creations" >&2; exit 2; }
  [ -z "$COMPARE" ] || { echo "--rate does not go with --compare (a paced job's time is the rate's, not the system's)" >&2; exit 2; }
fi
if [ "$WEBHOOK" = 1 ]; then
  [ -z "$COMPARE$CREATIONS$LATENCY$RATE" ] && [ "$TRANSPORT" != both ] && [ "$KEEP" = 0 ] \
    || { echo "--webhook goes with --devices, --job, --rounds, --executors, --transport sim|mqtt and --no-build only" >&2; exit 2; }
fi
if [ -n "$COMPARE" ] && [ "$KEEP" = 1 ]; then echo "--keep does not go with --compare" >&2; exit 2; fi
[[ "$TRANSPORT" =~ ^(sim|mqtt|both)$ ]] || { echo "--transport must be sim, mqtt or both" >&2; exit 2; }
if [ "$TRANSPORT" = both ] && [ -n "$COMPARE" ]; then echo "--transport both does not go with --compare (give sim or mqtt)" >&2; exit 2; fi
if [ "$TRANSPORT" != sim ] && [ -n "$CREATIONS" ]; then echo "--transport does not go with --creations" >&2; exit 2; fi
# Real devices: the load generator and the device gateway each hold one socket per device, and a process cannot open
# more files than the hard limit (.NET raises its soft limit to it; docs/benchmarks.md, "Real devices").
if [ "$TRANSPORT" != sim ] && [ -n "$DEVICES" ] && [ "$(ulimit -Hn)" != unlimited ] && [ "$DEVICES" -gt $(( $(ulimit -Hn) - 1000 )) ]; then
  echo "--transport $TRANSPORT: $DEVICES connections do not fit the open-files limit of $(ulimit -Hn) per process" >&2; exit 2
fi

# Its own instance, whatever a caller (e.g. test.sh) exported for another one — and a durable PostgreSQL, as in
# production: test.sh exports IOTHUB_PG_FAST=1 (fsync off) for its own throw-away servers.
unset IOTHUB_PG_PORT IOTHUB_RABBITMQ_PORT IOTHUB_RABBITMQ_DIST_PORT IOTHUB_EPMD_PORT IOTHUB_RABBITMQ_VHOST \
      IOTHUB_JOBS_API_PORT IOTHUB_SCHEDULER_PORT IOTHUB_EXECUTOR_PORT IOTHUB_EXECUTOR2_PORT IOTHUB_DEVICE_SIM_PORT \
      IOTHUB_EXECUTOR_EXTRA_PORT_BASE HUB_HTTPS_PORT IOTHUB_DEVICE_GATEWAY_PORT HUB_MQTT_PORT \
      IOTHUB_PG_FAST IOTHUB_PG_STOP_MODE IOTHUB_RABBITMQ_PLUGINS IOTHUB_BUILD_CONFIGURATION IOTHUB_BUILD_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The services precompiled (scripts/compile.sh), so that a run measures the job rather than the first compiling of the
# services' code: a checkout whose run.sh knows IOTHUB_COMPILED runs them from its .local/compiled/; an older one
# ignores it and runs its everyday build. --jit: the everyday build (./run.sh without --compiled). Each run's JSON says
# which code its services ran ("servicesCode"), and how many instances started with a JIT profile
# ("jitProfilesAtStart", libs/ServiceDefaults/JitProfile.cs): the one their last stop left in the state folder or, in the
# first run in a folder of precompiled services, the one scripts/compile.sh recorded with the build (0 for a ref built
# before 4dfa002, or the everyday build: those start the first run in a folder with none).
export IOTHUB_COMPILED="$COMPILED"
BENCH_TOOL="$PWD/tests/Benchmark/bin/Release/net10.0/Benchmark.dll"   # this working tree's, for every side
DEVICE_LOAD="$PWD/tests/DeviceLoad/bin/Release/net10.0/DeviceLoad.dll" # the real devices' load generator

say() { printf '[%s] bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# start_fresh_hub ROOT: a hub started by checkout ROOT's run.sh (running the services of $IOTHUB_BUILD_ROOT when that
# is set) in $IOTHUB_LOCAL_DIR on ports shifted by $IOTHUB_PORT_OFFSET, on a fresh database (every run starts from an
# empty registry) and a fresh broker (no message of an earlier run; queues declared as this build declares them, e.g.
# quorum queues where an older build left classic ones). Records the load average just before, for the run's JSON.
# The data folder is made first by this tree's scripts/infra.sh with pg_stat_statements loaded, so that every
# hub, an older checkout's too, counts its SQL statements; its run.sh then finds the folder made and starts the server.
# The servers' ports lie in the kernel's ephemeral range (32768-60999), so another program's connection can hold one
# (seen in test.sh's smoke: RabbitMQ's listener refused with eaddrinuse for half a minute). The instance is fresh and
# its ports are found from its files, so a hub that did not start tries once more on ports shifted by 50.
start_fresh_hub() {
  start_hub_once "$1" && return 0
  say "the hub did not start on ports offset by $IOTHUB_PORT_OFFSET; trying once more, offset by $((IOTHUB_PORT_OFFSET + 50))"
  export IOTHUB_PORT_OFFSET=$((IOTHUB_PORT_OFFSET + 50))
  start_hub_once "$1"
}

start_hub_once() {
  local root="$1"
  "$root/run.sh" stop >/dev/null 2>&1 || true
  rm -rf "$IOTHUB_LOCAL_DIR/pg" "$IOTHUB_LOCAL_DIR"/rabbitmq*
  ( . "$PWD/scripts/infra.sh" && infra_init && IOTHUB_PG_STAT_STATEMENTS=1 init_postgres_data ) || return 1
  LOAD_AT_START="$(cat /proc/loadavg)"
  "$root/run.sh" --detach --no-build --executors "$EXECUTORS" || return 1
  ( . "$PWD/scripts/infra.sh" && infra_init && PG_BIN="$(pg_bindir)" \
      && pg_super -d iothub -c 'create extension if not exists pg_stat_statements' )
}

# measure_fleet TRANSPORT [labels...]: this working tree's Benchmark tool against the hub in $IOTHUB_LOCAL_DIR, the devices
# answered by device-sim (sim) or by the load generator's real connections (mqtt); one JSON line.
measure_fleet() {
  local pg rabbitmq transport="$1"; shift
  pg="Host=127.0.0.1;Port=$(cat "$IOTHUB_LOCAL_DIR/pg/port");Database=iothub;Username=iothub;Password=$(cat "$IOTHUB_LOCAL_DIR/secrets/postgres.password")"
  rabbitmq="amqp://iothub:$(cat "$IOTHUB_LOCAL_DIR/secrets/rabbitmq.password")@127.0.0.1:$(sed -n 's/^export RABBITMQ_NODE_PORT=//p' "$IOTHUB_LOCAL_DIR/rabbitmq/node.env")/iothub"
  dotnet "$BENCH_TOOL" --hub-env "$IOTHUB_LOCAL_DIR/hub.env" --postgres "$pg" --rabbitmq "$rabbitmq" --devices "$DEVICES" --job "$JOB" \
    --executors "$EXECUTORS" --instance "$IOTHUB_LOCAL_DIR" --load-at-start "$LOAD_AT_START" \
    --transport "$transport" --device-load "$DEVICE_LOAD" ${RATE:+--rate "$RATE"} "$@"
}

if [ "$BUILD" = 1 ]; then
  dotnet build Microservices.sln -c Release -v q -nologo >/dev/null
  if [ "$COMPILED" = 1 ]; then say "compiling the services ahead of time (scripts/compile.sh)"; scripts/compile.sh >/dev/null; fi
fi

# ------------------------------------------------------------------ one run (or a creation burst)
if [ -z "$COMPARE" ]; then
  export IOTHUB_LOCAL_DIR="${IOTHUB_BENCH_LOCAL_DIR:-$PWD/.local/bench}"
  export IOTHUB_PORT_OFFSET="${IOTHUB_BENCH_PORT_OFFSET:-500}"
  cleanup() { [ "$KEEP" = 1 ] || ./run.sh stop >/dev/null 2>&1 || true; }
  trap cleanup EXIT
  if [ -n "$LATENCY" ]; then
    start_fresh_hub "$PWD" >&2
    pg="Host=127.0.0.1;Port=$(cat "$IOTHUB_LOCAL_DIR/pg/port");Database=iothub;Username=iothub;Password=$(cat "$IOTHUB_LOCAL_DIR/secrets/postgres.password")"
    dotnet "$BENCH_TOOL" --hub-env "$IOTHUB_LOCAL_DIR/hub.env" --postgres "$pg" --latency "$LATENCY" --load-at-start "$LOAD_AT_START" \
      --pids "$IOTHUB_LOCAL_DIR/pids"
    exit $?
  fi
  if [ -n "$CREATIONS" ]; then
    start_fresh_hub "$PWD" >&2
    dotnet "$BENCH_TOOL" --hub-env "$IOTHUB_LOCAL_DIR/hub.env" --creations "$CREATIONS" --pids "$IOTHUB_LOCAL_DIR/pids"
    exit $?
  fi
  if [ "$WEBHOOK" = 1 ]; then
    # the subscriber listens on 127.0.0.1 over http; both sides run with the same setting, so only the subscription differs
    export HUB_WEBHOOK_ALLOWED_HOSTS=127.0.0.1
    RUNS="$IOTHUB_LOCAL_DIR/webhook.jsonl"
    mkdir -p "$IOTHUB_LOCAL_DIR"; : >"$RUNS"
    webhook_run() {   # webhook_run ROUND without|with
      local line rc=0
      say "--webhook round $1 of $ROUNDS: $2 a subscriber"
      start_fresh_hub "$PWD" >&2
      if [ "$2" = with ]; then line="$(measure_fleet "$TRANSPORT" --side with --webhook)" || rc=$?
      else line="$(measure_fleet "$TRANSPORT" --side without)" || rc=$?; fi
      ./run.sh stop >/dev/null 2>&1 || true
      [ -n "$line" ] || { say "the run $2 a subscriber printed no result (exit $rc)"; exit 1; }
      echo "$line" | tee -a "$RUNS"
    }
    # odd rounds without then with, even rounds with then without: neither side profits from its place
    for round in $(seq 1 "$ROUNDS"); do
      if [ $((round % 2)) = 1 ]; then webhook_run "$round" without; webhook_run "$round" with
      else webhook_run "$round" with; webhook_run "$round" without; fi
    done
    dotnet "$BENCH_TOOL" --summarize-webhook "$RUNS" --rounds "$ROUNDS"
    exit $?
  fi
  if [ "$TRANSPORT" != both ]; then
    start_fresh_hub "$PWD" >&2
    measure_fleet "$TRANSPORT"
    exit $?
  fi
  # both: the same job over simulated and over real devices, each on a fresh hub, one after the other
  RUNS="$IOTHUB_LOCAL_DIR/transports.jsonl" rc=0
  mkdir -p "$IOTHUB_LOCAL_DIR"; : >"$RUNS"
  for transport in sim mqtt; do
    say "--transport both: $transport"
    start_fresh_hub "$PWD" >&2
    line="$(measure_fleet "$transport")" || rc=$?
    [ -n "$line" ] || { say "the $transport run printed no result (exit $rc)"; exit 1; }
    echo "$line" | tee -a "$RUNS"
  done
  dotnet "$BENCH_TOOL" --summarize-transports "$RUNS"
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
# runs_precompiled CHECKOUT: whether that checkout's services run precompiled — unless --jit, where it has
# scripts/compile.sh (run after its build); an older checkout runs its everyday build.
runs_precompiled() { [ "$COMPILED" = 1 ] && [ -x "$1/scripts/compile.sh" ]; }
( cd "$REF_SRC" && dotnet build Microservices.sln -c Release -v q -nologo \
    && if runs_precompiled "$REF_SRC"; then scripts/compile.sh; fi ) >"$COMPARE_DIR/ref-build.log" 2>&1 \
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
  if runs_precompiled "$3"; then export IOTHUB_COMPILED=1; else export IOTHUB_COMPILED=0; fi
  mkdir -p "$IOTHUB_LOCAL_DIR"
  # an older run.sh prints the connection string, which holds a key: its output goes to an owner-only file
  (umask 077; : >"$IOTHUB_LOCAL_DIR/run.log")
  if ! start_fresh_hub "$starter" >>"$IOTHUB_LOCAL_DIR/run.log" 2>&1; then
    grep -v 'Connection string' "$IOTHUB_LOCAL_DIR/run.log" | tail -n 30 >&2
    say "the $side hub did not start"; exit 1
  fi
  line="$(measure_fleet "$TRANSPORT" --side "$side" --commit "$commit")" || rc=$?
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
