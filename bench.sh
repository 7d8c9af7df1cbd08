#!/usr/bin/env bash
# Throughput benchmark: one job over N simulated devices, every service a separate process.
#
#   ./bench.sh --devices N --job method|twin [--executors K] [--no-build] [--keep]
#   ./bench.sh --creations N [--no-build] [--keep]     a burst of N job creations instead (see below)
#
# Starts an isolated hub the way ./run.sh does (state in .local/bench, ports shifted by 500, a fresh database
# each run), creates N devices through the public bulk API, runs one job over all of them to completion,
# checks that the statistics, the per-device records and (method jobs) the device invocations are exact, and
# prints as its last line one JSON object:
#   {"job":..,"devices":N,"executors":K,"seconds":S,"deviceOpsPerSecond":R,"firstDispatchMs":F,"peakRssMb":{..},"exact":true}
# seconds = job startTime → endTime; firstDispatchMs = startTime → first device command leaving the scheduler.
# --creations N: N job PUTs, 32 in flight (a 429 waits Retry-After and is retried), on a query matching no device;
# proves every job recorded and finished and prints {"mode":"creations","jobs":N,"creationsPerSecond":..,
# "allFinishedSeconds":..,"peakRssMb":{..},"exact":true}.
# With --keep the hub stays up afterwards (stop it with IOTHUB_LOCAL_DIR=.local/bench ./run.sh stop).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

DEVICES="" JOB="" EXECUTORS=2 BUILD=1 KEEP=0 CREATIONS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) shift; DEVICES="${1:-}" ;;
    --job) shift; JOB="${1:-}" ;;
    --executors) shift; EXECUTORS="${1:-}" ;;
    --creations) shift; CREATIONS="${1:-}" ;;
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$CREATIONS" ]; then
  [[ "$CREATIONS" =~ ^[1-9][0-9]*$ ]] || { echo "--creations needs a number >= 1" >&2; exit 2; }
else
  [[ "$DEVICES" =~ ^[1-9][0-9]*$ ]] || { echo "--devices N is required" >&2; exit 2; }
  [[ "$JOB" =~ ^(method|twin)$ ]] || { echo "--job method|twin is required" >&2; exit 2; }
fi
[[ "$EXECUTORS" =~ ^[1-9][0-9]*$ ]] || { echo "--executors needs a number >= 1" >&2; exit 2; }

# Its own instance, whatever a caller (e.g. test.sh) exported for another one.
unset IOTHUB_PG_PORT IOTHUB_RABBITMQ_PORT IOTHUB_RABBITMQ_DIST_PORT IOTHUB_EPMD_PORT IOTHUB_RABBITMQ_VHOST \
      IOTHUB_JOBS_API_PORT IOTHUB_SCHEDULER_PORT IOTHUB_EXECUTOR_PORT IOTHUB_EXECUTOR2_PORT IOTHUB_DEVICE_SIM_PORT \
      IOTHUB_EXECUTOR_EXTRA_PORT_BASE HUB_HTTPS_PORT
export IOTHUB_LOCAL_DIR="${IOTHUB_BENCH_LOCAL_DIR:-$PWD/.local/bench}"
export IOTHUB_PORT_OFFSET="${IOTHUB_BENCH_PORT_OFFSET:-500}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "$BUILD" = 1 ]; then
  dotnet build Microservices.sln -c Release -v q -nologo >/dev/null
fi
./run.sh stop >/dev/null 2>&1 || true
rm -rf "$IOTHUB_LOCAL_DIR/pg"            # a fresh database: every run starts from an empty registry
cleanup() { [ "$KEEP" = 1 ] || ./run.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
./run.sh --detach --no-build --executors "$EXECUTORS" >&2

if [ -n "$CREATIONS" ]; then
  dotnet tests/Benchmark/bin/Release/net10.0/Benchmark.dll --hub-env "$IOTHUB_LOCAL_DIR/hub.env" \
    --creations "$CREATIONS" --pids "$IOTHUB_LOCAL_DIR/pids"
  exit $?
fi
PG="Host=127.0.0.1;Port=$(cat "$IOTHUB_LOCAL_DIR/pg/port");Database=iothub;Username=iothub;Password=$(cat "$IOTHUB_LOCAL_DIR/secrets/postgres.password")"
dotnet tests/Benchmark/bin/Release/net10.0/Benchmark.dll --hub-env "$IOTHUB_LOCAL_DIR/hub.env" --postgres "$PG" \
  --devices "$DEVICES" --job "$JOB" --executors "$EXECUTORS" --pids "$IOTHUB_LOCAL_DIR/pids"
