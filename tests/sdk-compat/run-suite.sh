#!/usr/bin/env bash
# SDK compatibility suite: the official Node SDKs (unmodified, pinned in package-lock.json) against a private instance
# of the hub: the service SDK `azure-iothub`, and the device SDK `azure-iot-device` with the MQTT transports of
# `azure-iot-device-mqtt` (Mqtt on 8883, MqttWs on 443).
#
#   tests/sdk-compat/run-suite.sh [test files...]     (default: every *.test.mjs here)
#
# 1. builds the solution (Release) when a service dll is missing or older than the sources
#    (SDK_COMPAT_BUILD=1 always builds, =0 never),
# 2. starts an isolated hub via run.sh: state in <repo>/.local/sdk-compat, its own PostgreSQL /
#    RabbitMQ / service ports, the gateway on 443 (the SDKs only talk to 443 for HTTPS and wss) with
#    HostName=localhost, and the device gateway's MQTT on 8883 (the device SDK's Mqtt transport dials 8883 when the
#    host name carries no port: the devices' connection strings then need nothing but HostName=localhost),
# 3. `npm ci` (in parallel with 2), then `node --test` with IOTHUB_CONNECTION_STRING, HUB_MQTT_PORT and
#    NODE_EXTRA_CA_CERTS taken from the instance's hub.env,
# 4. stops the instance (also on failure or Ctrl-C),
# 5. prints as its last line "N passed, N failed" and exits non-zero when anything failed.
#
# Ports (environment, optional): SDK_COMPAT_PG_PORT (55462), SDK_COMPAT_RABBITMQ_PORT (55702),
# SDK_COMPAT_RABBITMQ_DIST_PORT (55703), SDK_COMPAT_EPMD_PORT (55704), SDK_COMPAT_PORT_OFFSET
# (300: jobs-api 5401, scheduler 5402, executors 5403/5404, device-sim 5405, device-gateway 5406),
# SDK_COMPAT_MQTT_PORT (8883; another port makes the Mqtt specs write HostName=localhost:<port>, which the SDK also
# supports). The gateway port is always 443: the unmodified SDKs cannot reach another one for HTTPS and wss.
# Needs root (or CAP_NET_BIND_SERVICE).
# Logs: .local/sdk-compat/logs (services, npm-ci.log, node-test.tap).
set -uo pipefail

SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SUITE_DIR/../.." && pwd)"
export IOTHUB_LOCAL_DIR="$REPO/.local/sdk-compat"
export IOTHUB_PG_PORT="${SDK_COMPAT_PG_PORT:-55462}"
export IOTHUB_RABBITMQ_PORT="${SDK_COMPAT_RABBITMQ_PORT:-55702}"
export IOTHUB_RABBITMQ_DIST_PORT="${SDK_COMPAT_RABBITMQ_DIST_PORT:-55703}"
export IOTHUB_EPMD_PORT="${SDK_COMPAT_EPMD_PORT:-55704}"
export IOTHUB_PORT_OFFSET="${SDK_COMPAT_PORT_OFFSET:-300}"
export IOTHUB_PG_FAST=1
export HUB_HTTPS_PORT=443
export HUB_MQTT_PORT="${SDK_COMPAT_MQTT_PORT:-8883}"
unset IOTHUB_JOBS_API_PORT IOTHUB_SCHEDULER_PORT IOTHUB_EXECUTOR_PORT IOTHUB_EXECUTOR2_PORT \
      IOTHUB_DEVICE_SIM_PORT IOTHUB_EXECUTOR_EXTRA_PORT_BASE
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

LOG_DIR="$IOTHUB_LOCAL_DIR/logs"
TAP_FILE="$LOG_DIR/node-test.tap"
mkdir -p "$LOG_DIR"

