# shellcheck shell=bash
# Start / stop / health-check the hub's .NET services as plain processes.
# Sourced by run.sh after scripts/infra.sh (uses log, die, $LOG_DIR, $PID_DIR, ...).
#
# Ports (environment, optional; IOTHUB_PORT_OFFSET=N shifts every default by N):
#   IOTHUB_JOBS_API_PORT (5101)  IOTHUB_SCHEDULER_PORT (5102)  IOTHUB_EXECUTOR_PORT (5103)
#   IOTHUB_EXECUTOR2_PORT (5104) IOTHUB_DEVICE_SIM_PORT (5105) HUB_HTTPS_PORT (8443)
#   IOTHUB_DEVICE_GATEWAY_PORT (5106, its internal HTTP: health, metrics, WebSocket behind the gateway)
#   HUB_MQTT_PORT (8883: MQTT over TLS for devices)
#   IOTHUB_EXECUTOR_EXTRA_PORT_BASE (5110: executor-3 gets 5110, executor-4 5111, ...)
#   IOTHUB_START_TIMEOUT seconds to wait for /health/ready (default 240)
# Build output (optional):
#   IOTHUB_BUILD_ROOT    checkout whose Release build the services run from (default: this one). ./bench.sh --compare
#                        points it at an older commit whose own run.sh cannot start an isolated instance.
#   IOTHUB_COMPILED=1    run the precompiled services of that checkout's .local/compiled/ (scripts/compile.sh) instead

services_init() {
  local o="${IOTHUB_PORT_OFFSET:-0}"
  IOTHUB_JOBS_API_PORT="${IOTHUB_JOBS_API_PORT:-$((5101 + o))}"
  IOTHUB_SCHEDULER_PORT="${IOTHUB_SCHEDULER_PORT:-$((5102 + o))}"
  IOTHUB_EXECUTOR_PORT="${IOTHUB_EXECUTOR_PORT:-$((5103 + o))}"
  IOTHUB_EXECUTOR2_PORT="${IOTHUB_EXECUTOR2_PORT:-$((IOTHUB_EXECUTOR_PORT + 1))}"
  IOTHUB_DEVICE_SIM_PORT="${IOTHUB_DEVICE_SIM_PORT:-$((5105 + o))}"
  IOTHUB_DEVICE_GATEWAY_PORT="${IOTHUB_DEVICE_GATEWAY_PORT:-$((5106 + o))}"
  HUB_MQTT_PORT="${HUB_MQTT_PORT:-$((8883 + o))}"
  IOTHUB_EXECUTOR_EXTRA_PORT_BASE="${IOTHUB_EXECUTOR_EXTRA_PORT_BASE:-$((5110 + o))}"
  HUB_HTTPS_PORT="${HUB_HTTPS_PORT:-$((8443 + o))}"
  IOTHUB_START_TIMEOUT="${IOTHUB_START_TIMEOUT:-240}"
  CERT_DIR="$IOTHUB_LOCAL_DIR/certs"
  POLICIES_FILE="$SECRETS_DIR/policies.json"
  BIN_CFG="${IOTHUB_BUILD_CONFIGURATION:-Release}"
  local build_root="${IOTHUB_BUILD_ROOT:-$IOTHUB_REPO_ROOT}"
  if [ "${IOTHUB_COMPILED:-0}" = 1 ]; then
    local c="$build_root/.local/compiled"
    DLL_JOBS_API="$c/jobs-api/JobsApi.dll" DLL_SCHEDULER="$c/scheduler/Scheduler.dll" DLL_EXECUTOR="$c/executor/Executor.dll"
    DLL_DEVICE_SIM="$c/device-sim/DeviceSim.dll" DLL_DEVICE_GATEWAY="$c/device-gateway/DeviceGateway.dll" DLL_GATEWAY="$c/gateway/Gateway.dll"
    MISSING_BUILD_HINT="scripts/compile.sh first, or drop --no-build"
    JIT_PROFILE_DIR="$IOTHUB_LOCAL_DIR/jit-profiles/compiled" JIT_PROFILE_SEEDS="$c/jit-profiles"
    return
  fi
  JIT_PROFILE_DIR="$IOTHUB_LOCAL_DIR/jit-profiles/everyday" JIT_PROFILE_SEEDS=""
  DLL_JOBS_API="$build_root/services/jobs-api/bin/$BIN_CFG/net10.0/JobsApi.dll"
  DLL_SCHEDULER="$build_root/services/scheduler/bin/$BIN_CFG/net10.0/Scheduler.dll"
  DLL_EXECUTOR="$build_root/services/executor/bin/$BIN_CFG/net10.0/Executor.dll"
  DLL_DEVICE_SIM="$build_root/services/device-sim/bin/$BIN_CFG/net10.0/DeviceSim.dll"
  DLL_DEVICE_GATEWAY="$build_root/services/device-gateway/bin/$BIN_CFG/net10.0/DeviceGateway.dll"
  DLL_GATEWAY="$build_root/gateway/bin/$BIN_CFG/net10.0/Gateway.dll"
  MISSING_BUILD_HINT="build first, or drop --no-build"
}

