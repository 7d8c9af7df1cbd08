#!/usr/bin/env bash
# Run the whole hub on this machine without a Docker engine:
# private PostgreSQL + RabbitMQ (from the OS packages, installed when missing) under .local/,
# then gateway, jobs-api, scheduler, executors, device-sim and device-gateway as processes.
#
#   ./run.sh                 build, start, wait until healthy, run until Ctrl-C (stops it all)
#   ./run.sh --detach        same, but return once healthy and leave it running
#   ./run.sh --no-build      skip `dotnet build`
#   ./run.sh --compiled      run the services precompiled (scripts/compile.sh, after the build): a service's first
#                            jobs after a start run as fast as later ones; compiling them the first time takes about
#                            10 minutes on two cores, then seconds for a service that did not change
#   ./run.sh --executors K   start K executors (default 2)
#   ./run.sh --rabbitmq-nodes N  a RabbitMQ cluster of N nodes on this machine (default 1; 3 tolerates one lost node)
#   ./run.sh --pg-standby    a PostgreSQL standby with synchronous commit; the services follow a failover to it
#   ./run.sh stop            stop what a previous ./run.sh started (by pid files / data folders)
#
# HUB_WEBHOOK_ALLOWED_HOSTS=host1,10.0.0.5 lets webhooks reach receivers inside your network.
#
# State lives in $IOTHUB_LOCAL_DIR (default .local/): pg/, rabbitmq/, logs/, pids/, secrets/, jit-profiles/{compiled,everyday}/,
# certs/, hub.env. A second isolated instance: set IOTHUB_LOCAL_DIR and IOTHUB_PORT_OFFSET (or
# the single port variables listed in scripts/infra.sh and scripts/services.sh).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
IOTHUB_REPO_ROOT="$(pwd)"
# shellcheck source=scripts/infra.sh
. scripts/infra.sh
# shellcheck source=scripts/services.sh
. scripts/services.sh

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

ACTION=run DETACH=0 BUILD=1 EXECUTORS=2
while [ $# -gt 0 ]; do
  case "$1" in
    stop) ACTION=stop ;;
    --detach|-d) DETACH=1 ;;
    --no-build) BUILD=0 ;;
    --compiled) IOTHUB_COMPILED=1; export IOTHUB_COMPILED ;;
    --executors) shift; EXECUTORS="${1:-}" ;;
    --executors=*) EXECUTORS="${1#*=}" ;;
    --rabbitmq-nodes) shift; IOTHUB_RABBITMQ_NODES="${1:-}"; export IOTHUB_RABBITMQ_NODES ;;
    --rabbitmq-nodes=*) IOTHUB_RABBITMQ_NODES="${1#*=}"; export IOTHUB_RABBITMQ_NODES ;;
    --pg-standby) IOTHUB_PG_STANDBY=1; export IOTHUB_PG_STANDBY ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ "$EXECUTORS" =~ ^[1-9][0-9]*$ ]] || { echo "--executors needs a number >= 1" >&2; exit 2; }
[[ "${IOTHUB_RABBITMQ_NODES:-1}" =~ ^[1-9]$ ]] || { echo "--rabbitmq-nodes needs a number from 1 to 9" >&2; exit 2; }

infra_init
services_init

stop_all() {
  stop_services
  stop_rabbitmq
  stop_postgres
}

if [ "$ACTION" = stop ]; then
  stop_all
  log "stopped"
  exit 0
fi