log() { printf '[%s] sdk-compat: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

PASSED=0 FAILED=0 STARTED=0 NPM_PID=""
SUMMARY_PRINTED=0
summary() { SUMMARY_PRINTED=1; echo; echo "$PASSED passed, $FAILED failed"; }

stop_hub() {
  if [ "$STARTED" = 1 ]; then
    STARTED=0
    log "stopping the suite's hub ($IOTHUB_LOCAL_DIR)"
    "$REPO/run.sh" stop >"$LOG_DIR/run-stop.log" 2>&1 || log "warning: run.sh stop failed (see $LOG_DIR/run-stop.log)"
  fi
}
on_exit() {
  local rc=$?
  trap - EXIT
  [ -z "$NPM_PID" ] || kill "$NPM_PID" 2>/dev/null || true
  stop_hub
  if [ "$SUMMARY_PRINTED" = 0 ]; then
    # an early failure (hub did not start, npm ci failed, interrupted): one failure
    FAILED=$((FAILED + 1))
    summary
    [ "$rc" != 0 ] || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { log "ERROR: $*"; exit 1; }

# One run at a time: runs share the state folder, the ports and 443 (the daemons close this fd).
exec 8>"$REPO/.local/sdk-compat.lock"
if ! flock -n 8; then
  log "another run-suite.sh is running; waiting for it to finish"
  flock -w "${SDK_COMPAT_LOCK_TIMEOUT:-1800}" 8 || fail "gave up waiting for the other run-suite.sh"
fi

command -v node >/dev/null 2>&1 || fail "node is not installed (Node >= 20 needed)"
command -v npm >/dev/null 2>&1 || fail "npm is not installed"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node >= 20 needed (found $(node --version))"

# ------------------------------------------------------------------ npm ci (in the background)
log "npm ci (log: $LOG_DIR/npm-ci.log)"
( cd "$SUITE_DIR" && exec npm ci --no-audit --no-fund >"$LOG_DIR/npm-ci.log" 2>&1 ) &
NPM_PID=$!

# ------------------------------------------------------------------ build when needed
DLLS=(services/jobs-api/bin/Release/net10.0/JobsApi.dll services/scheduler/bin/Release/net10.0/Scheduler.dll
      services/executor/bin/Release/net10.0/Executor.dll services/device-sim/bin/Release/net10.0/DeviceSim.dll
      services/device-gateway/bin/Release/net10.0/DeviceGateway.dll gateway/bin/Release/net10.0/Gateway.dll)
needs_build() {
  local d oldest=""
  for d in "${DLLS[@]}"; do
    [ -f "$REPO/$d" ] || return 0
    if [ -z "$oldest" ] || [ "$REPO/$d" -ot "$oldest" ]; then oldest="$REPO/$d"; fi
  done
  # any source newer than the oldest service dll
  [ -n "$(cd "$REPO" && find gateway services libs Directory.Build.props Directory.Packages.props \
            \( -name bin -o -name obj \) -prune -o \
            \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name 'appsettings*.json' \) \
            -newer "$oldest" -print -quit 2>/dev/null)" ]
}
case "${SDK_COMPAT_BUILD:-auto}" in
  1) DO_BUILD=1 ;;
  0) DO_BUILD=0 ;;
  *) if needs_build; then DO_BUILD=1; else DO_BUILD=0; fi ;;
esac
if [ "$DO_BUILD" = 1 ]; then
  command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not installed"
  log "dotnet build Microservices.sln -c Release (log: $LOG_DIR/build.log)"
  if ! (cd "$REPO" && dotnet build Microservices.sln -c Release -nologo -v minimal >"$LOG_DIR/build.log" 2>&1); then
    grep -E ' error ' "$LOG_DIR/build.log" | sort -u | tail -n 20 >&2
    fail "build failed (log: $LOG_DIR/build.log)"
  fi
else
  log "service binaries are up to date: not building"
fi

# ------------------------------------------------------------------ the hub, on 443
# leftovers of an interrupted earlier run of this suite (only this state folder is touched)
"$REPO/run.sh" stop >"$LOG_DIR/run-stop.log" 2>&1 || true

if (exec 3<>/dev/tcp/127.0.0.1/443) 2>/dev/null; then
  fail "port 443 is already in use (by: $(ss -ltnpH 'sport = :443' 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1)). \
The unmodified SDK only talks to port 443: stop whatever listens there and run again."
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$HUB_MQTT_PORT") 2>/dev/null; then
  fail "port $HUB_MQTT_PORT (MQTT for devices) is already in use (by: $(ss -ltnpH "sport = :$HUB_MQTT_PORT" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1)). \
Stop whatever listens there, or move the suite's MQTT port with SDK_COMPAT_MQTT_PORT."
fi
if [ "$(id -u)" != 0 ]; then
  log "warning: not root; the gateway can listen on 443 only with CAP_NET_BIND_SERVICE or net.ipv4.ip_unprivileged_port_start<=443"