executor_port() {
  local i="$1"
  case "$i" in
    1) echo "$IOTHUB_EXECUTOR_PORT" ;;
    2) echo "$IOTHUB_EXECUTOR2_PORT" ;;
    *) echo $((IOTHUB_EXECUTOR_EXTRA_PORT_BASE + i - 3)) ;;
  esac
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# policies.json: created once (random keys), mode 600 in a 700 folder, never printed.
ensure_policies() {
  [ -s "$POLICIES_FILE" ] && { chmod 600 "$POLICIES_FILE"; return 0; }
  local k=() i
  for i in $(seq 1 10); do k+=("$(openssl rand -base64 32)"); done
  log "creating $POLICIES_FILE (new random keys)"
  (umask 077; cat > "$POLICIES_FILE.tmp" <<EOF
{"policies":[
 {"name":"iothubowner","primaryKey":"${k[0]}","secondaryKey":"${k[1]}","rights":["RegistryRead","RegistryWrite","ServiceConnect","DeviceConnect"]},
 {"name":"service","primaryKey":"${k[2]}","secondaryKey":"${k[3]}","rights":["ServiceConnect"]},
 {"name":"device","primaryKey":"${k[4]}","secondaryKey":"${k[5]}","rights":["DeviceConnect"]},
 {"name":"registryRead","primaryKey":"${k[6]}","secondaryKey":"${k[7]}","rights":["RegistryRead"]},
 {"name":"registryReadWrite","primaryKey":"${k[8]}","secondaryKey":"${k[9]}","rights":["RegistryRead","RegistryWrite"]}]}
EOF
  )
  mv "$POLICIES_FILE.tmp" "$POLICIES_FILE"
  chmod 600 "$POLICIES_FILE"
}

# Where keys live at rest: the policies file (600) in secrets/ (700, made by infra_init) and the
# gateway's certificate folder (700; the gateway writes its private keys 600 into it).
ensure_key_folders() {
  ensure_policies
  mkdir -p "$CERT_DIR"
  chmod 700 "$CERT_DIR"
}