# refuse to start a second copy over a running one (its pid files would be overwritten)
for f in "$PID_DIR"/*.pid; do
  [ -e "$f" ] || continue
  if service_pid "$(basename "$f" .pid)" >/dev/null; then
    die "the hub in $IOTHUB_LOCAL_DIR is already running ($(basename "$f" .pid)); ./run.sh stop first"
  fi
  rm -f "$f"
done

# From here on any failure, Ctrl-C or TERM stops everything that was started.
CLEANUP=1
STARTED_SERVICES=()
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$CLEANUP" = 1 ]; then
    [ "$rc" = 0 ] || [ "$rc" -ge 128 ] || log "start-up failed; stopping what was started"
    stop_all || true
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_packages

BUILD_PID=""
if [ "$BUILD" = 1 ]; then
  log "building (dotnet build Microservices.sln -c Release; log: $LOG_DIR/build.log)"
  [ "${IOTHUB_COMPILED:-0}" != 1 ] || log "and compiling the services ahead of time (scripts/compile.sh; same log)"
  ( dotnet build Microservices.sln -c Release -nologo -v minimal >"$LOG_DIR/build.log" 2>&1 \
      && if [ "${IOTHUB_COMPILED:-0}" = 1 ]; then scripts/compile.sh >>"$LOG_DIR/build.log" 2>&1; fi ) &
  BUILD_PID=$!
fi

start_postgres
start_rabbitmq
ensure_key_folders

if [ -n "$BUILD_PID" ]; then
  if ! wait "$BUILD_PID"; then
    grep -E 'error|Error' "$LOG_DIR/build.log" | sort -u | tail -n 30 >&2 || true
    tail -n 5 "$LOG_DIR/build.log" >&2
    die "build failed (full log: $LOG_DIR/build.log)"
  fi
  log "build succeeded"
fi

# jobs-api first: it owns the document store schema; letting it create the schema alone avoids
# concurrent schema migrations from several processes on an empty database.
# HUB_WEBHOOK_ALLOWED_HOSTS: comma-separated webhook receivers inside your network that may be
# subscribed anyway, also over http (docs/events.md, "Safety"); empty allows none.
# DOTNET_GCgen0size: jobs-api's first GC generation is 32 MB, not the few MB the runtime sizes from the CPU's cache: a
# batch of 1,000 devices' reports or results stays alive across its database round trip, and with the small budget
# nearly every collection promoted it (jobs-api spent about half again as much CPU in a twin job). 64 MB, or the same
# for every service, raised peaks at a million devices (docs/benchmarks.md, "A first generation the size of a chunk").
# The runtime reads it only from the environment; jobs-api's Dockerfile sets the same.
start_service jobs-api "$DLL_JOBS_API" "$IOTHUB_JOBS_API_PORT" \
  "DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x2000000}" \
  "ASPNETCORE_URLS=http://127.0.0.1:$IOTHUB_JOBS_API_PORT" \
  "Webhooks__AllowedHosts=${HUB_WEBHOOK_ALLOWED_HOSTS:-}"
wait_healthy "jobs-api:$IOTHUB_JOBS_API_PORT"

HEALTH=()
start_service scheduler "$DLL_SCHEDULER" "$IOTHUB_SCHEDULER_PORT" \
  "ASPNETCORE_URLS=http://127.0.0.1:$IOTHUB_SCHEDULER_PORT"
HEALTH+=("scheduler:$IOTHUB_SCHEDULER_PORT")
for i in $(seq 1 "$EXECUTORS"); do
  p="$(executor_port "$i")"
  start_service "executor-$i" "$DLL_EXECUTOR" "$p" \
    "ASPNETCORE_URLS=http://127.0.0.1:$p" "Executor__InstanceId=executor-$i"
  HEALTH+=("executor-$i:$p")
done
start_service device-sim "$DLL_DEVICE_SIM" "$IOTHUB_DEVICE_SIM_PORT" \
  "ASPNETCORE_URLS=http://127.0.0.1:$IOTHUB_DEVICE_SIM_PORT"
HEALTH+=("device-sim:$IOTHUB_DEVICE_SIM_PORT")
# An older build (IOTHUB_BUILD_ROOT, ./bench.sh --compare) may predate the device gateway: it then runs without one.
if [ -n "${IOTHUB_BUILD_ROOT:-}" ] && [ ! -f "$DLL_DEVICE_GATEWAY" ]; then
  log "no device-gateway in $IOTHUB_BUILD_ROOT: starting without it"
else
  if port_in_use "$HUB_MQTT_PORT"; then die "device-gateway: MQTT port $HUB_MQTT_PORT is already in use by another program"; fi
  start_service device-gateway "$DLL_DEVICE_GATEWAY" "$IOTHUB_DEVICE_GATEWAY_PORT" \
    "ASPNETCORE_URLS=http://127.0.0.1:$IOTHUB_DEVICE_GATEWAY_PORT" \
    "DeviceGateway__MqttPort=$HUB_MQTT_PORT" \
    "DeviceGateway__InstanceId=device-gateway-1" \
    "DeviceGateway__CertificateDirectory=$CERT_DIR" \
    "IotHub__HostName=localhost" \
    "IotHub__PoliciesFile=$POLICIES_FILE"
  HEALTH+=("device-gateway:$IOTHUB_DEVICE_GATEWAY_PORT")
fi
start_service gateway "$DLL_GATEWAY" "$HUB_HTTPS_PORT" \
  "ASPNETCORE_URLS=https://0.0.0.0:$HUB_HTTPS_PORT" \
  "IotHub__HostName=localhost" \
  "IotHub__PoliciesFile=$POLICIES_FILE" \
  "Gateway__CertificateDirectory=$CERT_DIR" \
  "ReverseProxy__Clusters__jobs-api__Destinations__primary__Address=http://127.0.0.1:$IOTHUB_JOBS_API_PORT/" \
  "ReverseProxy__Clusters__device-gateway__Destinations__primary__Address=http://127.0.0.1:$IOTHUB_DEVICE_GATEWAY_PORT/"
HEALTH+=("gateway:$HUB_HTTPS_PORT")
wait_healthy "${HEALTH[@]}"

write_hub_env
write_cli_launcher

cat <<EOF

IoT hub is running.
  Hub URL:            https://localhost:$HUB_HTTPS_PORT   (CA certificate: $CA_PATH)
  Devices (MQTT):     mqtts://localhost:$HUB_MQTT_PORT, wss://localhost:$HUB_HTTPS_PORT/\$iothub/websocket
  Connection string:  $(shown_connection_string)
  Dashboard:          https://localhost:$HUB_HTTPS_PORT/dashboard/   (sign in with the connection string)
  Settings written to $IOTHUB_LOCAL_DIR/hub.env; logs in $LOG_DIR
EOF
if [ -n "$CLI_LAUNCHER" ]; then
  cat <<EOF
  Command line:       $CLI_LAUNCHER   (put it on PATH: export PATH="$(dirname "$CLI_LAUNCHER"):\$PATH", then iotjobs --help)
EOF
fi

if [ "$DETACH" = 1 ]; then
  CLEANUP=0
  echo "  Stop it with: ./run.sh stop"
  exit 0
fi

echo "  Press Ctrl-C to stop everything."
declare -A REPORTED=()
while true; do
  for name in "${STARTED_SERVICES[@]}"; do
    if [ -z "${REPORTED[$name]:-}" ] && ! service_pid "$name" >/dev/null; then
      log "warning: $name has exited; last lines of $LOG_DIR/$name.log:"
      tail -n 20 "$LOG_DIR/$name.log" >&2 || true
      REPORTED[$name]=1
    fi
  done
  sleep 2 &
  wait $! || true
done