fi

log "starting the hub (state: $IOTHUB_LOCAL_DIR, gateway https://localhost:443, MQTT $HUB_MQTT_PORT; log: $LOG_DIR/run.log)"
STARTED=1
if ! "$REPO/run.sh" --detach --no-build >"$LOG_DIR/run.log" 2>&1; then
  tail -n 60 "$LOG_DIR/run.log" >&2
  fail "the hub did not start (log: $LOG_DIR/run.log)"
fi

HUB_ENV="$IOTHUB_LOCAL_DIR/hub.env"
[ -s "$HUB_ENV" ] || fail "$HUB_ENV was not written"
IOTHUB_CONNECTION_STRING="$(sed -n 's/^IOTHUB_CONNECTION_STRING=//p' "$HUB_ENV")"
HUB_CA_CERT="$(sed -n 's/^HUB_CA_CERT=//p' "$HUB_ENV")"
# the SDK puts HostName verbatim into the TLS host: no ":443" (it would resolve "localhost:443")
IOTHUB_CONNECTION_STRING="$(printf '%s' "$IOTHUB_CONNECTION_STRING" | sed -E 's/(^|;)HostName=([^;:]+):443(;|$)/\1HostName=\2\3/')"
case "$IOTHUB_CONNECTION_STRING" in
  HostName=localhost\;*|*\;HostName=localhost\;*) ;;
  *) fail "unexpected connection string host in $HUB_ENV (want HostName=localhost)" ;;
esac
case "$HUB_CA_CERT" in /*) ;; *) HUB_CA_CERT="$REPO/$HUB_CA_CERT" ;; esac
[ -s "$HUB_CA_CERT" ] || fail "CA certificate $HUB_CA_CERT not found"
HUB_MQTT_PORT="$(sed -n 's/^HUB_MQTT_PORT=//p' "$HUB_ENV")"
[ -n "$HUB_MQTT_PORT" ] || fail "$HUB_ENV names no HUB_MQTT_PORT"
export IOTHUB_CONNECTION_STRING HUB_MQTT_PORT NODE_EXTRA_CA_CERTS="$HUB_CA_CERT"
unset NODE_TLS_REJECT_UNAUTHORIZED

# ------------------------------------------------------------------ tests
if ! wait "$NPM_PID"; then
  NPM_PID=""
  tail -n 30 "$LOG_DIR/npm-ci.log" >&2
  fail "npm ci failed (log: $LOG_DIR/npm-ci.log)"
fi
NPM_PID=""

cd "$SUITE_DIR"
if [ "$#" -gt 0 ]; then FILES=("$@"); else mapfile -t FILES < <(ls ./*.test.mjs | sort); fi
log "node --test ${FILES[*]}"
rm -f "$TAP_FILE"
node --test --test-concurrency="${SDK_COMPAT_CONCURRENCY:-4}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$TAP_FILE" \
  "${FILES[@]}"
rc=$?

# the TAP summary at the end of the file: "# pass N", "# fail N", "# cancelled N"
count() { local v; v="$(grep -E "^# $1 [0-9]+$" "$TAP_FILE" 2>/dev/null | tail -n 1 | awk '{print $3}')"; echo "${v:-0}"; }
if grep -qE '^# pass [0-9]+$' "$TAP_FILE" 2>/dev/null; then
  PASSED="$(count pass)"
  FAILED=$(( $(count fail) + $(count cancelled) ))
  if [ "$rc" != 0 ] && [ "$FAILED" = 0 ]; then FAILED=1; log "node --test exited $rc without a failed test: counted as 1 failure"; fi
else
  log "no TAP summary from node --test (exit $rc): counted as 1 failure"
  FAILED=1
fi

stop_hub
summary
[ "$FAILED" = 0 ]