# hub.env (600): the owner connection string — it holds a key —, where to find the gateway's CA, and the MQTT port of devices.
# Sets CONN and CA_PATH for the caller's banner.
write_hub_env() {
  CA_PATH="$CERT_DIR/ca.pem"
  case "$CA_PATH" in "$IOTHUB_REPO_ROOT"/*) CA_PATH="${CA_PATH#"$IOTHUB_REPO_ROOT"/}" ;; esac
  CONN="HostName=localhost:$HUB_HTTPS_PORT;SharedAccessKeyName=iothubowner;SharedAccessKey=$(owner_key)"
  (umask 077; printf 'IOTHUB_CONNECTION_STRING=%s\nHUB_URL=%s\nHUB_CA_CERT=%s\nHUB_MQTT_PORT=%s\n' \
     "$CONN" "https://localhost:$HUB_HTTPS_PORT" "$CA_PATH" "$HUB_MQTT_PORT" > "$IOTHUB_LOCAL_DIR/hub.env.tmp")
  chmod 600 "$IOTHUB_LOCAL_DIR/hub.env.tmp"
  mv -f "$IOTHUB_LOCAL_DIR/hub.env.tmp" "$IOTHUB_LOCAL_DIR/hub.env"
}

# .local/bin/iotjobs: a launcher for the command line (cli/) of this checkout, bound to this instance's hub.env, so
# it works from any folder once .local/bin is on PATH. An explicit IOTJOBS_HUB_ENV or IOTHUB_CONNECTION_STRING wins.
# Sets CLI_LAUNCHER for the caller's banner (empty when the command line was not built).
write_cli_launcher() {
  CLI_LAUNCHER=""
  local dll="$IOTHUB_REPO_ROOT/cli/bin/$BIN_CFG/net10.0/iotjobs.dll"
  [ -f "$dll" ] || return 0
  mkdir -p "$IOTHUB_LOCAL_DIR/bin"
  CLI_LAUNCHER="$IOTHUB_LOCAL_DIR/bin/iotjobs"
  cat > "$CLI_LAUNCHER.tmp" <<EOF
#!/usr/bin/env bash
# Written by run.sh: the iotjobs command line of this checkout (cli/README.md).
export IOTJOBS_HUB_ENV="\${IOTJOBS_HUB_ENV:-$IOTHUB_LOCAL_DIR/hub.env}"
exec dotnet "$dll" "\$@"
EOF
  chmod 755 "$CLI_LAUNCHER.tmp"
  mv -f "$CLI_LAUNCHER.tmp" "$CLI_LAUNCHER"
}

# The connection string for run.sh's banner: in full on a terminal only. Redirected output ends up in log files
# (bench.sh, test.sh's benchmark smoke), and no key belongs in a log; hub.env always holds it.
shown_connection_string() {
  if [ -t 1 ]; then printf '%s' "$CONN"; else printf '(not shown in redirected output; see %s)' "$IOTHUB_LOCAL_DIR/hub.env"; fi
}

# Primary key of the iothubowner policy (works for the one-policy-per-line layout written above;
# falls back to python3 for an operator-edited file).
owner_key() {
  local key
  key="$(grep '"name" *: *"iothubowner"' "$POLICIES_FILE" | head -n 1 | sed -n 's/.*"primaryKey" *: *"\([^"]*\)".*/\1/p')"
  if [ -z "$key" ] && command -v python3 >/dev/null 2>&1; then
    key="$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(next(p["primaryKey"] for p in d["policies"] if p["name"]=="iothubowner"))' "$POLICIES_FILE")"
  fi
  [ -n "$key" ] || die "no iothubowner policy in $POLICIES_FILE"
  printf '%s' "$key"
}

service_pid() {
  # prints the pid when the pid file names a live process running the expected dll
  local name="$1" pid dll
  [ -f "$PID_DIR/$name.pid" ] || return 1
  read -r pid dll < "$PID_DIR/$name.pid" || true
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dll" || return 1
  echo "$pid"
}

# seed_jit_profile NAME: an instance's JIT profile (libs/ServiceDefaults/JitProfile.cs) is the one its last stop wrote in
# the state folder, one folder per kind of code (a profile of other code is of no use). The precompiled services also
# come with profiles that scripts/compile.sh recorded on a short job right after compiling them: an instance that has
# none of its own yet, or only one older than its code, starts with that one, so the first job after an installation
# or a new build runs like the next (docs/benchmarks.md, "A first start with the build's profile").
seed_jit_profile() {
  local seed="${JIT_PROFILE_SEEDS:+$JIT_PROFILE_SEEDS/$1.jitprofile}" own="$JIT_PROFILE_DIR/$1.jitprofile"
  [ -n "$seed" ] && [ -f "$seed" ] || return 0
  if [ ! -f "$own" ] || [ "$seed" -nt "$own" ]; then mkdir -p "$JIT_PROFILE_DIR" && cp -p "$seed" "$own"; fi
}

# start_service NAME DLL PORT [VAR=value ...]
start_service() {
  local name="$1" dll="$2" port="$3"; shift 3
  [ -f "$dll" ] || die "$name: $dll not found ($MISSING_BUILD_HINT)"
  if service_pid "$name" >/dev/null; then die "$name is already running (./run.sh stop first)"; fi
  if port_in_use "$port"; then die "$name: port $port is already in use by another program"; fi
  local logf="$LOG_DIR/$name.log"
  [ -f "$logf" ] && mv -f "$logf" "$logf.1"
  seed_jit_profile "$name"
  # own session (setsid): a Ctrl-C in the terminal reaches run.sh, which stops everything in
  # order; the pid file holds "<pid> <dll>" so that stop only ever signals this process
  ( close_fds; cd "$(dirname "$dll")" && exec setsid env \
      "ConnectionStrings__postgres=$IOTHUB_PG_CONNECTION" \
      "ConnectionStrings__rabbitmq=$IOTHUB_RABBITMQ_URI" \
      "RabbitMq__ClusterNodes=${IOTHUB_RABBITMQ_CLUSTER_NODES:-}" \
      "OTEL_SERVICE_NAME=$name" \
      "Runtime__JitProfileDirectory=$JIT_PROFILE_DIR" \
      "$@" \
      bash -c 'echo "$$ $1" > "$2"; exec dotnet "$1"' svc "$dll" "$PID_DIR/$name.pid" \
      >"$logf" 2>&1 </dev/null ) &
  STARTED_SERVICES+=("$name")
}

# stop every service that has a pid file (TERM, then KILL after a grace period)
stop_services() {
  [ -d "${PID_DIR:-}" ] || return 0
  local f name pid pids=() names=()
  for f in "$PID_DIR"/*.pid; do
    [ -e "$f" ] || continue
    name="$(basename "$f" .pid)"
    if pid="$(service_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
    rm -f "$f"
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  log "stopping ${names[*]}"
  local i alive
  for i in $(seq 1 40); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# probe NAME PORT: 0 when its /health/ready answers 2xx
probe() {
  local name="$1" port="$2"
  if [ "$name" = gateway ]; then
    [ -s "$CERT_DIR/ca.pem" ] || return 1
    curl -fsS -o /dev/null --max-time 5 --cacert "$CERT_DIR/ca.pem" "https://localhost:$port/health/ready" 2>/dev/null && return 0
    if curl -fsS -o /dev/null --max-time 5 -k "https://localhost:$port/health/ready" 2>/dev/null; then
      if [ -z "${_CERT_WARNED:-}" ]; then
        log "warning: gateway is ready, but its certificate does not verify against $CERT_DIR/ca.pem for 'localhost'"
        _CERT_WARNED=1
      fi
      return 0
    fi
    return 1
  fi
  curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/health/ready" 2>/dev/null
}

fail_service() {
  local name="$1" why="$2"
  {
    echo
    echo "=== $name $why. Last lines of $LOG_DIR/$name.log:"
    tail -n 40 "$LOG_DIR/$name.log" 2>/dev/null || echo "(no log)"
    echo "==="
  } >&2
  die "$name $why"
}

# wait_healthy "name:port" ... : until every one answers 200 on /health/ready
wait_healthy() {
  local deadline=$(( $(date +%s) + IOTHUB_START_TIMEOUT )) pending=("$@") next=() item name port
  while [ "${#pending[@]}" -gt 0 ]; do
    next=()
    for item in "${pending[@]}"; do
      name="${item%%:*}"; port="${item##*:}"
      if probe "$name" "$port"; then
        log "$name is ready (port $port)"
        continue
      fi
      # the process wrote its pid file from inside; give it a moment before calling it dead
      if [ -f "$PID_DIR/$name.pid" ] && ! service_pid "$name" >/dev/null; then
        fail_service "$name" "exited during start-up"
      fi
      next+=("$item")
    done
    pending=("${next[@]+"${next[@]}"}")
    [ "${#pending[@]}" -gt 0 ] || break
    if [ "$(date +%s)" -ge "$deadline" ]; then
      local names=()
      for item in "${pending[@]}"; do
        names+=("${item%%:*}")
        echo >&2
        echo "=== ${item%%:*} not ready after ${IOTHUB_START_TIMEOUT}s. Last lines of $LOG_DIR/${item%%:*}.log:" >&2
        tail -n 40 "$LOG_DIR/${item%%:*}.log" 2>/dev/null >&2 || echo "(no log)" >&2
      done
      die "not ready on /health/ready within ${IOTHUB_START_TIMEOUT}s: ${names[*]}"
    fi
    sleep 1
  done
}
